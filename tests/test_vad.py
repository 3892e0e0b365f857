"""VAD: the turn state machine on numbers, the level onset, and the real models on real audio."""

import numpy as np
import pytest

from agent.audio_files import speak_text
from pipeline.vad import (
    OnsetDetector,
    PauseListener,
    SileroModel,
    VadEventKind,
    VadParams,
    VadStream,
    VadTracker,
    WebRtcModel,
    level_dbfs,
)


def kinds(events, quiet=False):
    return [e.kind for e in events if quiet or e.kind != VadEventKind.QUIET]


def test_tracker_speech_pause_turn_end():
    t = VadTracker(VadParams(threshold=0.5, start_ms=32, stop_ms=200, turn_end_ms=500))
    out = []
    ms = 0.0
    for p in [0.1] * 3 + [0.9] * 10 + [0.1] * 20:
        ms += 32
        out += t.update(p, ms, 32)
    assert kinds(out, quiet=True) == [VadEventKind.SPEECH_START, VadEventKind.QUIET,
                                      VadEventKind.SPEECH_END, VadEventKind.TURN_END]
    start, quiet, end, turn = out
    assert quiet.at_ms - 13 * 32 == pytest.approx(96)  # speculative recognition starts early
    assert start.speech_start_ms == pytest.approx(96)  # onset = start of the first voiced window
    assert end.at_ms - 13 * 32 == pytest.approx(224)  # first window with >= 200 ms of silence
    assert turn.at_ms - 13 * 32 >= 500


def test_tracker_pause_shorter_than_turn_end_keeps_turn():
    t = VadTracker(VadParams(stop_ms=200, turn_end_ms=500))
    out, ms = [], 0.0
    for p in [0.9] * 5 + [0.1] * 10 + [0.9] * 5 + [0.1] * 20:
        ms += 32
        out += t.update(p, ms, 32)
    assert kinds(out) == [VadEventKind.SPEECH_START, VadEventKind.SPEECH_END, VadEventKind.SPEECH_START,
                          VadEventKind.SPEECH_END, VadEventKind.TURN_END]
    out = [e for e in out if e.kind != VadEventKind.QUIET]
    assert out[2].speech_start_ms == 480  # a SPEECH_START carries the onset of its own burst
    assert out[4].speech_start_ms == 0  # the TURN_END carries the start of the whole turn


def test_onset_detector_fires_on_rise_not_on_steady_noise():
    det = OnsetDetector(VadParams(onset_rise_db=15, onset_min_dbfs=-42, onset_confirm_ms=160))
    events, ms = [], 0.0
    for _ in range(50):  # steady line noise at -50 dBFS
        ms += 20
        events += det.update(-50.0, ms, 20, speaking=False)
    assert events == []
    ms += 20
    events += det.update(-20.0, ms, 20, speaking=False)
    assert kinds(events) == [VadEventKind.ONSET]
    for _ in range(10):  # the model never confirms
        ms += 20
        events += det.update(-20.0, ms, 20, speaking=False)
    assert kinds(events) == [VadEventKind.ONSET, VadEventKind.ONSET_REJECTED]


def test_pause_listener_hears_soft_sound_over_the_pauses_own_noise():
    listener = PauseListener(VadParams())
    levels = [-20.0] * 5 + [-120.0] * 9  # speech, then the silence that makes the pause
    assert not any(listener.update(v, 20.0 * (i + 1), 20.0, pausing=False) for i, v in enumerate(levels))
    # the pause begins; a soft unvoiced "th" at -42 dBFS is the caller going on
    assert not listener.update(-120.0, 300.0, 20.0, pausing=True)
    events = listener.update(-42.0, 320.0, 20.0, pausing=True)
    assert [e.kind for e in events] == [VadEventKind.GOING_ON] and events[0].audio_ms == 320.0
    assert not listener.update(-30.0, 340.0, 20.0, pausing=True)  # once per pause
    # on a noisy line the pause's own noise (-47 dBFS) is not the caller going on
    noisy = PauseListener(VadParams())
    for i, v in enumerate([-20.0] * 5 + [-47.0] * 10):
        noisy.update(v, 20.0 * (i + 1), 20.0, pausing=False)
    assert not any(noisy.update(-45.0, 320.0 + 20 * i, 20.0, pausing=True) for i in range(10))
    assert noisy.update(-30.0, 520.0, 20.0, pausing=True)  # the voice is
    # and a quiet sound outside a pause is none of its business
    assert not PauseListener(VadParams()).update(-30.0, 20.0, 20.0, pausing=False)


def test_a_soft_restart_after_a_comma_is_heard_before_the_model_confirms_it():
    # "No, that's all, [180 ms] thanks.": the "th" is unvoiced and soft; Silero confirms the
    # speech only on "anks". Something must say "going on" between the pause and that, or the
    # turn-end wait after a whole answer ends the turn without "thanks" (seen in the bench).
    import wave
    from pathlib import Path

    with wave.open(str(Path("benchmarks/scenarios/clips/barge-in-done.wav"))) as w:
        clip = np.frombuffer(w.readframes(w.getnframes()), dtype=np.int16)
    pcm = np.concatenate([np.zeros(8000, dtype=np.int16), clip, np.zeros(16000, dtype=np.int16)])
    stream = VadStream(SileroModel(), VadParams())
    events = []
    for i in range(0, len(pcm) - 319, 320):
        events += stream.push(pcm[i:i + 320].tobytes(), (i + 320) / 16.0)
    order = [e.kind for e in events if e.kind != VadEventKind.QUIET]
    pause = order.index(VadEventKind.SPEECH_END)
    resumed = order.index(VadEventKind.SPEECH_START, pause)
    assert {VadEventKind.ONSET, VadEventKind.GOING_ON} & set(order[pause:resumed]), order


def test_level_dbfs():
    assert level_dbfs(np.zeros(320)) < -100
    assert level_dbfs(np.ones(320) * 0.5) == pytest.approx(-6.02, abs=0.01)


@pytest.fixture(scope="module")
def speech():
    pcm = speak_text("Hello, I am calling about my order.", voice="en-gb-scotland")
    silence = np.zeros(16000, dtype=np.int16)
    return np.concatenate([silence, pcm, silence, silence])


@pytest.mark.parametrize("model_factory", [SileroModel, WebRtcModel])
def test_real_models_find_the_speech(speech, model_factory):
    stream = VadStream(model_factory(), VadParams())
    events = []
    for i in range(0, len(speech) - 319, 320):
        events += stream.push(speech[i:i + 320].tobytes(), (i + 320) / 16.0)
    starts = [e for e in events if e.kind == VadEventKind.SPEECH_START]
    turn_ends = [e for e in events if e.kind == VadEventKind.TURN_END]
    assert starts and turn_ends
    assert 900 <= starts[0].speech_start_ms <= 1300  # the speech begins at 1000 ms
    assert turn_ends[-1].at_ms > starts[0].at_ms


def test_silero_ignores_silence_and_hum():
    t = np.arange(16000 * 2) / 16000
    hum = (0.05 * np.sin(2 * np.pi * 50 * t) * 32767).astype(np.int16)
    stream = VadStream(SileroModel(), VadParams())
    events = []
    for i in range(0, len(hum) - 319, 320):
        events += stream.push(hum[i:i + 320].tobytes(), (i + 320) / 16.0)
    assert VadEventKind.SPEECH_START not in kinds(events)


class ScriptedModel:
    """Speech probabilities from a list, one per 32 ms window."""

    window_samples = 512

    def __init__(self, probabilities: list[float]) -> None:
        self._p = iter(probabilities)

    def probability(self, window: np.ndarray) -> float:
        return next(self._p, 0.0)

    def reset(self) -> None:
        pass


def test_a_stalled_loop_is_not_a_pause():
    # 1.6 s of speech with a 64 ms gap between two words. The loop stalls 400 ms inside the gap,
    # then the queued frames arrive together: silence is judged on the audio, not on the wall
    # clock (which read the gap as ~480 ms of silence: a false pause).
    stream = VadStream(ScriptedModel([1.0] * 15 + [0.0] * 2 + [1.0] * 33), VadParams())
    frame = np.full(320, 1000, dtype=np.int16).tobytes()
    events, now_ms = [], 0.0
    for i in range(80):
        now_ms += 420.0 if i == 27 else (0.5 if 27 < i < 47 else 20.0)
        events += stream.push(frame, now_ms)
    assert kinds(events) == [VadEventKind.ONSET, VadEventKind.SPEECH_START]
    # stamps stay in call time: the start is where the audio began, before the stall
    assert events[1].speech_start_ms == pytest.approx(0.0, abs=1.0)
    # and each event says where in the caller's audio it was decided (the first 32 ms window)
    assert events[1].audio_ms == pytest.approx(32.0)


async def test_the_vad_processor_sends_a_frames_decisions_before_the_frame():
    # The turn-end wait counts caller frames and must know, when a frame arrives, whether it
    # held an onset (see pipeline/processors/vad.py).
    from pipecat.frames.frames import InputAudioRawFrame
    from pipecat.tests.utils import run_test

    from pipeline.clock import MonotonicClock
    from pipeline.events import CallLog
    from pipeline.frames import CallerVadFrame
    from pipeline.processors.base import CallContext
    from pipeline.processors.vad import VadProcessor

    loud = np.full(320, 8000, dtype=np.int16).tobytes()
    quiet = np.zeros(320, dtype=np.int16).tobytes()
    frames = [InputAudioRawFrame(audio=pcm, sample_rate=16_000, num_channels=1)
              for pcm in [quiet] * 10 + [loud] * 10]
    processor = VadProcessor(CallContext("t", MonotonicClock(), CallLog()),
                             VadStream(ScriptedModel([0.0] * 6 + [1.0] * 10), VadParams()))
    down, _ = await run_test(processor, frames_to_send=frames)
    audio_ms, seen = 0.0, []
    for f in down:
        if isinstance(f, InputAudioRawFrame):
            audio_ms += 20.0
        elif isinstance(f, CallerVadFrame):
            # decided in the frame that follows it, so past all audio before it
            assert audio_ms < f.event.audio_ms <= audio_ms + 20.0
            seen.append(f.event.kind)
    assert seen == [VadEventKind.ONSET, VadEventKind.SPEECH_START]
