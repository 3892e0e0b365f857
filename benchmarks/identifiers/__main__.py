"""``python -m benchmarks.identifiers [--split dev|heldout|all] [--limit N]``: run, then report.

Clips are rendered on first use into ``var/ident-clips/`` (git-ignored; deterministic). Each clip's
result is appended to ``<out>/results.jsonl`` as it is measured, so an interrupted run resumes
where it stopped (``--fresh`` starts over). The report (``report.md``, ``report.json``) applies
the thresholds of :class:`intents.verify_evidence.Thresholds`; ``--calibrate`` searches them on the
dev split first (zero false accepts) and prints what it found.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

from benchmarks.identifiers.corpus import Item, build_corpus, split_items
from benchmarks.identifiers.report import calibrate, load_results, write_report
from intents.verify_evidence import Thresholds

DEFAULT_OUT = Path("out/identifiers")


def _interleaved(items: list[Item]) -> list[Item]:
    """A fixed shuffle of the values (both takes of a value stay together), so that any prefix of
    the run covers every voice, kind and condition."""
    groups: dict[str, list[Item]] = {}
    for it in items:
        groups.setdefault(it.key.rsplit("-t", 1)[0], []).append(it)
    order = sorted(groups, key=lambda k: hashlib.sha1(k.encode()).hexdigest())
    return [it for k in order for it in groups[k]]


def measure(split: str, limit: int | None, out: Path, fresh: bool, model: str) -> int:
    from benchmarks.identifiers.run import as_json, run_clip
    from pipeline.asr import load_recognizer
    from pipeline.identifier_check import IdentifierChecker

    items = _interleaved(split_items(build_corpus(), split))[:limit]
    out.mkdir(parents=True, exist_ok=True)
    path = out / "results.jsonl"
    if fresh and path.exists():
        path.unlink()
    done = {r["key"] for r in load_results(path)}
    recognizer = load_recognizer(model)
    checker = IdentifierChecker(recognizer)
    todo = [it for it in items if it.key not in done]
    with path.open("a") as f:
        for n, item in enumerate(todo, 1):
            result = run_clip(item, recognizer, checker)
            f.write(json.dumps(as_json(result)) + "\n")
            f.flush()
            print(f"[{n}/{len(todo)}] {item.key} plain={result.truth.plain_accept} "
                  f"recognize={result.recognize_ms:.0f} ms check={result.check_ms:.0f} ms", flush=True)
    return len(items)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.identifiers", description=__doc__)
    parser.add_argument("--split", choices=("dev", "heldout", "all"), default="all")
    parser.add_argument("--limit", type=int, default=None, help="only the first N clips (interleaved)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--model", default="tiny.en")
    parser.add_argument("--fresh", action="store_true", help="discard earlier results in --out")
    parser.add_argument("--report-only", action="store_true", help="do not recognise; report the results")
    parser.add_argument("--calibrate", action="store_true", help="search thresholds on dev first")
    args = parser.parse_args(argv)
    if not args.report_only:
        measure(args.split, args.limit, args.out, args.fresh, args.model)
    results = load_results(args.out / "results.jsonl")
    if args.split != "all":
        results = [r for r in results if r["split"] == args.split]
    thresholds = Thresholds()
    if args.calibrate:
        thresholds = calibrate([r for r in results if r["split"] == "dev"])
        print(f"calibrated on dev: {thresholds}")
    print(write_report(results, thresholds, args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
