"""The Italian and Japanese catalogues: complete, rendered without a fallback, fit for a phone voice.

Three kinds of check, each of which a bad translation can fail:
- every template renders with sample spoken values in the language (the same placeholders, no
  stray braces, nothing falls back to English);
- the whole policy, played through the shipped English dialogue tests with the replies forced into
  the language, says nothing in English and nothing unrendered (real values: amounts, dates, codes);
- what the code relies on in the rendered text holds in every language (a "Done. ..." reply starts
  with "Done." and a space), and what a voice would read oddly is absent (digits, Latin letters in
  Japanese, markdown).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

import intents.i18n as i18n
from agent.dialogue_runner import run_conversation
from agent.dialogue_tests import load_dialogue_tests
from agent.store.seed import demo_fixtures
from intents.i18n import speaking, t
from intents.i18n.catalogue import load_catalogue, placeholders
from intents.i18n.extract import msgids
from intents.i18n.spoken import (
    say_amount,
    say_code_end,
    say_date,
    say_digits,
    say_number,
    say_time,
)

LANGUAGES = ("it", "ja")
DIALOGUES = Path(__file__).parent / "dialogues"
# The policy dialogue tests: English callers, every branch of the policy (remedies, refusals,
# callbacks, repair, verification); their replies are forced into the language under test.
POLICY_FILES = ("policy_remedies.yaml", "policy_callbacks.yaml", "policy_repair.yaml", "policy_security.yaml")
TODAY = date(2026, 11, 30)


def _samples(language: str) -> dict[str, str]:
    """A spoken value for every placeholder name the policy uses, rendered the language's way."""
    with speaking(language):
        day = say_date(date(2026, 12, 4), TODAY)
        return {
            "agent_name": "Alex", "store_name": "Northwind", "team": t("after-sales"),
            "restated": t("you received the wrong item"),
            "digits": say_digits("10452"), "heard": say_digits("10453"),
            "amount": say_amount(39.9, "EUR"), "coupon": say_amount(5, "EUR"),
            "paid": say_amount(120, "EUR"), "got": say_amount(60, "EUR"),
            "days": say_number(5), "day": day, "eta": day, "since": say_date(date(2026, 11, 29), TODAY),
            "by_day": t("by {day}", day=day), "deadline": day, "issued": day, "arrives": day,
            "delivered": day, "closed": day, "when": t("on {day}", day=day),
            "time": say_time(datetime(2026, 12, 4, 15, 30)), "start": say_time(datetime(2026, 12, 4, 9)),
            "end": say_time(datetime(2026, 12, 4, 10)),
            "slot": t("{day} between {start} and {end}", day=day, start=say_time(datetime(2026, 12, 4, 9)),
                      end=say_time(datetime(2026, 12, 4, 10))),
            "whose": t("your time"), "where": t("on the number you're calling from"), "city": "London",
            "carrier": "DHL", "tracking": say_code_end("JD0149912345"), "code": say_digits("2345"),
            "place": "Milano", "what": "OK", "address": "Via Roma 12, 20121 Milano",
            "first": t("refund {amount} to your card", amount=say_amount(39.9, "EUR")),
            "last": t("send you a replacement, free of charge"),
        }


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_catalogue_holds_every_msgid_and_nothing_else(language: str) -> None:
    have = load_catalogue(language).messages
    found = msgids()
    assert sorted(set(found) - set(have)) == [], f"{language}: untranslated msgids"
    stale = sorted(set(have) - set(found))
    assert stale == [], f"{language}: entries for msgids the code does not say (a typo in a key?)"
    assert [m for m in found if placeholders(have[m]) != placeholders(m)] == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_template_renders_with_spoken_values_and_no_fallback(language: str) -> None:
    values = _samples(language)
    before = sum(i18n.missing(language).values())
    with speaking(language):
        for msgid in msgids():
            names = placeholders(msgid)
            assert names <= values.keys(), f"no sample value for {sorted(names - values.keys())}"
            text = t(msgid, **{n: values[n] for n in names})
            assert text.strip() and "{" not in text and "}" not in text, (msgid, text)
            if len(msgid.split()) > 2:  # a real sentence, not a name such as "DHL"
                assert text != msgid.format(**{n: values[n] for n in names}), f"English: {msgid!r}"
    assert sum(i18n.missing(language).values()) == before


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_done_reply_starts_with_done_and_a_space(language: str) -> None:
    """remedy.propose strips t("Done.") + " " from the reply it prepends "Done. I've cancelled ..." to."""
    have = load_catalogue(language).messages
    done = have["Done."] + " "
    wrong = [m for m in msgids() if m.startswith("Done. ") and not have[m].startswith(done)]
    assert wrong == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_nothing_a_phone_voice_would_read_oddly(language: str) -> None:
    """Numbers come in spoken placeholders, never as digits; no markdown or symbols; Japanese
    without Latin letters (the voice would spell them); one script of punctuation per language."""
    odd = re.compile(r"[0-9*#_`<>\[\]|/\\&%@]")
    for msgid, text in load_catalogue(language).messages.items():
        bare = re.sub(r"\{[a-z_]+\}", "", text)
        assert not odd.search(bare), (msgid, text)
        if language == "ja":
            assert not re.search(r"[A-Za-z]", bare), (msgid, text)
            assert not re.search(r"[.?!]", bare), (msgid, text)  # 。？, not ASCII stops
        else:
            assert not re.search(r"[。？！、]", bare), (msgid, text)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_question_stays_a_question_and_a_sentence_ends_like_one(language: str) -> None:
    """A yes/no question ("Shall I go ahead?") must still be heard as a question: the caller's
    answer is what moves money; a full sentence ends with the language's full stop."""
    have = load_catalogue(language).messages
    ask, stop = ("？", "。") if language == "ja" else ("?", ".")
    for msgid, text in have.items():
        if msgid.endswith("?"):
            assert text.endswith(ask), (msgid, text)
        elif msgid.endswith(".") and not msgid.endswith("{what}"):
            assert text.endswith((stop, ask)), (msgid, text)


class _Forced:
    """Stands in for the reply-language context variable: every scope speaks ``language``."""

    def __init__(self, language: str) -> None:
        self.language = language

    def get(self) -> str:
        return self.language

    def set(self, _value: str) -> None:
        return None

    def reset(self, _token: Any) -> None:
        return None


def _store_text(data: Any) -> set[str]:
    """Tracking descriptions and delivery places: the store's own words, said as stored."""
    found: set[str] = set()
    if isinstance(data, dict):
        for key, value in data.items():
            if key in ("description", "delivery_place") and isinstance(value, str) and value:
                text = value.rstrip(".")
                found |= {text, text[:1].lower() + text[1:]}
            else:
                found |= _store_text(value)
    elif isinstance(data, list):
        for item in data:
            found |= _store_text(item)
    return found


def _policy_replies(language: str, monkeypatch: pytest.MonkeyPatch) -> tuple[list[str], set[str]]:
    """Every agent line of the policy dialogue tests, and the store data they may quote."""
    monkeypatch.setattr(i18n, "_LANGUAGE", _Forced(language))
    replies: list[str] = []
    data: set[str] = set()
    for name in POLICY_FILES:
        for conversation in load_dialogue_tests(DIALOGUES / name):
            if conversation.demo_store:
                data |= _store_text(demo_fixtures(conversation.now or datetime.now(UTC)))
            data |= _store_text(conversation.fixtures)
            outcome = run_conversation(conversation)
            replies.extend(line.text for line in outcome.transcript if line.speaker == "agent")
    return replies, data


# Words only English says; an Italian or Japanese reply that holds one fell back somewhere.
_ENGLISH = re.compile(r"\b(the|you|your|order|refund|please|sorry|and|what|between|ending|on|by|at)\b", re.I)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_whole_policy_speaks_the_language(language: str, monkeypatch: pytest.MonkeyPatch) -> None:
    before = sum(i18n.missing(language).values())
    replies, data = _policy_replies(language, monkeypatch)
    assert len(replies) > 100  # the whole policy, not a sample
    assert sum(i18n.missing(language).values()) == before
    # The demo store's tracking descriptions and delivery places are English data, quoted as stored.
    strip = re.compile("|".join(re.escape(d) for d in sorted(data, key=len, reverse=True)))
    leaks = [r for r in replies if _ENGLISH.search(strip.sub("", r))]
    assert leaks == [], leaks[:5]
    assert [r for r in replies if "{" in r or "}" in r] == []
