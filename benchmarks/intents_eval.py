"""``voice-agent intents-eval``: intent accuracy of :func:`intents.nlu.understand` on the corpus.

The corpus is ``benchmarks/intents/{train,dev,test}.tsv`` for English and
``benchmarks/intents/<lang>/{train,dev,test}.tsv`` for the other served languages (format in its
README): ``label<TAB>style<TAB>utterance[<TAB>field=value;...]``, the optional last column naming
entities the utterance must yield (``order_ids=10452;emails=a@b.de``). ``test`` is held out: rules and
glossaries are tuned on ``train`` and ``dev`` only. Each split also gets a text language-ID figure:
the share of its lines of three words or more that :func:`intents.languages.identify_text` names right.
"""

from __future__ import annotations

import dataclasses
import functools
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from intents.types import Intent, IntentResult

CORPUS_DIR = Path(__file__).parent / "intents"
SPLITS = ("train", "dev", "test")
LANGUAGES = ("en", "de", "fr", "es", "it", "ja")  # shipped corpora; English lives at the top level
ENTITY_FIELDS = ("order_ids", "emails", "phones", "postcodes", "tracking_numbers")
_LID_MIN_WORDS = 3
_LID_CONFIDENT = 0.6  # the default languages.min_confidence: a call switches language from here


class CorpusError(ValueError):
    """A corpus line that cannot be used; the message names the file and the line."""


@dataclass(frozen=True)
class Example:
    label: Intent
    style: str
    text: str
    where: str  # "train.tsv:12"
    entities: tuple[tuple[str, str], ...] = ()  # (field, value) the utterance must yield


@dataclass(frozen=True)
class Miss:
    example: Example
    got: Intent
    missing: tuple[tuple[str, str], ...] = ()  # expected entities not found


@dataclass(frozen=True)
class SplitResult:
    split: str
    total: int
    correct: int
    misses: tuple[Miss, ...]
    mean_ms: float
    by_style: dict[str, tuple[int, int]]  # style -> (correct, total)
    entities: tuple[int, int] = (0, 0)  # expected entities found, expected entities
    lid: tuple[int, int] = (0, 0)  # lines of >= 3 words identified right, such lines
    lid_wrong_confident: int = 0  # such lines given another language with confidence >= 0.6

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 0.0


def _expected_entities(raw: str, where: str) -> tuple[tuple[str, str], ...]:
    out = []
    for item in (p.strip() for p in raw.split(";")):
        field, _, value = item.partition("=")
        if field not in ENTITY_FIELDS or not value:
            raise CorpusError(f"{where}: expected field=value with a field of {', '.join(ENTITY_FIELDS)}")
        out.append((field, value))
    return tuple(out)


def load_split(path: Path) -> list[Example]:
    """Read one corpus file; raises :class:`CorpusError` on a malformed line or unknown label."""
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) not in (3, 4) or not parts[2].strip():
            raise CorpusError(f"{path.name}:{n}: expected label<TAB>style<TAB>utterance[<TAB>entities]")
        try:
            label = Intent(parts[0])
        except ValueError:
            raise CorpusError(f"{path.name}:{n}: unknown intent {parts[0]!r}") from None
        entities = _expected_entities(parts[3], f"{path.name}:{n}") if len(parts) == 4 else ()
        out.append(Example(label, parts[1], parts[2].strip(), f"{path.name}:{n}", entities))
    return out


def corpus_path(corpus_dir: Path, language: str, split: str) -> Path:
    return corpus_dir / f"{split}.tsv" if language == "en" else corpus_dir / language / f"{split}.tsv"


def _lid(examples: Sequence[Example], language: str) -> tuple[tuple[int, int], int]:
    """(right, lines of >= 3 words (any Japanese line)), and how many were confidently wrong."""
    from intents.languages import identify_text

    long = [e for e in examples if len(e.text.split()) >= _LID_MIN_WORDS or language == "ja"]
    guesses = [identify_text(e.text, LANGUAGES) for e in long]
    right = sum(g.language == language for g in guesses)
    wrong = sum(g.language != language and g.confidence >= _LID_CONFIDENT for g in guesses)
    return (right, len(long)), wrong


def evaluate(examples: Sequence[Example], split: str,
             understand: Callable[[str], IntentResult] | None = None, language: str = "en") -> SplitResult:
    """Classify every example; the accuracy, every miss, mean time per utterance, per-style counts.

    A line also misses when an entity it names is not found; ``entities`` counts those separately.
    """
    if understand is None:
        from intents.nlu import understand as nlu_understand

        understand = functools.partial(nlu_understand, language=language)
    misses = []
    styles: Counter[str] = Counter()
    right: Counter[str] = Counter()
    found = expected = 0
    start = time.perf_counter()
    for ex in examples:
        result = understand(ex.text)
        missing = tuple((f, v) for f, v in ex.entities if v not in getattr(result.entities, f))
        found, expected = found + len(ex.entities) - len(missing), expected + len(ex.entities)
        styles[ex.style] += 1
        if result.intent == ex.label and not missing:
            right[ex.style] += 1
        else:
            misses.append(Miss(ex, result.intent, missing))
    elapsed_ms = (time.perf_counter() - start) * 1000
    return SplitResult(split, len(examples), len(examples) - len(misses), tuple(misses),
                       elapsed_ms / max(1, len(examples)), {s: (right[s], styles[s]) for s in sorted(styles)},
                       (found, expected))


def run_eval(splits: Sequence[str], out: TextIO, corpus_dir: Path = CORPUS_DIR,
             show_errors: bool = True, languages: Sequence[str] = ("en",)) -> list[SplitResult]:
    """Print accuracy per language and split (and per style) and list every error.

    With more than one language each line starts with the language and adds the entity and text
    language-ID figures.
    """
    results = []
    several = tuple(languages) != ("en",)
    for language in languages:
        for split in splits:
            examples = load_split(corpus_path(corpus_dir, language, split))
            result = evaluate(examples, split, language=language)
            if several:
                lid, wrong = _lid(examples, language)
                result = dataclasses.replace(result, lid=lid, lid_wrong_confident=wrong)
            results.append(result)
            styles = ", ".join(f"{s} {c}/{t}" for s, (c, t) in result.by_style.items())
            head = f"{language} " if several else ""
            extra = ""
            if several:
                (ef, et), (lf, lt) = result.entities, result.lid
                extra = (f"; entities {ef}/{et}; text LID {lf}/{lt},"
                         f" {result.lid_wrong_confident} confidently wrong")
            print(f"{head}{split:<5} {result.correct}/{result.total} = {result.accuracy:.1%}"
                  f"  ({result.mean_ms:.2f} ms per utterance; {styles}{extra})", file=out)
            if show_errors:
                for m in result.misses:
                    lost = "".join(f" [no {f}={v}]" for f, v in m.missing)
                    print(f"    {m.example.where:<14} expected {m.example.label.value:<22}"
                          f" got {m.got.value:<22} {m.example.text}{lost}", file=out)
    return results
