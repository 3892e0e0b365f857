"""The recognition adapter's turn ends, driven with frames through a real pipecat pipeline.

The recognizer is a stand-in (it returns how much audio it got), so the test is fast; the real
models run in the scenario tests.
"""

from __future__ import annotations

import numpy as np
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


def audio(n: int) -> list[InputAudioRawFrame]:
    pcm = np.zeros(FRAME_SAMPLES, dtype=np.int16).tobytes()
    return [InputAudioRawFrame(audio=pcm, sample_rate=16_000, num_channels=1) for _ in range(n)]


def vad(kind: VadEventKind) -> CallerVadFrame:
    return CallerVadFrame(event=VadEvent(kind, 0.0, 0.0))


async def test_a_lagging_loop_does_not_end_a_whole_answer_before_the_callers_next_words() -> None:
    # CI: a 64 ms pause inside "0 7 7 0 0 9 0 0 1 0 [pause] 3" ended the turn early, because the
    # wait was a wall-clock timer and the frames carrying the "3" were stuck behind a recognition.
    # Here the loop stalls 400 ms after the pause; only 60 ms of the caller's audio follow it
    # before they go on, so the turn must not end there.
    ctx = CallContext("t", MonotonicClock(), CallLog())
    stt = SttProcessor(ctx, CountingRecognizer(), TurnAudio(), EndpointingParams(answer_wait_ms=100.0),
                       answers=lambda text: True)  # every burst counts as a whole answer
    frames = [
        vad(VadEventKind.SPEECH_START), *audio(50), vad(VadEventKind.SPEECH_END),
        SleepFrame(sleep=0.4),
        *audio(3), vad(VadEventKind.SPEECH_START), *audio(25), vad(VadEventKind.SPEECH_END),
        *audio(10),  # 200 ms of silence: the early answer ends the turn after 100 ms of it
        SleepFrame(sleep=0.2),
    ]
    down, _ = await run_test(stt, frames_to_send=frames)
    finals = [f.text for f in down if isinstance(f, CallerTranscriptFrame) and f.kind == "final"]
    assert len(finals) == 1, finals
    frames_heard = int(finals[0].split()[0])
    assert frames_heard >= 50 + 3 + 25  # the whole turn, both bursts


async def test_a_whole_answer_ends_the_turn_after_answer_wait_ms_of_caller_audio() -> None:
    ctx = CallContext("t", MonotonicClock(), CallLog())
    stt = SttProcessor(ctx, CountingRecognizer(), TurnAudio(), EndpointingParams(answer_wait_ms=100.0),
                       answers=lambda text: True)
    frames = [vad(VadEventKind.SPEECH_START), *audio(30), vad(VadEventKind.SPEECH_END),
              SleepFrame(sleep=0.2), *audio(4), SleepFrame(sleep=0.3)]
    down, _ = await run_test(stt, frames_to_send=frames)
    assert not [f for f in down if isinstance(f, CallerTranscriptFrame) and f.kind == "final"]
    # five more frames: 100 ms heard after the pause, the turn ends
    frames = [vad(VadEventKind.SPEECH_START), *audio(30), vad(VadEventKind.SPEECH_END),
              SleepFrame(sleep=0.2), *audio(6), SleepFrame(sleep=0.3)]
    stt = SttProcessor(ctx, CountingRecognizer(), TurnAudio(), EndpointingParams(answer_wait_ms=100.0),
                       answers=lambda text: True)
    down, _ = await run_test(stt, frames_to_send=frames)
    assert [f.text for f in down if isinstance(f, CallerTranscriptFrame) and f.kind == "final"] == [
        "30 frames"]
