"""Turn audio buffering and the WAV-based latency measures, on synthetic signals."""

import numpy as np
import pytest

from benchmarks import wavmetrics
from pipeline.turn_audio import TurnAudio, TurnAudioParams


def frame(value=1000):
    return (np.ones(320) * value).astype(np.int16).tobytes()


def test_preroll_is_kept_and_turn_grows():
    t = TurnAudio(TurnAudioParams(partial_interval_ms=500, preroll_ms=100))
    for _ in range(20):
        t.push(frame(1))
    audio, _ = t.snapshot()
    assert 100 * 16 <= len(audio) <= 140 * 16  # only ~100 ms of pre-roll while idle
    t.start(speech_start_ms=400, now_ms=400)
    for _ in range(50):
        t.push(frame(2))
    audio, version = t.snapshot()
    assert len(audio) >= 50 * 320
    assert version == 50
    assert t.partial_due(900) and not t.partial_due(800)
    t.reset()
    assert not t.active
    assert len(t.snapshot()[0]) <= 100 * 16


def test_turn_is_capped():
    t = TurnAudio(TurnAudioParams(max_turn_s=1.0))
    t.start(0, 0)
    for _ in range(200):
        t.push(frame())
    assert len(t.snapshot()[0]) <= 16000 + 320


def _signal(segments):
    """segments: list of (ms, amplitude)."""
    return np.concatenate([(np.ones(int(ms * 16)) * amp).astype(np.int16) for ms, amp in segments])


def test_onset_and_silence_detection():
    sig = _signal([(500, 0), (300, 3000), (40, 0), (300, 3000), (600, 0)])
    assert wavmetrics.first_active_ms(sig, 0) == 500
    assert wavmetrics.first_active_ms(sig, 0, 400) is None
    # the 40 ms gap between words is not "silent"; the real end is
    assert wavmetrics.silent_from_ms(sig, 500, min_silence_ms=100) == 1140
    assert wavmetrics.last_active_end_ms(sig, 0, 2000) == 1140
    assert wavmetrics.was_active_at(sig, 600) and not wavmetrics.was_active_at(sig, 100)


def test_threshold_is_respected():
    quiet = _signal([(200, 50)])  # about -56 dBFS: below the -45 dBFS threshold
    assert wavmetrics.first_active_ms(quiet, 0) is None
    assert wavmetrics.first_active_ms(quiet, 0, threshold_dbfs=-60) == pytest.approx(0)
