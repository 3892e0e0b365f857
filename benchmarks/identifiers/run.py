"""Run the identifier benchmark: recognise every clip, check it, score the decoys.

For every clip the run records the plain transcript ("before": the entity parser and
:func:`intents.policy.verify.contact_matches`, as the agent worked before the check) and the
``Whisper.align`` scores of the true value and of three benchmark decoys (a stored value one
character away from what the caller said: a near miss of the *caller's* value, which the checker
never sees). Thresholds are applied afterwards (:mod:`benchmarks.identifiers.report`), so
calibration does not need the model again.
"""

from __future__ import annotations

import random
import time
from dataclasses import asdict, dataclass

from benchmarks.identifiers.audio import clip
from benchmarks.identifiers.corpus import IdKind, Item
from intents.entities import extract_entities
from intents.policy.types import CustomerFacts
from intents.policy.verify import contact_matches
from intents.verify_evidence import Expected, Scores
from intents.verify_evidence import IdKind as CheckKind
from pipeline.asr import Recognizer
from pipeline.identifier_check import IdentifierChecker

DECOYS_PER_CLIP = 3
_ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


@dataclass(frozen=True)
class Trial:
    value: str
    plain_accept: bool  # the plain transcript matched this value
    scores: Scores | None  # the check's scores (None: nothing to check)


@dataclass(frozen=True)
class ClipResult:
    key: str
    kind: str
    voice: str
    split: str
    condition: str
    take: int
    style: str
    value: str
    transcript: str
    recognize_ms: float
    check_ms: float
    truth: Trial
    decoys: tuple[Trial, ...]


def decoys_for(item: Item, count: int = DECOYS_PER_CLIP) -> list[str]:
    """Stored values one character away from the caller's: a random position, a random character of
    the same class (digit for digit, letter for letter), so that sound-alikes and not are mixed."""
    rng = random.Random("decoy-" + item.key)
    value = item.value
    positions = [i for i, c in enumerate(value) if c.isalnum() and not (value.startswith("+") and i <= 3)]
    out: list[str] = []
    while len(out) < count:
        i = rng.choice(positions)
        c = value[i]
        pool = "0123456789" if c.isdigit() else "abcdefghijklmnopqrstuvwxyz"
        new = rng.choice(pool.replace(c.lower(), ""))
        new = new.upper() if c.isupper() else new
        d = value[:i] + new + value[i + 1:]
        if d not in out:
            out.append(d)
    return out


def plain_accepts(kind: IdKind, value: str, text: str) -> bool:
    """Did the agent's plain path (transcript, entity parser, string compare) accept ``value``?"""
    entities = extract_entities(text)
    if kind is IdKind.ORDER:
        heard = entities.order_ids[0] if entities.order_ids else entities.digits
        return heard == value
    customer = CustomerFacts(
        id="c", name="", email=value if kind is IdKind.EMAIL else "",
        phone=value if kind is IdKind.PHONE else "", postcode=value if kind is IdKind.POSTCODE else "",
    )  # fmt: skip
    return contact_matches(customer, entities, text)


def run_clip(item: Item, recognizer: Recognizer, checker: IdentifierChecker) -> ClipResult:
    pcm = clip(item)
    started = time.perf_counter()
    transcript = recognizer.transcribe(pcm)
    recognize_ms = (time.perf_counter() - started) * 1000.0
    kind = CheckKind(item.kind.value)

    def trial(value: str) -> Trial:
        check = checker.check(transcript, Expected(kind, value))
        return Trial(value, plain_accepts(item.kind, value, transcript.text), check.scores if check else None)

    started = time.perf_counter()
    truth = trial(item.value)
    check_ms = (time.perf_counter() - started) * 1000.0
    decoys = tuple(trial(d) for d in decoys_for(item))
    return ClipResult(item.key, item.kind.value, item.voice.name, item.voice.split,
                      item.condition.value, item.take, item.style, item.value, transcript.text,
                      recognize_ms, check_ms, truth, decoys)


def as_json(result: ClipResult) -> dict[str, object]:
    return asdict(result)
