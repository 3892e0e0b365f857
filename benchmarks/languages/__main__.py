"""``python -m benchmarks.languages [--split dev|heldout|all] [--limit N] [--translate]``.

Also ``voice-agent bench-languages``. Clips are rendered on first use into ``var/lang-clips/``
(git-ignored; deterministic). Each clip's result is appended to ``<out>/results.jsonl`` as it is
measured, so an interrupted run resumes (``--fresh`` starts over); ``report.md`` and
``report.json`` follow. Served languages: ``--served`` (default en de fr es it ja).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import time
from pathlib import Path

from benchmarks.languages.corpus import SERVED, Item, build_corpus, split_items
from benchmarks.languages.report import load_results, write_report
from pipeline.language_id import UNSERVED_WEIGHT

DEFAULT_OUT = Path("out/languages")


def _interleaved(items: list[Item]) -> list[Item]:
    """A fixed shuffle, so that any prefix (``--limit``) covers languages, voices and sentences."""
    return sorted(items, key=lambda it: hashlib.sha1(it.key.encode()).hexdigest())


def _load(path: Path) -> float:
    try:
        return os.getloadavg()[0]
    except OSError:
        return float("nan")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="bench-languages", description=__doc__.split("\n\n")[0])
    ap.add_argument("--split", choices=("dev", "heldout", "all"), default="dev")
    ap.add_argument("--limit", type=int, default=None, help="only the first N clips (a fixed shuffle)")
    ap.add_argument("--translate", action="store_true", help="also weigh Whisper's task=translate")
    ap.add_argument("--served", default=",".join(SERVED), help="comma-separated served languages")
    ap.add_argument("--min-confidence", type=float, default=0.6)
    ap.add_argument("--unserved-weight", type=float, default=UNSERVED_WEIGHT,
                    help="the line's prior for unserved languages (pipeline.language_id)")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--fresh", action="store_true", help="forget earlier results in --out")
    ap.add_argument("--report-only", action="store_true")
    args = ap.parse_args(argv)
    served = tuple(code.strip() for code in args.served.split(",") if code.strip())
    results_path = args.out / "results.jsonl"
    if not args.report_only:
        from benchmarks.languages.run import as_json, run_clip
        from pipeline.asr import load_recognizer

        if args.fresh and results_path.exists():
            results_path.unlink()
        done = {r["key"] for r in load_results(results_path)}
        items = [it for it in _interleaved(split_items(build_corpus(), args.split))[: args.limit]
                 if it.key not in done]
        recognizer = load_recognizer("base", 2, served[0])
        args.out.mkdir(parents=True, exist_ok=True)
        print(f"{len(items)} clips to measure ({len(done)} already in {results_path}); "
              f"load average {_load(results_path):.2f} on {os.cpu_count()} cores", file=sys.stderr)
        started = time.perf_counter()
        with results_path.open("a", encoding="utf-8") as fh:
            for n, item in enumerate(items, 1):
                row = as_json(run_clip(recognizer, item, served, args.min_confidence, args.translate,
                                       args.unserved_weight))
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
                fh.flush()
                mark = "ok" if row["guessed"] == item.language else f"-> {row['guessed']}"
                print(f"[{n}/{len(items)}] {item.key}: {item.language} {mark} ({row['confidence']:.2f}), "
                      f"{row['first_ms']:.0f} ms", file=sys.stderr)
        print(f"measured in {time.perf_counter() - started:.0f} s; load average now "
              f"{_load(results_path):.2f}", file=sys.stderr)
    rows = [r for r in load_results(results_path) if args.split == "all" or r["split"] == args.split]
    if not rows:
        print(f"no results in {results_path}", file=sys.stderr)
        return 1
    header = (f"# Language benchmark ({args.split}; served {', '.join(served)}; min_confidence "
              f"{args.min_confidence}, unserved_weight {args.unserved_weight}; Whisper base int8, "
              "2 CPU threads)")
    print(write_report(rows, args.out, served, args.min_confidence, header, args.unserved_weight))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
