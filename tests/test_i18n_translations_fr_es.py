"""The French and Spanish catalogues: complete, fit for a voice on a phone line, and faithful to the
policy (the same openings the policy and the phrase cache rely on, questions stay questions, and
the English dialogue suites rendered in French or Spanish move exactly the same money)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path

import pytest

import intents.dialogue as dialogue_module
from agent.dialogue_runner import Outcome, run_conversation
from agent.dialogue_tests import load_dialogue_tests
from intents import i18n
from intents.i18n import speaking, t
from intents.i18n.catalogue import load_catalogue, placeholders, shipped_languages
from intents.i18n.extract import msgids
from intents.i18n.spoken import say_amount, say_code_end, say_date, say_days, say_digits, say_time
from intents.policy import decide

LANGUAGES = ("fr", "es")
DIALOGUES = Path(__file__).parent / "dialogues"
# The English suites replayed with French or Spanish replies (the caller's side stays English: the
# policy, not the understanding, is under test). policy_heldout.yaml is left to the policy's owners.
SUITES = ("policy_remedies.yaml", "policy_callbacks.yaml", "policy_repair.yaml", "policy_security.yaml")
# Characters a text-to-speech voice spells out or reads oddly; replies are plain spoken sentences.
_UNSPEAKABLE = re.compile(r"[0-9#%&*/@()\[\]<>_`~|\\\"=+]")
_SENTENCE_END = re.compile(r"[.?!]$")


def _translations(language: str) -> dict[str, str]:
    return load_catalogue(language).messages


def _bare(text: str) -> str:
    """``text`` with each ``{placeholder}`` replaced by a plain word."""
    return re.sub(r"\{[a-z_]+\}", "X", text)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_msgid_and_nothing_else_is_translated_with_the_same_placeholders(language: str) -> None:
    assert language in shipped_languages()
    have, found = _translations(language), set(msgids())
    assert sorted(found - set(have)) == [], "untranslated msgids"
    assert sorted(set(have) - found) == [], "stale translations of msgids the code no longer says"
    assert [m for m in found if placeholders(have[m]) != placeholders(m)] == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_are_plain_speakable_sentences(language: str) -> None:
    for msgid, text in _translations(language).items():
        bare = _bare(text)
        assert not _UNSPEAKABLE.search(bare), (msgid, text)
        assert "  " not in text and text == text.strip(), (msgid, text)
        assert not re.search(r"\s[?!:;,.]", bare), (msgid, text)  # no space before punctuation
        if language == "es":  # every Spanish question opens with its inverted mark
            assert bare.count("¿") == bare.count("?"), (msgid, text)


@pytest.mark.parametrize("language", LANGUAGES)
def test_questions_stay_questions_and_sentences_stay_sentences(language: str) -> None:
    """What invites a yes or no in English (before any money moves) does so in the translation."""
    for msgid, text in _translations(language).items():
        english_end = _SENTENCE_END.search(msgid)
        end = _SENTENCE_END.search(text)
        assert (english_end and english_end.group()) == (end and end.group()), (msgid, text)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_sentence_that_opens_another_msgid_opens_its_translation_too(language: str) -> None:
    """The policy swaps "Done." for "Done. I've cancelled the replacement." at the head of a reply,
    and the phrase cache synthesizes the openings ("Sorry, I still didn't catch it.") once: both
    need the shorter sentence's translation, word for word, at the head of the longer one's."""
    have = _translations(language)
    pairs = [(a, b) for a in have for b in have
             if a != b and _SENTENCE_END.search(a) and b.startswith(a + " ")]
    assert ("Done.", "Done. I've cancelled the replacement.") in pairs
    broken = [(a, b) for a, b in pairs if not have[b].startswith(have[a] + " ")]
    assert broken == []


def _samples(language: str) -> dict[str, str]:
    """A spoken value for every placeholder name the policy uses, made the way the policy makes it."""
    today, day = date(2026, 11, 25), date(2026, 11, 28)
    spoken_day = say_date(day, today, language)
    moment = datetime(2026, 11, 28, 15, 30)
    amount = say_amount(39.9, "EUR", language)
    return {
        "agent_name": "Alex", "store_name": "Northwind", "team": t("after-sales"),
        "restated": t("you'd like to know where your parcel is"), "digits": say_digits("10452", language),
        "heard": say_digits("10453", language), "amount": amount, "coupon": say_amount(10, "EUR", language),
        "got": amount, "paid": say_amount(129, "EUR", language), "first": t("refund {amount} to your card",
                                                                             amount=amount),
        "last": t("email you a prepaid return label"), "what": t("I'll {first}.", first="x"),
        "day": spoken_day, "eta": spoken_day, "since": spoken_day, "deadline": spoken_day,
        "issued": spoken_day, "arrives": spoken_day, "delivered": spoken_day, "closed": spoken_day,
        "by_day": t("by {day}", day=spoken_day), "when": t("{day} at {time}", day=spoken_day,
                                                           time=say_time(moment, language)),
        "time": say_time(moment, language), "start": say_time(moment, language),
        "end": say_time(moment.replace(hour=16), language), "days": say_days(14, language),
        "place": "Madrid", "carrier": t("the carrier"), "tracking": say_code_end("YT2411417", 4, language),
        "code": say_digits("417", language), "address": "Rua Nova 5, 1100-148 Lisboa", "city": "Paris",
        "slot": t("{day} between {start} and {end}", day=spoken_day, start=say_time(moment, language),
                  end=say_time(moment.replace(hour=16), language)),
        "whose": t("your time"), "where": t("on the number you're calling from"),
    }


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_msgid_renders_with_spoken_values_and_never_falls_back_to_english(language: str) -> None:
    with speaking(language):
        samples = _samples(language)
        before = sum(i18n.missing(language).values())
        for msgid in sorted(msgids()):
            values = {name: samples[name] for name in placeholders(msgid)}
            text = t(msgid, **values)
            assert text and "{" not in text and "}" not in text, (msgid, text)
            assert text != msgid or not re.search(r"[a-z]", _bare(msgid)), msgid  # nothing left in English
        assert sum(i18n.missing(language).values()) == before


@contextmanager
def _replies_in(language: str | None, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every reply of the policy rendered in ``language``, whatever the call's language."""
    real = i18n.speaking

    @contextmanager
    def forced(_language: str | None = None) -> Iterator[str]:
        with real(language) as got:
            yield got

    with monkeypatch.context() as patch:
        if language is not None:
            patch.setattr(decide, "speaking", forced)
            patch.setattr(dialogue_module, "speaking", forced)
        yield


def _run_suites(language: str | None, monkeypatch: pytest.MonkeyPatch) -> dict[str, Outcome]:
    out: dict[str, Outcome] = {}
    with _replies_in(language, monkeypatch):
        for name in SUITES:
            for conversation in load_dialogue_tests(DIALOGUES / name):
                if not conversation.answers:  # answer rules match English lines: not replayable
                    out[f"{name}:{conversation.name}"] = run_conversation(conversation)
    return out


@pytest.fixture(scope="module")
def english() -> dict[str, Outcome]:
    with pytest.MonkeyPatch.context() as monkeypatch:
        return _run_suites(None, monkeypatch)


def _said(outcome: Outcome) -> list[str]:
    return [line.text for line in outcome.transcript if line.speaker == "agent"]


def _moved(outcome: Outcome) -> list[tuple[str, str | None, float | None]]:
    return sorted((a.kind, a.order_id, a.amount) for a in outcome.actions)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_english_suites_in_french_and_spanish_move_the_same_money_in_the_same_turns(
    language: str, english: dict[str, Outcome], monkeypatch: pytest.MonkeyPatch
) -> None:
    before = sum(i18n.missing(language).values())
    translated = _run_suites(language, monkeypatch)
    assert set(translated) == set(english) and len(english) > 30
    for key, outcome in translated.items():
        base = english[key]
        assert _moved(outcome) == _moved(base), key
        assert len(_said(outcome)) == len(_said(base)), key  # same turns, same end of the call
        for text in _said(outcome):
            assert "{" not in text and "}" not in text, (key, text)
        said = " ".join(_said(outcome))
        for phrase in ("Shall I go ahead", "Is there anything else", "What's your order number"):
            assert phrase not in said, (key, phrase)
    assert sum(i18n.missing(language).values()) == before
