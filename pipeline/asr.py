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
from dataclasses import dataclass, field
from functools import cache

import numpy as np

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
        prompt: list[int] = []
        if initial_prompt:
            prompt = [tokenizer.sot_prev, *tokenizer.encode(" " + initial_prompt.strip())]
        self._prompt = [*prompt, *tokenizer.sot_sequence, tokenizer.no_timestamps]
        self._suppress = list(tokenizer.non_speech_tokens) + [tokenizer.transcribe,
                                                              tokenizer.translate, tokenizer.sot,
                                                              tokenizer.sot_prev, tokenizer.sot_lm]
        self._lock = threading.Lock()

    def _tokenizer(self):  # type: ignore[no-untyped-def]
        from faster_whisper.tokenizer import Tokenizer

        multilingual = self._whisper.model.is_multilingual
        return Tokenizer(self._whisper.hf_tokenizer, multilingual, task="transcribe",
                         language=self.language if multilingual else "en")

    def transcribe(self, pcm: np.ndarray, max_new_tokens: int = 96) -> Transcript:
        """Recognise int16 or float32 mono audio at 16 kHz. Blocking: run it in a thread.

        Returns an empty text for silence or audio shorter than 100 ms.
        """
        import time

        started_s = time.perf_counter()
        audio = pcm.astype(np.float32) / 32768.0 if pcm.dtype == np.int16 else pcm.astype(np.float32)
        audio_ms = len(audio) * 1000.0 / SAMPLE_RATE_HZ
        # Whisper hallucinates words ("you", "Thank you.") on silence; digital silence and hiss
        # below -60 dBFS are never speech on a phone line.
        if len(audio) < SAMPLE_RATE_HZ // 10 or float(np.sqrt(np.mean(audio**2))) < 1e-3:
            return Transcript("", audio_ms, 0.0)
        max_samples = int(MAX_WINDOW_S * SAMPLE_RATE_HZ)
        audio = audio[-(max_samples - self._pad_samples):]
        padded = np.concatenate([audio, np.zeros(self._pad_samples, dtype=np.float32)])
        tokenizer = self._tokenizer()
        with self._lock:
            features = self._whisper.feature_extractor(padded)
            encoded = self._whisper.encode(features)
            result = self._whisper.model.generate(
                encoded, [self._prompt], beam_size=1, max_length=len(self._prompt) + max_new_tokens,
                suppress_blank=True, suppress_tokens=self._suppress, repetition_penalty=1.1,
                no_repeat_ngram_size=4, return_no_speech_prob=True,
            )[0]
        text = tokenizer.decode(result.sequences_ids[0]).strip()
        if result.no_speech_prob > 0.8:
            text = ""
        acoustic = (encoded, len(audio) // 160)  # mel frames (10 ms hop) holding the caller's audio
        return Transcript(text, audio_ms, (time.perf_counter() - started_s) * 1000.0, acoustic)


@cache
def load_recognizer(model_name: str = "tiny.en", cpu_threads: int = 2, language: str = "en") -> Recognizer:
    """The process-wide shared recognizer for ``model_name`` (loaded on first use, ~0.5 s).

    ``language`` only matters for a multilingual model ("base"): the language the caller speaks.
    """
    return Recognizer(model_name, cpu_threads=cpu_threads, language=language)
