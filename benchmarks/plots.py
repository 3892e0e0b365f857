"""The lab's pictures (matplotlib, Agg): latency CDFs, stage bars, call timelines, concurrency."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import TYPE_CHECKING, Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from benchmarks import metrics  # noqa: E402

if TYPE_CHECKING:
    from benchmarks.bench import RunResult

COLORS = {"ours": "#1f77b4", "baseline": "#d62728"}
STAGE_COLORS = ["#4c72b0", "#dd8452", "#55a868", "#c44e52", "#8172b3"]
TARGETS = {"response": (400.0, 700.0), "interruption": (80.0,)}
plt.rcParams.update({"font.size": 11})


def _cdf(ax: Any, values: list[float], side: str) -> None:
    xs = np.sort(np.asarray(values, dtype=float))
    ys = np.arange(1, len(xs) + 1) / len(xs)
    p = metrics.percentiles(xs)
    ax.step(np.concatenate([[0.0], xs]), np.concatenate([[0.0], ys]), where="post", lw=2,
            color=COLORS.get(side), label=f"{side}: p50 {p['p50']:.0f}, p95 {p['p95']:.0f} ms (n={p['n']})")


def latency_cdfs(results: list[RunResult], path: Path) -> None:
    fig, axes = plt.subplots(1, 2, figsize=(14, 5.5))
    panels = (("response", "Response latency (caller speech end → agent audio)"),
              ("interruption", "Interruption latency (barge-in onset → agent stopped)"))
    for ax, (key, title) in zip(axes, panels, strict=True):
        for side in ("ours", "baseline"):
            vals = [x for r in results if r.side == side and r.analysis
                    for x in r.analysis[key] if x is not None]
            if vals:
                _cdf(ax, vals, side)
        for t in TARGETS[key]:
            ax.axvline(t, color="grey", ls="--", lw=1)
            ax.text(t, 0.02, f" target {t:.0f}", color="grey", rotation=90, va="bottom")
        ax.set(title=title, xlabel="ms (from the pipeline's events)", ylabel="fraction of utterances",
               ylim=(0, 1.02))
        ax.set_xlim(left=0)
        ax.grid(alpha=0.3)
        if ax.get_legend_handles_labels()[0]:
            ax.legend(loc="lower right")
        else:
            ax.text(0.5, 0.5, "no measurements", transform=ax.transAxes, ha="center", color="grey")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def stage_bars(results: list[RunResult], path: Path) -> None:
    sides = [s for s in ("ours", "baseline") if any(r.side == s and r.analysis for r in results)]
    fig, ax = plt.subplots(figsize=(13, 1.6 + 1.3 * len(sides)))
    for y, side in enumerate(sides):
        rows = [s for r in results if r.side == side and r.analysis for s in r.analysis["stages"]
                if all(s[k] is not None for k in metrics.STAGES)]
        left = 0.0
        for color, stage in zip(STAGE_COLORS, metrics.STAGES, strict=True):
            width = float(np.mean([s[stage] for s in rows])) if rows else 0.0
            ax.barh(y, width, left=left, color=color, edgecolor="white",
                    label=stage.replace("_", " ") if y == 0 else None)
            if width >= 40:
                ax.text(left + width / 2, y, f"{width:.0f}", ha="center", va="center", color="white",
                        fontweight="bold")
            left += width
        ax.text(left + 10, y, f"{left:.0f} ms (mean of {len(rows)})", va="center")
    ax.set_yticks(range(len(sides)), sides)
    ax.invert_yaxis()
    ax.set(xlabel="ms after the caller's speech ends", title="Where the response time goes (mean per stage)")
    ax.set_xlim(right=ax.get_xlim()[1] * 1.15)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.35), ncol=5, frameon=False)
    ax.grid(axis="x", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _wave(ax: Any, pcm: np.ndarray, color: str, label: str) -> None:
    step = 160  # 10 ms envelope
    n = len(pcm) // step
    env = np.abs(pcm[: n * step].astype(np.float64).reshape(n, step)).max(axis=1) / 32768.0
    t = np.arange(n) * step / 16000.0
    ax.fill_between(t, -env, env, color=color, lw=0)
    ax.set_ylim(-1.05, 1.05)
    ax.set_yticks([])
    ax.set_ylabel(label, rotation=0, ha="right", va="center")


def timeline(result: RunResult, path: Path) -> None:
    from agent.audio_files import read_wav

    report = result.report or {}
    caller = read_wav(result.dir / "caller.wav", 16_000)
    agent = read_wav(result.dir / "agent.wav", 16_000)
    dur = max(len(caller), len(agent)) / 16000.0
    events = report.get("events", [])
    fig, axes = plt.subplots(4, 1, figsize=(min(30.0, max(14.0, dur * 0.4)), 9), sharex=True,
                             gridspec_kw={"height_ratios": [2, 0.6, 1.6, 2]})
    ax_c, ax_v, ax_t, ax_a = axes
    _wave(ax_c, caller, "#2ca02c", "caller")
    _wave(ax_a, agent, COLORS.get(result.side, "#1f77b4"), "agent")
    # VAD state: speech spans from speech_start to speech_end
    start = None
    for e in events:
        if e["type"] != "VadLogged":
            continue
        if e["kind"] == "speech_start":
            start = e["speech_start_ms"]
        elif e["kind"] == "speech_end" and start is not None:
            ax_v.axvspan(start / 1000, e["at_ms"] / 1000, color="#9467bd", alpha=0.6)
            start = None
        elif e["kind"] == "turn_end":
            ax_v.axvline(e["at_ms"] / 1000, color="black", lw=1.5)
    ax_v.set_yticks([])
    ax_v.set_ylabel("VAD\n(| = turn end)", rotation=0, ha="right", va="center")
    # transcripts: partials (grey, small) and finals (bold)
    ax_t.set_ylim(0, 1)
    ax_t.set_yticks([])
    ax_t.set_ylabel("transcripts", rotation=0, ha="right", va="center")
    last_ms = -1e9
    for e in (x for x in events if x["type"] == "PartialLogged"):
        if e["at_ms"] - last_ms < 1500:  # one partial per 1.5 s keeps the row readable
            continue
        last_ms = e["at_ms"]
        ax_t.text(e["at_ms"] / 1000, 0.6, textwrap.shorten(e["text"], 30), fontsize=7, color="grey")
    for k, e in enumerate(x for x in events if x["type"] == "FinalLogged"):
        ax_t.plot([e["at_ms"] / 1000], [0.3], marker="v", color="black")
        ax_t.text(e["at_ms"] / 1000, 0.08 + 0.16 * (k % 2), textwrap.shorten(e["text"], 48), fontsize=9,
                  fontweight="bold")
    # agent replies and interruption marks
    shown = [a for a in report.get("agent", []) if a["audio_start_ms"] is not None]
    for k, a in enumerate(shown):
        ax_a.text(a["audio_start_ms"] / 1000, 0.78 - 0.22 * (k % 2), textwrap.shorten(a["text"], 40),
                  fontsize=8, va="bottom", clip_on=True, color="red" if a["interrupted"] else "black")
    for e in events:
        if e["type"] == "AgentAudioLogged" and e["kind"] in ("paused", "cut", "resumed"):
            color = {"paused": "orange", "cut": "red", "resumed": "green"}[e["kind"]]
            for ax in (ax_c, ax_a):
                ax.axvline(e["at_ms"] / 1000, color=color, lw=1.5, ls="--")
            y = {"paused": -1.0, "cut": -0.8, "resumed": -0.9}[e["kind"]]
            ax_a.text(e["at_ms"] / 1000, y, " " + e["kind"], color=color, fontsize=9, fontweight="bold")
    for c in report.get("caller", []):
        if c.get("barge_in") and c.get("speech_onset_ms") is not None:
            ax_c.axvline(c["speech_onset_ms"] / 1000, color="purple", lw=2)
            ax_c.text(c["speech_onset_ms"] / 1000, 0.85, " barge-in", color="purple", fontsize=9)
    ax_a.set_xlabel("call time (s)")
    ax_a.set_xlim(0, dur)
    for ax in axes:
        ax.grid(axis="x", alpha=0.3)
    fig.suptitle(f"{result.side}: {result.scenario} run {result.run} — dashed: paused (orange), "
                 f"cut (red), resumed (green)", fontsize=12)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def concurrency(bench: dict, path: Path) -> None:
    per = bench["by_concurrency"]
    ns = [int(n) for n in per]
    fig, ax = plt.subplots(figsize=(9, 5.5))
    for side in ("ours", "baseline"):
        for k, ls in (("p50", "-"), ("p95", "--")):
            ys = [per[str(n)].get(side, {}).get("response_latency_ms", {}).get(k) for n in ns]
            if any(y is not None for y in ys):
                ax.plot(ns, [np.nan if y is None else y for y in ys], ls, marker="o", color=COLORS[side],
                        label=f"{side} response {k}")
    ax.axhline(1000, color="grey", ls=":", lw=1)
    ax.text(ns[0], 1000, " target p95 at N=4: 1000 ms", color="grey", va="bottom")
    ax.set(xlabel="calls at once (N)", ylabel="ms", title="Response latency vs concurrent calls", xticks=ns)
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _timeline_run(results: list[RunResult], side: str) -> RunResult | None:
    ok = [r for r in results if r.side == side and r.error is None and r.report is not None]
    for prefer in ("barge-in", "backchannel"):
        for r in ok:
            if r.scenario == prefer and r.call == 1:
                return r
    return ok[0] if ok else None


def make_all(bench: dict, results: list[RunResult], out: Path) -> list[str]:
    """Draw every plot the data allows; returns the file names written into ``out``."""
    made = []
    main = [r for r in results if r.concurrency == bench["concurrency"]]
    latency_cdfs(main, out / "latency_cdf.png")
    made.append("latency_cdf.png")
    stage_bars(main, out / "stages.png")
    made.append("stages.png")
    for side in ("ours", "baseline"):
        run = _timeline_run(main, side)
        if run is not None:
            timeline(run, out / f"timeline-{side}.png")
            made.append(f"timeline-{side}.png")
    if "by_concurrency" in bench:
        concurrency(bench, out / "concurrency.png")
        made.append("concurrency.png")
    return made
