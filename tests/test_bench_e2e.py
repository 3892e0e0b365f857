"""One small bench run end to end: the smoke scenario, one run, ours and the stock baseline."""

import json
from pathlib import Path

import pytest

SMOKE = Path(__file__).parent.parent / "benchmarks" / "scenarios" / "smoke.yaml"


@pytest.mark.realtime
def test_bench_smoke_with_baseline(tmp_path):
    from benchmarks.bench import run_bench

    rc = run_bench([SMOKE], runs=1, baseline=True, out=tmp_path)
    bench = json.loads((tmp_path / "bench.json").read_text())
    assert rc == 0, [r.get("error") for r in bench["runs"]]
    for side in ("ours", "baseline"):
        s = bench[side]
        for fig in ("response_latency_ms", "interruption_latency_ms"):
            assert set(s[fig]) == {"p50", "p95", "p99", "max", "n"}
        assert s["response_latency_ms"]["n"] >= 1 and s["response_latency_ms"]["p50"] > 0
        assert {"false_interruption_rate", "wer", "intent_accuracy", "stages"} <= set(s)
        assert set(s["stages"]) == {"endpointing", "final_recognition", "dialogue", "first_audio", "output"}
    assert "response_latency_ms" in bench["ratio"]
    assert bench["git"]["commit"] and bench["machine"]["cores"] and bench["models"]["ours"]["asr"]
    assert sorted((r["side"], r["scenario"], r["run"]) for r in bench["runs"]) == [
        ("baseline", "smoke", 1), ("ours", "smoke", 1)]
    for r in bench["runs"]:
        run_dir = tmp_path / r["dir"]
        assert r["ok"] and (run_dir / "report.json").is_file() and (run_dir / "agent.wav").is_file()
    assert (tmp_path / "bench.md").read_text().startswith("# Latency bench")
    for png in bench["plots"]:
        assert (tmp_path / png).stat().st_size > 10_000
