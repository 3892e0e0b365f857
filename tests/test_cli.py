"""The `voice-agent` command: exit codes, clear errors, nothing half-written."""

from __future__ import annotations

import json
import wave
from pathlib import Path

import numpy as np
import pytest

from agent.cli import main


def _wav(path: Path, samples: np.ndarray, rate: int = 16000) -> Path:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(samples.astype(np.int16).tobytes())
    return path


@pytest.mark.parametrize("body,message", [
    ("name: x\ncaller: {turns: [{text: hi}]}\nbogus: 1\n", "bogus"),
    ("name: x\ncaller: {turns: [{text: hi}]\n", "YAML"),
    ("name: x\ncaller:\n  turns: [{text: hi}]\n  answers: [{when: '(unclosed', text: yes}]\n", "when"),
    ("name: x\ncaller: {turns: [{audio: missing.wav}]}\n", "missing.wav"),
    ("name: x\ncaller: {turns: [{audio: notwav.wav}]}\n", "notwav.wav"),
])
def test_simulate_bad_scenario_exits_2_and_writes_nothing(tmp_path, capsys, body, message):
    (tmp_path / "notwav.wav").write_text("this is not audio")
    scenario = tmp_path / "bad.yaml"
    scenario.write_text(body)
    out = tmp_path / "out"
    assert main(["simulate", str(scenario), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "bad.yaml" in err and message in err
    assert not out.exists()


def test_bad_config_exits_2(tmp_path, capsys):
    cfg = tmp_path / "c.yaml"
    cfg.write_text("vad: {threshold: 7}\n")
    assert main(["simulate", "benchmarks/scenarios/smoke.yaml", "--config", str(cfg),
                 "--out", str(tmp_path / "o")]) == 2
    assert "vad.threshold" in capsys.readouterr().err


def test_talk_without_audio_device_exits_2(capsys):
    assert main(["talk"]) == 2
    assert "simulate" in capsys.readouterr().err


@pytest.mark.realtime
def test_silent_and_empty_turns_do_not_hang_the_call(tmp_path, capsys):
    _wav(tmp_path / "silence.wav", np.zeros(3200))
    scenario = tmp_path / "quiet.yaml"
    scenario.write_text(
        "name: quiet\ncaller:\n  turns:\n    - audio: silence.wav\n"
        "    - text: \"Thanks, that's all. Goodbye.\"\nmax_call_s: 40\n")
    out = tmp_path / "out"
    assert main(["simulate", str(scenario), "--out", str(out)]) == 0
    report = json.loads((out / "report.json").read_text())
    assert report["ended_by"] in ("agent_hung_up", "script_done")
    assert report["duration_ms"] < 40_000
    assert [c["kind"] for c in report["caller"]] == ["turn", "turn"]
    assert report["caller"][0]["transcript"] == ""
    assert "goodbye" in report["caller"][1]["transcript"].lower()


@pytest.mark.parametrize("args,message", [
    (["--runs", "0"], "runs must be >= 1"),
    (["--baseline", "--baseline-runs", "x"], "whole number"),
    (["--concurrent", "0,2"], "calls at once"),
])
def test_bench_bad_arguments_exit_2_before_any_call(tmp_path, capsys, args, message):
    out = tmp_path / "bench"
    with pytest.raises(SystemExit) as exc:
        main(["bench", "--out", str(out), *args])
    assert exc.value.code == 2
    assert message in capsys.readouterr().err
    assert not out.exists()
