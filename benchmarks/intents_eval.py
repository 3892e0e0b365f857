"""``voice-agent intents-eval``: intent accuracy of :func:`intents.nlu.understand` on the corpus.

The corpus is ``benchmarks/intents/{train,dev,test}.tsv`` (format in its README): ``label<TAB>
style<TAB>utterance``. ``test`` is held out: rules are tuned on ``train`` and ``dev`` only.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from intents.types import Intent, IntentResult

CORPUS_DIR = Path(__file__).parent / "intents"
SPLITS = ("train", "dev", "test")


class CorpusError(ValueError):
    """A corpus line that cannot be used; the message names the file and the line."""


@dataclass(frozen=True)
class Example:
    label: Intent
    style: str
    text: str
    where: str  # "train.tsv:12"


@dataclass(frozen=True)
class Miss:
    example: Example
    got: Intent


@dataclass(frozen=True)
class SplitResult:
    split: str
    total: int
    correct: int
    misses: tuple[Miss, ...]
    mean_ms: float
    by_style: dict[str, tuple[int, int]]  # style -> (correct, total)

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 0.0


def load_split(path: Path) -> list[Example]:
    """Read one corpus file; raises :class:`CorpusError` on a malformed line or unknown label."""
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 3 or not parts[2].strip():
            raise CorpusError(f"{path.name}:{n}: expected label<TAB>style<TAB>utterance")
        try:
            label = Intent(parts[0])
        except ValueError:
            raise CorpusError(f"{path.name}:{n}: unknown intent {parts[0]!r}") from None
        out.append(Example(label, parts[1], parts[2].strip(), f"{path.name}:{n}"))
    return out


def evaluate(examples: Sequence[Example], split: str,
             understand: Callable[[str], IntentResult] | None = None) -> SplitResult:
    """Classify every example; the accuracy, every miss, mean time per utterance, per-style counts."""
    if understand is None:
        from intents.nlu import understand as nlu_understand

        understand = nlu_understand
    misses = []
    styles: Counter[str] = Counter()
    right: Counter[str] = Counter()
    start = time.perf_counter()
    for ex in examples:
        got = understand(ex.text).intent
        styles[ex.style] += 1
        if got == ex.label:
            right[ex.style] += 1
        else:
            misses.append(Miss(ex, got))
    elapsed_ms = (time.perf_counter() - start) * 1000
    return SplitResult(split, len(examples), len(examples) - len(misses), tuple(misses),
                       elapsed_ms / max(1, len(examples)), {s: (right[s], styles[s]) for s in sorted(styles)})


def run_eval(splits: Sequence[str], out: TextIO, corpus_dir: Path = CORPUS_DIR,
             show_errors: bool = True) -> list[SplitResult]:
    """Print accuracy per split (and per style) and list every error."""
    results = []
    for split in splits:
        result = evaluate(load_split(corpus_dir / f"{split}.tsv"), split)
        results.append(result)
        styles = ", ".join(f"{s} {c}/{t}" for s, (c, t) in result.by_style.items())
        print(f"{split:<5} {result.correct}/{result.total} = {result.accuracy:.1%}"
              f"  ({result.mean_ms:.2f} ms per utterance; {styles})", file=out)
        if show_errors:
            for m in result.misses:
                print(f"    {m.example.where:<14} expected {m.example.label.value:<22} got {m.got.value:<22}"
                      f" {m.example.text}", file=out)
    return results
