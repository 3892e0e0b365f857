"""The identifier benchmark: its corpus, its report, and a small slice run through tiny.en."""

from __future__ import annotations

import re

import numpy as np
import pytest

from benchmarks.identifiers.corpus import COUNTRIES, Condition, IdKind, build_corpus, split_items
from benchmarks.identifiers.report import _rates, accepted
from benchmarks.identifiers.run import decoys_for, plain_accepts


def test_corpus_size_voices_and_held_out_split() -> None:
    items = build_corpus()
    assert len(items) >= 400
    voices = {it.voice.name for it in items}
    assert len(voices) >= 8
    dev = {it.voice.name for it in split_items(items, "dev")}
    held = {it.voice.name for it in split_items(items, "heldout")}
    assert len(held) >= 3 and not dev & held  # held-out voices never in dev
    assert len({it.key for it in items}) == len(items)
    assert {it.condition for it in items} == set(Condition)
    assert {it.kind for it in items} == set(IdKind)
    assert {it.country for it in items if it.kind is IdKind.POSTCODE} == set(COUNTRIES)
    assert all(not it.voice.espeak.startswith("en_") for it in items)  # espeak-ng, never Piper


def test_corpus_is_deterministic_and_uses_every_style() -> None:
    a, b = build_corpus(), build_corpus()
    assert a == b
    spoken = " ".join(it.spoken for it in a)
    for word in ("double", " oh ", " at ", " dot ", "underscore"):
        assert word in spoken
    assert re.search(r"\b[A-Z] for [A-Z][a-z]+", spoken)  # a spelling alphabet: "S for Sierra"
    assert {it.take for it in a} == {1, 2}


def test_decoys_differ_in_one_character_and_are_enough() -> None:
    items = build_corpus()
    trials = 0
    for it in items:
        for d in decoys_for(it):
            assert len(d) == len(it.value) and sum(x != y for x, y in zip(d, it.value, strict=True)) == 1
            trials += 1
    assert trials >= 1000


def test_plain_path_matches_only_the_said_value() -> None:
    assert plain_accepts(IdKind.ORDER, "47119", "It's 4 7 1 1 9")
    assert not plain_accepts(IdKind.ORDER, "47118", "It's 4 7 1 1 9")
    assert plain_accepts(IdKind.POSTCODE, "SW1A 1AA", "It's SW1A 1AA.")
    assert not plain_accepts(IdKind.POSTCODE, "SW1A 1AB", "It's SW1A 1AA.")


def _row(key: str, take: int, ok: bool, false: bool) -> dict[str, object]:
    trial = {"value": "x", "plain_accept": ok, "scores": None}
    decoy = {"value": "y", "plain_accept": false, "scores": None}
    return {"key": f"{key}-t{take}", "take": take, "truth": trial, "decoys": [decoy]}


def test_two_tries_count_a_value_once() -> None:
    rows = [_row("v1", 1, False, False), _row("v1", 2, True, False), _row("v2", 1, True, True),
            _row("v2", 2, False, False)]
    rates = _rates(rows, None)  # type: ignore[arg-type]
    assert rates["values"] == 2 and rates["one_try"] == 0.5 and rates["two_tries"] == 1.0
    assert rates["false_accepts"] == 1 and rates["decoy_trials"] == 4
    assert accepted(rows[1]["truth"], None)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def checker():  # type: ignore[no-untyped-def]
    from pipeline.asr import load_recognizer
    from pipeline.identifier_check import IdentifierChecker

    rec = load_recognizer("tiny.en")
    return rec, IdentifierChecker(rec)


def test_slice_of_the_benchmark(checker) -> None:  # type: ignore[no-untyped-def]
    """A few clean and phone-line clips, read clearly: the true value is accepted and no decoy is."""
    from benchmarks.identifiers.run import run_clip
    from intents.verify_evidence import Thresholds

    rec, chk = checker
    picks = [it for it in build_corpus() if it.take == 2 and it.voice.name == "rp-m"
             and it.kind in (IdKind.ORDER, IdKind.PHONE)][:3]
    assert picks
    captured = 0
    for item in picks:
        result = run_clip(item, rec, chk)
        captured += accepted({"plain_accept": result.truth.plain_accept, "scores": _scores(result.truth)},
                             Thresholds())
        for d in result.decoys:
            assert not accepted({"plain_accept": d.plain_accept, "scores": _scores(d)}, Thresholds()), d.value
    assert captured >= 2


def _scores(trial):  # type: ignore[no-untyped-def]
    from dataclasses import asdict

    return asdict(trial.scores) if trial.scores is not None else None


def test_silence_proves_nothing(checker) -> None:  # type: ignore[no-untyped-def]
    from intents.verify_evidence import Expected
    from intents.verify_evidence import IdKind as Kind
    from pipeline.identifier_check import check_turn

    rec, chk = checker
    quiet = rec.transcribe(np.zeros(16_000, dtype=np.int16))
    assert check_turn(chk, quiet, (Expected(Kind.POSTCODE, "SW1A 1AA"),)) == ()
