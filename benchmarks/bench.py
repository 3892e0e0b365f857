"""``voice-agent bench``: the latency lab. Plays scenarios in real time through our pipeline (and,
with ``--baseline``, through stock pipecat), then measures from events and from the WAVs.

Layout of ``DIR``: ``bench.json``, ``bench.md``, ``*.png`` and ``runs/<side>/<scenario>/<run>/``
(each run's ``report.json``, ``agent.wav``, ``caller.wav``, ``transcript.txt``). Ours and the
baseline alternate scenario by scenario, so both see the same machine load.
"""

from __future__ import annotations

import asyncio
import json
import math
import os
import platform
import subprocess
import sys
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from benchmarks import floor_metrics, metrics, preflight
from benchmarks.bench_md import render_markdown

SUITE_DIR = Path(__file__).parent / "scenarios"
SIDES = ("ours", "baseline")


def suite() -> list[Path]:
    """The shipped English scenarios, in name order. The language scenarios (issue #14, a top-level
    ``languages:``) need Whisper base and are played when named."""
    import yaml

    return sorted(p for p in SUITE_DIR.glob("*.yaml")
                  if "languages" not in (yaml.safe_load(p.read_text(encoding="utf-8")) or {}))


@dataclass
class RunResult:
    scenario: str
    side: str
    run: int
    dir: Path
    concurrency: int = 1
    call: int = 1
    error: str | None = None
    wall_s: float = 0.0
    report: dict | None = None
    analysis: dict = field(default_factory=dict)

    def entry(self, root: Path) -> dict:
        out: dict = {"scenario": self.scenario, "side": self.side, "run": self.run,
                     "dir": str(self.dir.relative_to(root)), "concurrency": self.concurrency,
                     "call": self.call, "ok": self.error is None, "wall_s": round(self.wall_s, 1)}
        if self.error is not None:
            out["error"] = self.error
        if self.report is not None:
            out["ended_by"] = self.report.get("ended_by")
            out["duration_ms"] = self.report.get("duration_ms")
        if self.analysis:
            out["disagreements"] = [a for a in self.analysis["agreement"] if not a["agree"]]
        return out


# ---------------------------------------------------------------- analysis of one run


# The longest a turn can wait for its end: the VAD's turn-end silence plus the wait after a
# trailing utterance (configs/default.yaml); a turn that waited this long is a "missed end".
DEFAULT_LONGEST_WAIT_MS = 900.0


def analyse_run(report: dict, agent_pcm: np.ndarray,
                longest_wait_ms: float = DEFAULT_LONGEST_WAIT_MS,
                caller_pcm: np.ndarray | None = None) -> dict:
    """Everything measured on one call, per utterance (pure: report + agent recording).

    A barge-in counts as speech (it should stop the agent) or as a backchannel/noise (it should
    not) from what was heard: its recognised words and its length, never the reference text.
    """
    events = report["events"]
    utts = [metrics.effective_utterance(u, events) for u in report["caller"]]
    out: dict = {"split_turns": sum(1 for u in utts if u["split_turns"] > 1),
                 "response": [], "interruption": [], "interruption_wav": [], "stages": [],
                 "wer_pairs": [], "intents": [], "false_interruptions": [], "agreement": [],
                 "floor": {"talk_overs": floor_metrics.talk_overs(utts, agent_pcm, caller_pcm),
                           "turn_ends": [floor_metrics.turn_ends(u, events, longest_wait_ms)
                                         for u in utts if not u.get("barge_in")],
                           "barge_ins": []}}
    for i, u in enumerate(utts):
        nxt = utts[i + 1]["caller_start_ms"] if i + 1 < len(utts) else math.inf
        backchannel = not floor_metrics.heard_as_speech(u)
        if u.get("barge_in"):
            out["floor"]["barge_ins"].append(floor_metrics.barge_in_outcome(u, not backchannel))
        if u.get("response_latency_ms") is not None and not (backchannel and u.get("barge_in")):
            out["response"].append(u["response_latency_ms"])
            stages = metrics.stage_breakdown(u, events)
            if stages is not None:
                out["stages"].append(stages)
        if u.get("barge_in") and backchannel:
            out["false_interruptions"].append(metrics.false_interruption(u, nxt, events))
        elif u.get("barge_in"):
            out["interruption"].append(u.get("interruption_latency_ms"))
            out["interruption_wav"].append(u.get("interruption_latency_wav_ms"))
        if u.get("reference_text") and not metrics.is_backchannel(u["reference_text"]):
            out["wer_pairs"].append((u["reference_text"], u.get("transcript") or ""))
        if u.get("expect_intent"):
            out["intents"].append({"expect_intent": u["expect_intent"], "intent": u.get("intent")})
        for row in metrics.agreement(u, agent_pcm, nxt):
            if backchannel and u.get("barge_in") and row["kind"] == "interruption":
                continue  # a backchannel is not expected to stop the agent: nothing to agree on
            out["agreement"].append({"scenario": report["scenario"], **row})
    return out


def summarise(results: list[RunResult]) -> dict:
    """One side's figures over its successful runs."""
    ok = [r for r in results if r.error is None and r.analysis]
    pick = [a for r in ok for a in [r.analysis]]
    fi = [x for a in pick for x in a["false_interruptions"]]
    agree = [x for a in pick for x in a["agreement"]]
    return {
        "runs": len(results), "failed": sum(1 for r in results if r.error is not None),
        "response_latency_ms": metrics.percentiles(x for a in pick for x in a["response"]),
        "interruption_latency_ms": metrics.percentiles(x for a in pick for x in a["interruption"]),
        "interruption_latency_wav_ms": metrics.percentiles(x for a in pick for x in a["interruption_wav"]),
        "utterances_split_into_turns": sum(a["split_turns"] for a in pick),
        "interruptions_without_stop": sum(1 for a in pick for x in a["interruption"] if x is None),
        "false_interruption_rate": metrics.false_interruption_summary(fi)["rate"],
        "false_interruptions": metrics.false_interruption_summary(fi),
        "false_interruption_detail": fi,
        "wer": metrics.wer(p for a in pick for p in a["wer_pairs"]),
        "intent_accuracy": metrics.intent_accuracy(x for a in pick for x in a["intents"]),
        "stages": metrics.stage_summary([s for a in pick for s in a["stages"]]),
        "agreement": {"checked": len(agree), "agree": sum(1 for x in agree if x["agree"]),
                      "within_ms": metrics.AGREE_MS,
                      "disagreements": [x for x in agree if not x["agree"]]},
        "floor": floor_metrics.summary([a["floor"] for a in pick]),
    }


def ratios(ours: dict, base: dict) -> dict:
    out: dict = {}
    for fig in ("response_latency_ms", "interruption_latency_ms", "interruption_latency_wav_ms"):
        out[fig] = {k: metrics.ratio(base[fig][k], ours[fig][k]) for k in ("p50", "p95", "p99", "max")}
    out["false_interruption_rate"] = metrics.ratio(base["false_interruption_rate"],
                                                   ours["false_interruption_rate"])
    out["wer"] = metrics.ratio(base["wer"]["wer"], ours["wer"]["wer"])
    return out


# ---------------------------------------------------------------- machine and provenance


def machine_info() -> dict:
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"cpu": cpu, "cores": os.cpu_count(), "affinity": len(os.sched_getaffinity(0)),
            "python": platform.python_version(), "platform": platform.platform()}


def git_info() -> dict:
    def git(*args: str) -> str:
        try:
            return subprocess.run(["git", *args], cwd=Path(__file__).parent, capture_output=True,
                                  text=True, timeout=10).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return ""
    return {"commit": git("rev-parse", "HEAD") or None, "dirty": bool(git("status", "--porcelain"))}


def model_names(config: object) -> dict:
    from importlib.metadata import version

    from benchmarks.baseline import baseline_models
    from voices.registry import ASR_MODELS, SILERO_VAD, VOICES

    c = config  # AgentConfig
    return {"ours": {"asr": ASR_MODELS[c.asr.model].name, "tts": VOICES[c.tts.voice].name,  # type: ignore[attr-defined]
                     "vad": SILERO_VAD.name if c.vad.model == "silero" else "webrtcvad"},  # type: ignore[attr-defined]
            "baseline": baseline_models(), "pipecat": version("pipecat-ai")}


# ---------------------------------------------------------------- running


def _progress(done: int, total: int, text: str) -> None:
    width = 24
    fill = int(width * done / max(total, 1))
    print(f"[{'#' * fill}{'.' * (width - fill)}] {done}/{total} {text}", file=sys.stderr, flush=True)


async def _play(scenario: object, out_dir: Path, config: object, factory: object) -> dict:
    from agent.simulation.simulate import run_simulation

    result = await run_simulation(scenario, out_dir, config, factory)  # type: ignore[arg-type]
    return result.report


def longest_wait_ms(config: object) -> float:
    """VAD turn-end silence + the trailing wait of ``config`` (an ``AgentConfig``)."""
    return float(config.vad.turn_end_ms + config.endpointing.long_wait_ms)  # type: ignore[attr-defined]


async def _batch(jobs: list[RunResult], scenario: object, config: object, factory: object) -> None:
    """Play ``jobs`` (N calls of one scenario and side) at once; a failure is kept, never dropped."""
    from agent.audio_files import read_wav

    async def one(job: RunResult) -> None:
        t0 = time.monotonic()
        try:
            job.report = await _play(scenario, job.dir, config, factory)
            job.analysis = analyse_run(job.report, read_wav(job.dir / "agent.wav", 16_000),
                                       longest_wait_ms(config), read_wav(job.dir / "caller.wav", 16_000))
        except Exception as exc:  # noqa: BLE001 - every failure is reported in bench.json
            job.error = f"{type(exc).__name__}: {exc}"
            (job.dir).mkdir(parents=True, exist_ok=True)
            (job.dir / "error.txt").write_text(traceback.format_exc(), encoding="utf-8")
        job.wall_s = time.monotonic() - t0

    await asyncio.gather(*(one(j) for j in jobs))


def _language_factory(scenario, config, cache: dict):  # type: ignore[no-untyped-def]
    """Our pipeline with the scenario's served languages (issue #14): one model set per set."""
    from agent.call import load_models, our_call_factory
    from agent.simulation.simulate import config_for

    if scenario.languages not in cache:
        lang_config = config_for(scenario, config)
        cache[scenario.languages] = our_call_factory(lang_config, load_models(lang_config))
    return cache[scenario.languages]


async def _run_all(paths: list[Path], runs: dict[str, int], out: Path, levels: list[int],
                   config: object) -> list[RunResult]:
    from agent.call import load_models, our_call_factory
    from agent.simulation.scenario import load_scenario
    from benchmarks.baseline import baseline_call_factory

    scenarios = [load_scenario(p) for p in paths]  # fail fast on a bad file, before any call
    factories = {"ours": our_call_factory(config, load_models(config))}  # type: ignore[arg-type]
    if runs.get("baseline", 0) > 0:
        factories["baseline"] = baseline_call_factory()
    sides = [s for s in SIDES if s in factories]
    language_factories: dict[tuple[str, ...], object] = {}
    total = sum(levels) * len(scenarios) * sum(runs[s] for s in sides)
    done = 0
    results: list[RunResult] = []
    for n in levels:
        for run in range(1, max(runs[s] for s in sides) + 1):
            for sc in scenarios:
                for side in [s for s in sides if run <= runs[s]]:
                    name = str(run) if levels == [1] else f"{run}-n{n}"
                    base = out / "runs" / side / sc.name / name
                    jobs = [RunResult(sc.name, side, run, base if n == 1 else base / f"call{k}", n, k)
                            for k in range(1, n + 1)]
                    at_once = f" ({n} at once)" if n > 1 else ""
                    _progress(done, total, f"{side} {sc.name} run {run}{at_once}")
                    factory = factories[side]
                    if side == "ours" and sc.languages is not None:
                        factory = _language_factory(sc, config, language_factories)
                    await _batch(jobs, sc, config, factory)
                    done += n
                    for j in jobs:
                        status = "ok" if j.error is None else f"FAILED: {j.error}"
                        _progress(done, total, f"{side} {sc.name} run {run} call {j.call}: "
                                  f"{j.wall_s:.1f} s {status}")
                    results.extend(jobs)
    return results


def run_bench(scenarios: list[Path] | None = None, runs: int = 3, baseline: bool = False,
              out: Path = Path("out/bench"), concurrent: list[int] | None = None,
              config_path: Path | None = None, baseline_runs: int | None = None) -> int:
    """Run the lab and write ``bench.json``, ``bench.md`` and the plots. 0 when every run succeeded.

    ``baseline_runs`` (default ``runs``): runs per scenario of the stock pipeline, when
    ``baseline``; fewer saves time where the baseline is far from the targets (~20 min a run here).
    """
    from agent.config import load_config
    from agent.simulation.scenario import load_scenario

    levels = concurrent or [1]
    paths = scenarios or suite()
    config = load_config(config_path)
    # Everything a run needs is checked now, not after 20 minutes of calls: the plotting library,
    # the caller voice, the stock pipeline's services, the output folder.
    problems = preflight.check([load_scenario(p) for p in paths], baseline, out)
    for pr in problems:
        print(f"voice-agent bench: missing {pr.what}: {pr.fix}", file=sys.stderr)
    if problems:
        return 2
    from benchmarks import plots

    out.mkdir(parents=True, exist_ok=True)
    started = time.time()
    load_before = os.getloadavg()
    runs_by_side = {"ours": runs, "baseline": (runs if baseline_runs is None else baseline_runs)
                    if baseline else 0}
    results = asyncio.run(_run_all(paths, runs_by_side, out, levels, config))
    main_n = levels[0]
    sides = [s for s in SIDES if any(r.side == s for r in results)]
    bench: dict = {
        "command": " ".join(["voice-agent", *sys.argv[1:]]) if sys.argv else None,
        "git": git_info(), "machine": {**machine_info(), "loadavg_before": load_before,
                                       "loadavg_after": os.getloadavg()},
        "models": model_names(config), "runs_per_scenario": runs, "concurrency": main_n,
        "baseline_runs_per_scenario": runs_by_side["baseline"],
        "scenarios": [p.stem for p in paths], "started": time.strftime("%Y-%m-%dT%H:%M:%S%z",
                                                                         time.localtime(started)),
        "elapsed_s": round(time.time() - started, 1),
    }
    for side in sides:
        bench[side] = summarise([r for r in results if r.side == side and r.concurrency == main_n])
    if "baseline" in bench and "ours" in bench:
        bench["ratio"] = ratios(bench["ours"], bench["baseline"])
    if len(levels) > 1:
        bench["by_concurrency"] = {
            str(n): {side: {k: v for k, v in summarise([r for r in results if r.side == side
                                                        and r.concurrency == n]).items()
                            if k in ("response_latency_ms", "interruption_latency_ms",
                                     "false_interruption_rate", "runs", "failed")}
                     for side in sides} for n in levels}
    bench["runs"] = [r.entry(out) for r in results]
    (out / "bench.json").write_text(json.dumps(bench, indent=2, default=str) + "\n", encoding="utf-8")
    try:
        bench["plots"] = plots.make_all(bench, results, out)
    except Exception as exc:  # noqa: BLE001 - the figures are still worth writing without plots
        bench["plots"] = []
        bench["plot_error"] = f"{type(exc).__name__}: {exc}"
        traceback.print_exc()
    (out / "bench.json").write_text(json.dumps(bench, indent=2, default=str) + "\n", encoding="utf-8")
    (out / "bench.md").write_text(render_markdown(bench), encoding="utf-8")
    failed = sum(1 for r in results if r.error is not None)
    print(f"Wrote {out}/bench.json, bench.md and {len(bench['plots'])} plots; "
          f"{len(results) - failed}/{len(results)} runs succeeded", file=sys.stderr)
    return 0 if failed == 0 else 1
