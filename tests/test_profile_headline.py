"""The profile summary: idle waits dropped, each busy stack counted once under its component."""

from pathlib import Path

from benchmarks.profile_headline import headline, main

RAW = [
    "Thread._bootstrap (threading.py:1002);_worker (concurrent/futures/thread.py:81) 500",
    "<module> (voice-agent:6);run (asyncio/runners.py:118);EpollSelector.select (selectors.py:468) 90",
    "Thread._bootstrap (threading.py:1002);Recognizer.transcribe (pipeline/asr.py:80);encode (x) 30",
    "Thread._bootstrap (threading.py:1002);Synthesizer.synthesize (pipeline/tts.py:66);run (onnx) 10",
    "<module> (voice-agent:6);load_models (agent/call.py:60);Recognizer.transcribe (pipeline/asr.py:80) 5",
    "garbage line",
]


def test_headline_splits_busy_samples_by_component() -> None:
    counts, busy = headline(RAW)
    assert busy == 45  # 500 idle worker samples and 90 in select are not CPU
    assert counts["ASR: faster-whisper (features, encoder, decoder)"] == 30
    assert counts["TTS: Piper"] == 10
    assert counts["startup: imports and model loading"] == 5  # the warm-up is startup, not a call


def test_cli_rejects_a_file_that_is_not_a_profile(tmp_path: Path, capsys) -> None:
    bad = tmp_path / "notes.txt"
    bad.write_text("hello\n")
    assert main([str(bad)]) == 2
    assert "no busy samples" in capsys.readouterr().err
    assert main([str(tmp_path / "missing.txt")]) == 2
