"""The German dialogue files (tests/dialogues/de-*.yaml) against this branch's dialogue and catalogue,
with a German keyword shim standing in for the NLU's German understanding and language ID (the real
ones live in intents.nlu / intents.languages; with them the files run as they are, in
test_dialogue_tests). This checks the dialogue side: switching, the German replies the files expect,
the unserved path, the store changes."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from dialogue_fakes import keyword_understand

import intents.dialogue as dialogue_module
from agent.dialogue_runner import format_outcome, run_conversation
from agent.dialogue_tests import load_dialogue_tests
from intents.types import IntentResult

FILES = sorted((Path(__file__).parent / "dialogues").glob("de-*.yaml"))
# German words -> the English keywords of the keyword NLU (the test's NLU, not the product's)
_DE = [(r"\bzoll\b", "customs"), (r"\bkaputt\b|beschädigt", "broken"), (r"^ja\b", "yes"), (r"^nein\b", "no"),
       (r"\bwo\b.*\b(bestellung|paket)\b", "where is"),
       (r"das war'?s|das war alles|das ist alles|wiederhören", "that's all"),
       (r"\beins\b", "one"), (r"\bnull\b", "zero"), (r"\bvier\b", "four"), (r"\bfünf\b", "five"),
       (r"\bzwei\b", "two"), (r"doch nicht", "no")]


def _understand(text: str, language: str = "en") -> IntentResult:
    if language == "de":
        text = text.lower()
        for pattern, word in _DE:
            text = re.sub(pattern, word, text)
    return keyword_understand(text)


@dataclass(frozen=True)
class _Guess:
    language: str
    confidence: float
    served: bool


def _identify(text: str, served: tuple[str, ...]) -> _Guess:
    if re.search(r"[äöüß]|\b(ich|ist|mein|meine|die|das|bitte|danke|nein|lieber)\b", text, re.IGNORECASE):
        return _Guess("de", 0.95, "de" in served)
    return _Guess("en", 0.5, "en" in served)


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_german_dialogue_files_pass_with_a_german_shim(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dialogue_module, "default_understand", _understand)
    monkeypatch.setattr(dialogue_module, "default_identify", _identify)
    outcomes = [run_conversation(c) for c in load_dialogue_tests(path)]
    failed = [format_outcome(o) for o in outcomes if not o.passed]
    assert not failed, "\n".join(failed)


def test_there_are_german_dialogue_files() -> None:
    assert len(FILES) >= 3
