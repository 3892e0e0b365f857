"""The policy's dialogue-test conversations (tests/dialogues/policy_*.yaml), run with the real NLU
against a fresh store each: every one must pass, and no money may move that the file doesn't expect."""

from __future__ import annotations

from pathlib import Path

import pytest
from dialogue_yaml import load, run

FILES = sorted((Path(__file__).parent / "dialogues").glob("policy_*.yaml"))
CASES = [(f, c) for f in FILES for c in load(f)]


def test_there_are_enough_policy_conversations() -> None:
    assert len(CASES) >= 35
    names = [(f.name, c["name"]) for f, c in CASES]
    assert len(names) == len(set(names))


@pytest.mark.parametrize("path,conv", CASES, ids=[f"{f.stem}:{c['name']}" for f, c in CASES])
def test_policy_conversation(path: Path, conv: dict, tmp_path: Path) -> None:
    outcome = run(conv, tmp_path / "store.db")
    assert not outcome.failures, outcome.report()
