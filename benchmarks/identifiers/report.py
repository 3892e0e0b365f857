"""Tables from the benchmark's results: capture (one try, two tries), false accepts, timing.

"before" is the plain path (transcript, entity parser, string compare); "after" accepts on the
plain path or on the check's verdict (:func:`intents.verify_evidence.decide`), which is how the
live agent works with the check wired in.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np

from intents.verify_evidence import Scores, Thresholds, Verdict, decide

Result = dict[str, Any]


def load_results(path: Path) -> list[Result]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def _checked(trial: dict[str, Any], thresholds: Thresholds) -> bool:
    s = trial.get("scores")
    return s is not None and decide(Scores(**s), thresholds) is Verdict.MATCH


def accepted(trial: dict[str, Any], thresholds: Thresholds | None) -> bool:
    """Accepted before (``thresholds`` None) or after the check."""
    return bool(trial["plain_accept"]) or (thresholds is not None and _checked(trial, thresholds))


def _value_key(r: Result) -> str:
    return r["key"].rsplit("-t", 1)[0]


def _rates(rows: list[Result], thresholds: Thresholds | None) -> dict[str, float | int]:
    by_value: dict[str, dict[int, bool]] = {}
    for r in rows:
        by_value.setdefault(_value_key(r), {})[r["take"]] = accepted(r["truth"], thresholds)
    values = list(by_value.values())
    decoys = [d for r in rows for d in r["decoys"]]
    false = sum(accepted(d, thresholds) for d in decoys)
    return {
        "values": len(values),
        "one_try": sum(v.get(1, False) for v in values) / max(1, len(values)),
        "two_tries": sum(v.get(1, False) or v.get(2, False) for v in values) / max(1, len(values)),
        "decoy_trials": len(decoys),
        "false_accepts": false,
    }


def _pct(x: float) -> str:
    return f"{100 * x:.1f} %"


def _table(title: str, rows: list[Result], group: Callable[[Result], str],
           thresholds: Thresholds) -> list[str]:
    lines = [f"### {title}", "",
             "| | values | 1 try before | 2 tries before | 1 try after | 2 tries after | decoy trials "
             "| false accepts before | false accepts after |",
             "|---|---|---|---|---|---|---|---|---|"]
    groups: dict[str, list[Result]] = {}
    for r in rows:
        groups.setdefault(group(r), []).append(r)
    for name in [*sorted(groups), "all"]:
        sel = rows if name == "all" else groups[name]
        b, a = _rates(sel, None), _rates(sel, thresholds)
        lines.append(f"| {name} | {b['values']} | {_pct(b['one_try'])} | {_pct(b['two_tries'])} "
                     f"| {_pct(a['one_try'])} | {_pct(a['two_tries'])} | {b['decoy_trials']} "
                     f"| {b['false_accepts']} | {a['false_accepts']} |")
    return [*lines, ""]


def _timing(rows: list[Result]) -> list[str]:
    rec = np.array([r["recognize_ms"] for r in rows] or [0.0])
    both = np.array([r["recognize_ms"] + r["check_ms"] for r in rows] or [0.0])
    return ["### Recognition time (ms, this machine)", "",
            "| | p50 | p95 |", "|---|---|---|",
            f"| transcript only | {np.percentile(rec, 50):.0f} | {np.percentile(rec, 95):.0f} |",
            f"| transcript + check | {np.percentile(both, 50):.0f} | {np.percentile(both, 95):.0f} |", ""]


def summary(rows: list[Result], thresholds: Thresholds) -> dict[str, Any]:
    out: dict[str, Any] = {"thresholds": asdict(thresholds), "clips": len(rows)}
    for split in ("dev", "heldout"):
        sel = [r for r in rows if r["split"] == split]
        kinds = sorted({r["kind"] for r in sel})
        out[split] = {k: {"before": _rates([r for r in sel if r["kind"] == k], None),
                          "after": _rates([r for r in sel if r["kind"] == k], thresholds)} for k in kinds}
    return out


def write_report(rows: list[Result], thresholds: Thresholds, out: Path) -> str:
    lines = [f"## Identifier benchmark: {len(rows)} clips", "", f"Thresholds: {thresholds}", ""]
    for split in ("dev", "heldout"):
        sel = [r for r in rows if r["split"] == split]
        if not sel:
            continue
        lines.append(f"## Split: {split} ({len(sel)} clips)\n")
        lines += _table("Per identifier type", sel, lambda r: r["kind"], thresholds)
        lines += _table("Per condition", sel, lambda r: r["condition"], thresholds)
        lines += _table("Per voice", sel, lambda r: r["voice"], thresholds)
    lines += _timing(rows)
    text = "\n".join(lines)
    out.mkdir(parents=True, exist_ok=True)
    (out / "report.md").write_text(text + "\n")
    (out / "report.json").write_text(json.dumps(summary(rows, thresholds), indent=2) + "\n")
    return text


def _grid() -> Iterable[Thresholds]:
    for margin in np.arange(0.0, 12.01, 0.25):
        for floor in (-math.inf, -4.0, -3.0, -2.5, -2.0, -1.5, -1.0, -0.5):
            for weakest in (-math.inf, -14.0, -12.0, -10.0, -8.0, -6.0, -4.0):
                yield Thresholds(float(margin), floor, weakest)


def calibrate(dev: list[Result], slack: float = 1.0) -> Thresholds:
    """The thresholds with the most dev captures among those with zero false accepts on dev decoys,
    then ``slack`` nats more margin: zero on dev is a measured edge, not a safe one."""
    best: tuple[int, Thresholds] | None = None
    for th in _grid():
        if any(_checked(d, th) for r in dev for d in r["decoys"]):
            continue
        caught = sum(_checked(r["truth"], th) for r in dev)
        if best is None or caught > best[0]:
            best = (caught, th)
    if best is None:
        return Thresholds(margin=math.inf)
    th = best[1]
    return Thresholds(th.margin + slack, th.floor, th.weakest)
