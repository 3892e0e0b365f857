"""The recognition adapter's turn ends, driven with frames through a real pipecat pipeline.

The recognizer is a stand-in (it returns how much audio it got), so the test is fast; the real
models run in the scenario tests.
"""

from __future__ import annotations

import numpy as np
import pytest
from pipecat.frames.frames import InputAudioRawFrame
from pipecat.tests.utils import SleepFrame, run_test

from pipeline.asr import Transcript
from pipeline.clock import MonotonicClock
from pipeline.endpointing import EndpointingParams
from pipeline.events import CallLog
from pipeline.frames import CallerTranscriptFrame, CallerVadFrame
from pipeline.processors.base import CallContext
from pipeline.processors.stt import SttProcessor
from pipeline.turn_audio import TurnAudio
from pipeline.vad import VadEvent, VadEventKind

FRAME_SAMPLES = 320  # 20 ms at 16 kHz


class CountingRecognizer:
    """Says how many 20 ms frames of audio it was given."""

    def transcribe(self, pcm: np.ndarray, max_new_tokens: int = 96) -> Transcript:
        return Transcript(text=f"{len(pcm) // FRAME_SAMPLES} frames", audio_ms=len(pcm) / 16.0,
                          compute_ms=0.0)


class Script:
    """Caller frames and VAD decisions in pipeline order: a frame's decisions come before it."""

    def __init__(self) -> None:
        self.frames: list = []
        self.audio_ms = 0.0

    def audio(self, n: int) -> Script:
        pcm = np.zeros(FRAME_SAMPLES, dtype=np.int16).tobytes()
        self.frames += [InputAudioRawFrame(audio=pcm, sample_rate=16_000, num_channels=1)
                        for _ in range(n)]
        self.audio_ms += 20.0 * n
        return self

    def vad(self, kind: VadEventKind) -> Script:
        """A decision made in the next frame (so at its end, in caller audio)."""
        self.frames.append(CallerVadFrame(event=VadEvent(kind, 0.0, 0.0, self.audio_ms + 20.0)))
        return self

    def sleep(self, secs: float) -> Script:
        self.frames.append(SleepFrame(sleep=secs))
        return self


def finals(down: list) -> list[str]:
    return [f.text for f in down if isinstance(f, CallerTranscriptFrame) and f.kind == "final"]


def whole_answer_stt() -> SttProcessor:
    ctx = CallContext("t", MonotonicClock(), CallLog())
    return SttProcessor(ctx, CountingRecognizer(), TurnAudio(), EndpointingParams(answer_wait_ms=100.0),
                        answers=lambda text: True)  # every burst counts as a whole answer


async def test_a_lagging_loop_does_not_end_a_whole_answer_before_the_callers_next_words() -> None:
    # CI: a 64 ms pause inside "0 7 7 0 0 9 0 0 1 0 [pause] 3" ended the turn early, because the
    # wait was a wall-clock timer and the frames carrying the "3" were stuck behind a recognition.
    # Here the loop stalls 400 ms after the pause; only 60 ms of the caller's audio follow it
    # before they go on, so the turn must not end there.
    s = (Script().vad(VadEventKind.SPEECH_START).audio(50).vad(VadEventKind.SPEECH_END).sleep(0.4)
         .audio(3).vad(VadEventKind.SPEECH_START).audio(25).vad(VadEventKind.SPEECH_END)
         .audio(10)  # 200 ms of silence: the early answer ends the turn after 100 ms of it
         .sleep(0.2))
    down, _ = await run_test(whole_answer_stt(), frames_to_send=s.frames)
    texts = finals(down)
    assert len(texts) == 1, texts
    frames_heard = int(texts[0].split()[0])
    assert frames_heard >= 50 + 3 + 25  # the whole turn, both bursts


async def test_a_whole_answer_ends_the_turn_after_answer_wait_ms_of_caller_audio() -> None:
    # the pause is decided in the first silent frame; 100 ms of audio past it take five more
    s = Script().vad(VadEventKind.SPEECH_START).audio(30).vad(VadEventKind.SPEECH_END).sleep(0.2)
    down, _ = await run_test(whole_answer_stt(), frames_to_send=s.audio(5).sleep(0.3).frames)
    assert not finals(down)
    s = Script().vad(VadEventKind.SPEECH_START).audio(30).vad(VadEventKind.SPEECH_END).sleep(0.2)
    down, _ = await run_test(whole_answer_stt(), frames_to_send=s.audio(6).sleep(0.3).frames)
    assert finals(down) == ["30 frames"]


@pytest.mark.parametrize("going_on", [VadEventKind.ONSET, VadEventKind.GOING_ON])
async def test_an_onset_in_the_frame_that_would_end_the_wait_holds_the_turn(going_on) -> None:
    # "a refund, [pause] please": the caller goes on in the very frame the wait would end on. The
    # frame's onset comes before the frame, so the turn does not end without "please".
    s = (Script().vad(VadEventKind.SPEECH_START).audio(30).vad(VadEventKind.SPEECH_END).sleep(0.2)
         .audio(5).vad(going_on).audio(1).vad(VadEventKind.SPEECH_START).audio(20)
         .vad(VadEventKind.SPEECH_END).audio(6).sleep(0.3))
    down, _ = await run_test(whole_answer_stt(), frames_to_send=s.frames)
    assert finals(down) == [f"{30 + 5 + 1 + 20} frames"]


class _AcousticRecognizer(CountingRecognizer):
    """As CountingRecognizer, with an (opaque) encoder output for the identifier check."""

    def transcribe(self, pcm: np.ndarray, max_new_tokens: int = 96) -> Transcript:
        t = super().transcribe(pcm, max_new_tokens)
        return Transcript(t.text, t.audio_ms, t.compute_ms, acoustic=("encoded", len(pcm) // 160))


class _Checker:
    """Proves the expected value when its margin over the near misses is ``margin`` nats."""

    def __init__(self, margin: float) -> None:
        self.margin = margin
        self.checked: list[str] = []

    def check(self, transcript, expected):  # type: ignore[no-untyped-def]
        from intents.verify_evidence import Scores
        from pipeline.identifier_check import Check

        self.checked.append(expected.value)
        return Check(expected, Scores(-3.0, -0.3, -1.0, -3.0 - self.margin, 8), 1.0)


@pytest.mark.parametrize(("margin", "proven"), [(9.0, True), (0.1, False)])
async def test_the_final_carries_what_the_check_proved(margin: float, proven: bool) -> None:
    from intents.verify_evidence import Expected, IdKind

    expected = (Expected(IdKind.POSTCODE, "10115"),)
    checker = _Checker(margin)
    ctx = CallContext("t", MonotonicClock(), CallLog())
    stt = SttProcessor(ctx, _AcousticRecognizer(), TurnAudio(), EndpointingParams(answer_wait_ms=100.0),
                       answers=lambda text: True, expects=lambda: expected, checker=checker)  # type: ignore[arg-type]
    s = Script().vad(VadEventKind.SPEECH_START).audio(50).vad(VadEventKind.SPEECH_END).audio(10).sleep(0.3)
    down, _ = await run_test(stt, frames_to_send=s.frames)
    final = [f for f in down if isinstance(f, CallerTranscriptFrame) and f.kind == "final"]
    assert len(final) == 1 and checker.checked == ["10115"]
    assert final[0].evidence == (expected if proven else ())
