"""Measure one clip: language ID as on a call's first utterance, transcript, digits, latency.

The live path is replayed: a fresh call's :class:`LanguageTracker` sees the clip as the caller's
first utterance, the recognizer identifies the language from the encoder output it decodes
(one encode), and the tracker picks the decode language. WER and digit capture are measured on a
second decode in the clip's own language (a call whose language is already settled: most turns);
with ``translate`` a third decode asks Whisper for English text and the English understanding
reads it, beside the understanding of the native transcript.
"""

from __future__ import annotations

import inspect
from dataclasses import asdict, dataclass
from typing import Any

from benchmarks.languages.audio import clip
from benchmarks.languages.corpus import Item
from benchmarks.languages.metrics import captured, error_counts
from intents.languages.types import LanguageGuess
from pipeline.asr import Recognizer
from pipeline.language_id import CALLER_LANGUAGES, LanguageParams, LanguageTracker

SAMPLE_RATE_HZ = 16_000


@dataclass(frozen=True)
class ClipResult:
    key: str
    language: str
    split: str
    template: str
    condition: str
    audio_ms: float  # the speech, without the clip's padding
    clip_ms: float  # what the recognizer got (the tracker's measure of length)
    guessed: str
    confidence: float
    first_decode: str  # the language the first-utterance path decoded in
    told: str | None  # what the dialogue would be told on a first utterance
    first_text: str
    first_ms: float  # encode + language ID + decode, the live final's cost
    text: str  # decoded in the clip's language
    edits: int
    ref_len: int
    digits: str
    captured: bool
    decode_ms: float
    intent_expected: str
    intent_native: str | None = None  # None: the understanding takes no language on this branch
    translation: str | None = None
    intent_translated: str | None = None
    translate_ms: float | None = None
    translated_captured: bool | None = None
    # Whisper's raw probabilities of the caller languages (the report re-weighs them offline)
    probs: dict[str, float] | None = None


def _speech_ms(pcm: Any) -> float:
    import numpy as np

    loud = np.flatnonzero(np.abs(pcm.astype(np.int32)) > 300)
    return 0.0 if not loud.size else (loud[-1] - loud[0]) * 1000.0 / SAMPLE_RATE_HZ


def _understand(text: str, language: str) -> str | None:
    from intents import nlu

    if language == "en":
        return nlu.understand(text).intent.value
    if "language" not in inspect.signature(nlu.understand).parameters:
        return None
    return nlu.understand(text, language=language).intent.value  # type: ignore[call-arg]


def run_clip(recognizer: Recognizer, item: Item, served: tuple[str, ...], min_confidence: float,
             translate: bool, unserved_weight: float = 1.0) -> ClipResult:
    pcm = clip(item)
    tracker = LanguageTracker(LanguageParams(served=served, min_confidence=min_confidence,
                                             unserved_weight=unserved_weight))
    first = recognizer.transcribe(pcm, language=tracker.language, identify=tracker)
    guess = first.guess or LanguageGuess(served[0], 0.0, True)
    told = tracker.on_final(first.guess, first.audio_ms, first.language_probs).dialogue
    lang = item.language
    native = first if first.language == lang else recognizer.transcribe(pcm, language=lang)
    edits, ref_len = error_counts(item.reference, native.text, lang)
    result = ClipResult(
        item.key, lang, item.split, item.template.key, item.condition, _speech_ms(pcm), first.audio_ms,
        guess.language, round(guess.confidence, 4), first.language, told, first.text,
        round(first.compute_ms, 1), native.text, edits, ref_len, item.digits,
        captured(item.digits, native.text, lang), round(native.compute_ms, 1), item.template.intent,
        _understand(native.text, lang) if lang in served else None,
        probs={k: round(v, 5) for k, v in (first.language_probs or {}).items()
               if k in CALLER_LANGUAGES or k in served},
    )
    if not translate or lang == "en":
        return result
    english = recognizer.transcribe(pcm, language=lang, task="translate")
    return ClipResult(**{**asdict(result), "translation": english.text,
                         "intent_translated": _understand(english.text, "en"),
                         "translate_ms": round(english.compute_ms, 1),
                         "translated_captured": captured(item.digits, english.text, "en")})


def as_json(result: ClipResult) -> dict[str, Any]:
    return asdict(result)
