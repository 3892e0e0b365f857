"""Speech recognition with faster-whisper, encoding only the utterance plus padding.

Whisper's encoder is trained on 30 s windows and faster-whisper always pads to them, but
CTranslate2 accepts shorter mel input. Measured here (findings.md): the utterance plus >= ~3 s of
silence gives the same transcripts with the encoder 4-6x faster; with < ~2 s the decoder repeats
itself. So every call encodes ``len(audio) + pad_s`` seconds, capped at 30 s.

The model is loaded once per process (:func:`load_recognizer`) and shared by every call:
CTranslate2 releases the GIL, so recognitions run in worker threads without blocking the loop.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Protocol

import numpy as np

from intents.languages.types import LanguageGuess
from pipeline.asr_prompts import DOMAIN_PROMPTS
from pipeline.language_id import guess_from_probs
from voices.registry import asr_model_dir

SAMPLE_RATE_HZ = 16_000
MAX_WINDOW_S = 30.0


@dataclass(frozen=True)
class Transcript:
    text: str
    audio_ms: float  # length of the audio recognised
    compute_ms: float  # wall time spent recognising
    # The encoder output and its frame count, for checking expected values against the same audio
    # without encoding it again (pipeline/identifier_check.py). Opaque here; None for silence.
    acoustic: tuple[object, int] | None = field(default=None, compare=False, repr=False)
    language: str = "en"  # the language the text was decoded in
    # Whisper's language ID of this audio, when asked for (``identify``) and the model has one
    guess: LanguageGuess | None = None
    # Whisper's raw language probabilities behind ``guess`` (benchmarks re-weigh them)
    language_probs: dict[str, float] | None = field(default=None, compare=False, repr=False)


class LanguagePicker(Protocol):
    """Chooses the language to decode an utterance in from its guess (a call's LanguageTracker)."""

    def guess(self, probs: Mapping[str, float]) -> LanguageGuess: ...

    def pick(self, guess: LanguageGuess, audio_ms: float,
             probs: Mapping[str, float] | None = None) -> str: ...


class Recognizer:
    """A loaded Whisper model. Thread-safe: calls are serialised per model with a lock."""

    def __init__(self, model_name: str = "tiny.en", cpu_threads: int = 2, pad_s: float = 3.0,
                 initial_prompt: str | None = None, language: str = "en") -> None:
        from faster_whisper import WhisperModel  # heavy import, only when a model is wanted

        self.model_name = model_name
        self.language = language
        self._whisper = WhisperModel(str(asr_model_dir(model_name)), device="cpu",
                                     compute_type="int8", cpu_threads=cpu_threads)
        self._pad_samples = int(pad_s * SAMPLE_RATE_HZ)
        tokenizer = self._tokenizer()
        self._initial_prompt = initial_prompt
        self.use_domain_prompts = True  # the language benchmark's switch (pipeline.asr_prompts)
        self._prompts: dict[str, list[int]] = {}
        self._prompt = self.prompt_for(self.language)
        self._suppress = list(tokenizer.non_speech_tokens) + [tokenizer.transcribe,
                                                              tokenizer.translate, tokenizer.sot,
                                                              tokenizer.sot_prev, tokenizer.sot_lm]
        self._lock = threading.Lock()

    @property
    def multilingual(self) -> bool:
        """Whether the model has a language head (base) or is English-only (tiny.en)."""
        return bool(self._whisper.model.is_multilingual)

    def _tokenizer(self, language: str | None = None, task: str = "transcribe"):  # type: ignore[no-untyped-def]
        from faster_whisper.tokenizer import Tokenizer

        multilingual = self._whisper.model.is_multilingual
        return Tokenizer(self._whisper.hf_tokenizer, multilingual, task=task,
                         language=(language or self.language) if multilingual else "en")

    def prompt_for(self, language: str, task: str = "transcribe") -> list[int]:
        """The decoder's start tokens for ``language`` (English-only model: always English)."""
        key = f"{language}/{task}"
        if key not in self._prompts:
            tokenizer = self._tokenizer(language, task)
            prompt: list[int] = []
            # The initial prompt is one language's words: only used for the recognizer's own.
            words = self._initial_prompt if language == self.language else None
            if words is None and self.multilingual and self.use_domain_prompts:
                words = DOMAIN_PROMPTS.get(language)  # never for English: see pipeline.asr_prompts
            if words:
                prompt = [tokenizer.sot_prev, *tokenizer.encode(" " + words.strip())]
            self._prompts[key] = [*prompt, *tokenizer.sot_sequence, tokenizer.no_timestamps]
        return self._prompts[key]

    def _language_probs(self, encoded: object) -> dict[str, float]:
        """Whisper's language probabilities for an encoder output (one decoder step)."""
        ranked = self._whisper.model.detect_language(encoded)[0]
        return {token[2:-2]: float(p) for token, p in ranked}  # "<|de|>" -> "de"

    def detect_language(self, pcm: np.ndarray, served: tuple[str, ...]) -> LanguageGuess:
        """The caller's language in ``pcm`` (the best plausible one, served or not).

        An English-only model cannot tell: it answers the default with no confidence."""
        if not self.multilingual:
            return LanguageGuess(served[0], 0.0, True)
        padded = self._padded(self._float(pcm))
        with self._lock:
            encoded = self._whisper.encode(self._whisper.feature_extractor(padded))
            probs = self._language_probs(encoded)
        return guess_from_probs(probs, served)

    @staticmethod
    def _float(pcm: np.ndarray) -> np.ndarray:
        return pcm.astype(np.float32) / 32768.0 if pcm.dtype == np.int16 else pcm.astype(np.float32)

    def _padded(self, audio: np.ndarray) -> np.ndarray:
        max_samples = int(MAX_WINDOW_S * SAMPLE_RATE_HZ)
        audio = audio[-(max_samples - self._pad_samples):]
        return np.concatenate([audio, np.zeros(self._pad_samples, dtype=np.float32)])

    def transcribe(self, pcm: np.ndarray, max_new_tokens: int = 96, language: str | None = None,
                   identify: LanguagePicker | None = None, task: str = "transcribe") -> Transcript:
        """Recognise int16 or float32 mono audio at 16 kHz. Blocking: run it in a thread.

        ``language``: decode in it (default: the recognizer's). With ``identify`` (and a
        multilingual model) the language is identified from the same encoder output first (one
        decoder step, ~35 ms on 2 cores), ``identify.pick`` chooses the decode language from the
        guess, and the transcript carries the guess. ``task="translate"``: English text.

        Returns an empty text for silence or audio shorter than 100 ms.
        """
        import time

        started_s = time.perf_counter()
        audio = self._float(pcm)
        audio_ms = len(audio) * 1000.0 / SAMPLE_RATE_HZ
        language = language or self.language
        if not self.multilingual:
            language = "en"
        # Whisper hallucinates words ("you", "Thank you.") on silence; digital silence and hiss
        # below -60 dBFS are never speech on a phone line.
        if len(audio) < SAMPLE_RATE_HZ // 10 or float(np.sqrt(np.mean(audio**2))) < 1e-3:
            return Transcript("", audio_ms, 0.0, language=language)
        padded = self._padded(audio)
        frames = min(len(audio), len(padded) - self._pad_samples) // 160  # mel frames (10 ms hop)
        guess, probs = None, None
        with self._lock:
            features = self._whisper.feature_extractor(padded)
            encoded = self._whisper.encode(features)
            if identify is not None and self.multilingual:
                # The language head reads the encoder output the decode uses: no second encode.
                probs = self._language_probs(encoded)
                guess = identify.guess(probs)
                language = identify.pick(guess, audio_ms, probs)
            prompt = self.prompt_for(language, task)
            result = self._whisper.model.generate(
                encoded, [prompt], beam_size=1, max_length=len(prompt) + max_new_tokens,
                suppress_blank=True, suppress_tokens=self._suppress, repetition_penalty=1.1,
                no_repeat_ngram_size=4, return_no_speech_prob=True,
            )[0]
        text = self._tokenizer(language).decode(result.sequences_ids[0]).strip()
        if result.no_speech_prob > 0.8:
            text = ""
        acoustic = (encoded, frames)  # the encoder output and the frames holding the caller's audio
        return Transcript(text, audio_ms, (time.perf_counter() - started_s) * 1000.0, acoustic,
                          language=language, guess=guess, language_probs=probs)


@cache
def load_recognizer(model_name: str = "tiny.en", cpu_threads: int = 2, language: str = "en") -> Recognizer:
    """The process-wide shared recognizer for ``model_name`` (loaded on first use, ~0.5 s).

    ``language`` only matters for a multilingual model ("base"): the language the caller speaks.
    """
    return Recognizer(model_name, cpu_threads=cpu_threads, language=language)
