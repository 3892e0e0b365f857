"""The message catalogue: lookup and fallback, merged locale files, extraction, and the shipped
translations' completeness (every msgid, every shipped language, the same placeholders)."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent.dialogue_runner import run_conversation
from agent.dialogue_tests import load_dialogue_tests
from intents.i18n import N_, current_language, missing, speaking, t
from intents.i18n.catalogue import (
    CatalogueError,
    catalogue,
    load_catalogue,
    placeholders,
    shipped_languages,
)
from intents.i18n.extract import main as extract_main
from intents.i18n.extract import msgids, scan_source

DIALOGUES = Path(__file__).parent / "dialogues"


def _locale(root: Path, lang: str, name: str, body: str) -> None:
    folder = root / lang
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(body, encoding="utf-8")


def test_files_of_one_language_are_merged(tmp_path):
    _locale(tmp_path, "de", "a.yaml", '"Hello.": "Hallo."\n')
    _locale(tmp_path, "de", "b.yaml", '"Goodbye.": "Auf Wiederhören."\n"Hello.": "Hallo."\n')
    cat = load_catalogue("de", tmp_path)
    assert cat.lookup("Hello.") == "Hallo." and cat.lookup("Goodbye.") == "Auf Wiederhören."


def test_a_msgid_translated_two_ways_is_an_error_at_load(tmp_path):
    _locale(tmp_path, "de", "a.yaml", '"Hello.": "Hallo."\n')
    _locale(tmp_path, "de", "b.yaml", '"Hello.": "Guten Tag."\n')
    with pytest.raises(CatalogueError, match="translated differently"):
        load_catalogue("de", tmp_path)


def test_a_locale_file_that_is_not_a_mapping_is_an_error(tmp_path):
    _locale(tmp_path, "de", "a.yaml", "- just a list\n")
    with pytest.raises(CatalogueError, match="mapping"):
        load_catalogue("de", tmp_path)


def test_a_missing_translation_falls_back_to_english_and_is_counted(tmp_path):
    cat = load_catalogue("de", tmp_path)
    assert cat.lookup("Nobody translated me.") == "Nobody translated me."
    assert cat.missing["Nobody translated me."] == 1


def test_t_renders_in_the_scope_language_and_fills_placeholders():
    msgid = "Your refund of {amount} is on its way."
    cat = catalogue("zz")  # a language nobody ships: an empty catalogue we may fill for the test
    cat.messages[msgid] = "ZZ {amount} ZZ"
    try:
        assert t(msgid, amount="ten") == "Your refund of ten is on its way."  # English outside a scope
        with speaking("zz") as lang:
            assert lang == "zz" == current_language()
            assert t(msgid, amount="ten") == "ZZ ten ZZ"
            with speaking(None):  # None keeps the surrounding language
                assert current_language() == "zz"
        assert current_language() == "en"
    finally:
        del cat.messages[msgid]


def test_a_translation_with_wrong_placeholders_falls_back_instead_of_breaking_the_call():
    msgid = "Order {digits} is on its way."
    cat = catalogue("zz")
    cat.messages[msgid] = "Auftrag {ziffern}"
    try:
        with speaking("zz"):
            before = missing()[msgid]
            assert t(msgid, digits="one two") == "Order one two is on its way."
            assert missing()[msgid] == before + 1
    finally:
        del cat.messages[msgid]


def test_extraction_finds_t_and_N_calls_with_literal_msgids():
    source = 'from intents.i18n import t, N_\nA = N_("One.")\nt("Two {x}.", x=1)\nt(A)\nprint("Not me.")\n'
    found = scan_source(source, "x.py")
    assert set(found) == {"One.", "Two {x}."} and found["Two {x}."] == ["x.py:3"]
    assert N_("One.") == "One."


def test_the_code_s_msgids_include_the_whole_sentences_the_policy_says():
    found = msgids()
    assert "Shall I go ahead?" in found and "Is there anything else I can help with?" in found
    assert "Hi, this is {agent_name} from {store_name} {team}." in found
    assert len(found) > 150  # the whole policy, not a sample


def test_extract_lists_missing_msgids_as_yaml(capsys):
    extract_main(["--missing", "zz"])
    out = capsys.readouterr().out
    assert '"Shall I go ahead?": "Shall I go ahead?"\n' in out
    import yaml

    assert all(k == v for k, v in yaml.safe_load(out).items())  # valid YAML, msgid: English


def test_every_msgid_the_english_dialogues_render_is_extracted(monkeypatch):
    """A msgid built at run time (not a literal, not marked N_) could never be translated."""
    rendered: set[str] = set()
    real = type(catalogue("en")).lookup

    def recording(self, msgid):  # noqa: ANN001
        rendered.add(msgid)
        return real(self, msgid)

    monkeypatch.setattr(type(catalogue("en")), "lookup", recording)
    for name in ("policy_remedies.yaml", "policy_callbacks.yaml", "policy_repair.yaml"):
        for conversation in load_dialogue_tests(DIALOGUES / name):
            run_conversation(conversation)
    assert rendered, "the dialogues rendered nothing through the catalogue"
    assert rendered - set(msgids()) == set()


@pytest.mark.parametrize("language", [lang for lang in shipped_languages() if lang != "en"] or ["en"])
def test_every_msgid_is_translated_in_every_shipped_language_with_the_same_placeholders(language):
    if language == "en":
        assert shipped_languages()[0] == "en"
        return
    have = load_catalogue(language).messages
    found = msgids()
    untranslated = sorted(m for m in found if m not in have)
    assert untranslated == [], f"{language}: {len(untranslated)} msgid(s) without a translation"
    wrong = sorted(m for m in found if placeholders(have[m]) != placeholders(m))
    assert wrong == [], f"{language}: placeholders differ from the English msgid"
    empty = sorted(m for m in found if not have[m].strip())
    assert empty == []
