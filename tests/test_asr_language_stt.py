"""Issue #14 in the recognition adapter: each final tells the dialogue the caller's language, and
the call's tracker picks the language every recognition decodes in (a stand-in recognizer)."""

from __future__ import annotations

import numpy as np
from pipecat.tests.utils import run_test

from pipeline.asr import LanguagePicker, Transcript
from pipeline.clock import MonotonicClock
from pipeline.endpointing import EndpointingParams
from pipeline.events import CallLog, FinalLogged
from pipeline.frames import CallerTranscriptFrame
from pipeline.language_id import LanguageParams, LanguageTracker
from pipeline.processors.base import CallContext
from pipeline.processors.stt import SttProcessor
from pipeline.turn_audio import TurnAudio
from pipeline.vad import VadEventKind
from tests.test_stt_processor import Script

SERVED = ("en", "de", "fr")


class GermanRecognizer:
    """Hears German with ``confidence`` on audio of >= 1.5 s; records each decode's language."""

    def __init__(self, confidence: float) -> None:
        self.confidence = confidence
        self.decoded: list[tuple[str, bool]] = []  # (language, identified)

    def transcribe(self, pcm: np.ndarray, max_new_tokens: int = 96, language: str | None = None,
                   identify: LanguagePicker | None = None) -> Transcript:
        audio_ms = len(pcm) / 16.0
        guess, probs = None, None
        language = language or "en"
        if identify is not None:
            probs = {"de": self.confidence, "en": 1.0 - self.confidence}
            guess = identify.guess(probs)
            language = identify.pick(guess, audio_ms, probs)
        self.decoded.append((language, identify is not None))
        return Transcript(f"words in {language}", audio_ms, 1.0, language=language, guess=guess,
                          language_probs=probs)


def _final(down: list) -> CallerTranscriptFrame:
    finals = [f for f in down if isinstance(f, CallerTranscriptFrame) and f.kind == "final"]
    assert len(finals) == 1
    return finals[0]


async def _one_turn(rec: GermanRecognizer, tracker: LanguageTracker | None, frames: int = 100):
    log = CallLog()
    stt = SttProcessor(CallContext("t", MonotonicClock(), log), rec, TurnAudio(),  # type: ignore[arg-type]
                       EndpointingParams(words=False), languages=tracker)
    s = (Script().vad(VadEventKind.SPEECH_START).audio(frames).vad(VadEventKind.SPEECH_END).audio(5)
         .vad(VadEventKind.TURN_END).audio(2).sleep(0.3))
    down, _ = await run_test(stt, frames_to_send=s.frames)
    return _final(down), log


async def test_a_confident_long_final_is_decoded_in_and_carries_the_callers_language() -> None:
    rec = GermanRecognizer(0.9)
    tracker = LanguageTracker(LanguageParams(served=SERVED))
    final, log = await _one_turn(rec, tracker, frames=100)  # 2 s
    assert final.language == "de" and final.text == "words in de"
    assert tracker.language == "de"
    logged = log.of_type(FinalLogged)[-1]
    assert (logged.language, logged.guessed) == ("de", "de")
    assert logged.guess_confidence is not None and logged.guess_confidence > 0.85


async def test_an_unsure_final_is_decoded_in_the_likeliest_language_and_tells_the_dialogue_nothing() -> None:
    # Decoded in the default, German speech is nonsense the text identifier misreads; decoded in
    # German, the dialogue's own identification of the words can settle it.
    rec = GermanRecognizer(0.55)
    tracker = LanguageTracker(LanguageParams(served=SERVED, min_confidence=0.6))
    final, _ = await _one_turn(rec, tracker)
    assert final.language is None and final.text == "words in de"
    assert not tracker.settled and tracker.language == "en"


async def test_a_short_turn_skips_the_language_id_and_keeps_the_calls_language() -> None:
    rec = GermanRecognizer(0.99)
    tracker = LanguageTracker(LanguageParams(served=SERVED))
    final, log = await _one_turn(rec, tracker, frames=40)  # 0.8 s: "ja, genau"
    assert final.language is None and final.text == "words in en"
    assert rec.decoded and all(not identified for _, identified in rec.decoded)
    assert log.of_type(FinalLogged)[-1].guessed is None


async def test_without_a_tracker_nothing_changes() -> None:
    rec = GermanRecognizer(0.9)
    final, _ = await _one_turn(rec, None)
    assert final.language is None and final.text == "words in en"
    assert all(not identified for _, identified in rec.decoded)


class _Dialogue:
    """Records what the dialogue processor passes (the i18n contract: on_final(text, language))."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str | None]] = []

    def on_final(self, text: str, language: str | None = None):  # type: ignore[no-untyped-def]
        from intents.types import Intent, Reply

        self.calls.append((text, language))
        return Reply("ok", Intent.OTHER)

    def on_partial(self, text: str) -> None: ...

    def on_heard(self, said: str, heard: str) -> None: ...

    def answers(self, text: str) -> bool:
        return False

    greeting = None


async def test_the_dialogue_gets_the_language_with_the_final() -> None:
    from pipeline.processors.dialogue import DialogueProcessor

    dialogue = _Dialogue()
    proc = DialogueProcessor(CallContext("t", MonotonicClock(), CallLog()), dialogue)  # type: ignore[arg-type]
    frames = [CallerTranscriptFrame(text="Hallo", kind="final", at_ms=0.0, speech_start_ms=0.0,
                                    language="de"),
              CallerTranscriptFrame(text="ok", kind="final", at_ms=1.0, speech_start_ms=0.5)]
    await run_test(proc, frames_to_send=frames)
    assert dialogue.calls == [("Hallo", "de"), ("ok", None)]

