"""Where the CPU goes, from a py-spy profile: busy samples per component of a call.

Record a bench run with py-spy's raw (collapsed stacks) output, then summarise it::

    pip install py-spy
    py-spy record -r 50 -f raw -o prof.txt -- voice-agent bench SCENARIO.yaml --runs 1 --concurrent 4
    python -m benchmarks.profile_headline prof.txt

Samples of threads waiting (an idle worker pool, the event loop's ``select``, ``asyncio.sleep``)
are dropped: what is left is CPU time, split by the first component found on each stack.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

# (component, substrings of a stack that mark it); the first match wins, so startup comes first
COMPONENTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("startup: imports and model loading", ("<frozen importlib", "load_models", "load_recognizer",
                                            "load_synthesizer", "_create_inference_session")),
    ("ASR: faster-whisper (features, encoder, decoder)", ("Recognizer.transcribe",)),
    ("TTS: Piper", ("Synthesizer.synthesize",)),
    ("VAD: Silero / WebRTC + level onset", ("pipeline/vad.py",)),
    ("echo canceller", ("pipeline/echo.py",)),
    ("simulated caller and line", ("agent/sim_", "agent/simulation/simulate.py")),
    ("order store (SQLAlchemy)", ("sqlalchemy",)),
    ("dialogue (NLU, policy)", ("intents/",)),
    ("bench metrics and plots", ("benchmarks/", "matplotlib")),
    ("pipecat frames and asyncio", ("pipecat/", "asyncio/")),
)
_IDLE_LEAVES = ("_worker (", "EpollSelector.select (", "sleep (asyncio", "select (selectors",
                "wait (threading")


def headline(lines: list[str]) -> tuple[Counter[str], int]:
    """Busy samples per component, and the total of busy samples."""
    counts: Counter[str] = Counter()
    busy = 0
    for line in lines:
        stack, _, n = line.rstrip().rpartition(" ")
        if not stack or not n.isdigit():
            continue
        leaf = stack.rsplit(";", 1)[-1]
        if leaf.startswith(_IDLE_LEAVES):
            continue
        busy += int(n)
        name = next((c for c, marks in COMPONENTS if any(m in stack for m in marks)), "other")
        counts[name] += int(n)
    return counts, busy


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.profile_headline",
                                     description="Summarise a py-spy raw profile by component.")
    parser.add_argument("profile", type=Path, help="py-spy record -f raw output")
    args = parser.parse_args(argv)
    try:
        lines = args.profile.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        print(f"error: {args.profile}: {exc.strerror}", file=sys.stderr)
        return 2
    counts, busy = headline(lines)
    if busy == 0:
        print(f"error: {args.profile}: no busy samples (not a py-spy raw profile?)", file=sys.stderr)
        return 2
    print(f"{busy} busy samples")
    for name, n in counts.most_common():
        print(f"{100.0 * n / busy:5.1f}%  {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
