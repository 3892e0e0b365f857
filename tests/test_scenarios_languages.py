"""The voice scenarios per language (issue 14), played in real time through the whole pipeline:
Whisper base identifies the caller's language on the first utterance and transcribes in it, the
dialogue verifies and helps in it, and a caller in a language the line does not serve hears the
fixed message and gets a callback from a colleague who speaks it.

CI plays a slice (about a minute and a half each on 2 cores): the scenarios that passed reliably
when this was written. `voice-agent bench` and `voice-agent simulate` play the rest; the issue notes
record which of them fail and why (mostly Whisper base mishearing an espeak-ng voice).
"""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from agent.call import load_models, our_call_factory
from agent.config import AgentConfig
from agent.simulation.scenario import load_scenario
from agent.simulation.simulate import config_for, run_simulation
from agent.store.db import Store
from agent.store.models import Callback, Escalation

SCENARIOS = Path(__file__).resolve().parent.parent / "benchmarks" / "scenarios"
SERVED = ("de", "fr", "es", "it", "ja")
LANGUAGE_SCENARIOS = sorted(p.stem for p in SCENARIOS.glob("*.yaml") if p.stem.split("-")[0] in SERVED)
# CI plays these (a minute to a minute and a half each on 2 cores). No served-language scenario
# reaches its remedy yet (Whisper base mishears the espeak-ng order digits and Kokoro's 花瓶/割れて;
# see the issue notes), so CI checks the voice side of two of them: Japanese (Kokoro) and German
# (espeak-ng) identified on the first utterance and answered in it, and the unserved language.
VOICE_IN_CI = ("ja-damaged", "de-damaged")
UNSERVED_IN_CI = ("pl-unserved",)


@pytest.fixture(scope="module")
def call_factory():  # type: ignore[no-untyped-def]
    # Every language scenario serves the same languages: one Whisper base for the module.
    config = config_for(load_scenario(SCENARIOS / "pl-unserved.yaml"), AgentConfig())
    return config, our_call_factory(config, load_models(config))


@pytest.fixture
def escalation_languages(monkeypatch):  # type: ignore[no-untyped-def]
    """The language each escalation and callback of the call was booked in, read from the store as
    the simulation collects the call's changes (report.json lists the changes without it)."""
    seen: list[tuple[str, str]] = []
    original = Store.changes_for_call

    def spy(self: Store, call_id: str) -> Any:
        with self.session() as s:
            for model, kind in ((Escalation, "escalation"), (Callback, "callback")):
                rows = s.scalars(select(model).where(model.call_id == call_id))
                seen.extend((kind, row.language) for row in rows)
        return original(self, call_id)

    monkeypatch.setattr(Store, "changes_for_call", spy)
    return seen


def _play(name: str, tmp_path: Path, call_factory) -> tuple[dict, str]:  # type: ignore[no-untyped-def]
    config, factory = call_factory
    out = tmp_path / name
    asyncio.run(run_simulation(load_scenario(SCENARIOS / f"{name}.yaml"), out, config, factory))
    return json.loads((out / "report.json").read_text()), (out / "transcript.txt").read_text()


def test_each_served_language_has_two_voice_scenarios() -> None:
    for language in SERVED:
        mine = [n for n in LANGUAGE_SCENARIOS if n.startswith(f"{language}-")]
        assert len(mine) >= 2, (language, LANGUAGE_SCENARIOS)
    assert set(VOICE_IN_CI) <= set(LANGUAGE_SCENARIOS)
    for name in UNSERVED_IN_CI:
        assert (SCENARIOS / f"{name}.yaml").is_file()


# The agent's questions in a damaged-item call (msgids, rendered in the caller's language) and what
# the simulated caller must answer: "order" (the digits), "identity" (postcode, email or phone),
# "yes", or None (no rule: the caller goes on with their next turn).
QUESTIONS: tuple[tuple[tuple[str, ...], str | None], ...] = (
    (("Hi, this is {agent_name} from {store_name} {team}.", "What happened?"), None),
    (("What's your order number?",), "order"),
    (("I need the order number to look this up. It's in your confirmation email. You can also type "
      "it on the keypad, then press hash.",), "order"),
    (("Could you say the order number digit by digit?",), "order"),
    (("Thanks. Order {digits}.",
      "To keep your order safe, what's the email, phone number or postcode on it?"), "identity"),
    # issue 11: the easiest detail named first, the keypad offered on a voice line
    (("Thanks. Order {digits}.", "To keep your order safe, what's the postcode on it? Or the phone number "
      "or email, if that's easier.", "You can also type it on the keypad, then press hash."), "identity"),
    (("Thanks. Order {digits}.", "To keep your order safe, what's the phone number on it? Or the postcode "
      "or email, if that's easier.", "You can also type it on the keypad, then press hash."), "identity"),
    (("I got {digits} so far. What's the rest?",), "identity"),  # half an answer: the caller says it again
    (("I couldn't find order {heard}. Let's find it another way: what's the email, phone number or "
      "postcode on the order?",), "identity"),
    (("Sorry, those details don't match what I have for that order. Could you try again? The email, "
      "phone number or postcode on the order.",), "identity"),
    (("Thanks, that matches order {digits}.", "I'm so sorry about that.", "I'll {first}, and {last}.",
      "Shall I go ahead?"), "yes"),
    (("Is that right? Just say yes or no.",), "yes"),
    (("Done. I've refunded {amount}; it reaches your card within {days} business days. I've also added "
      "a {coupon} coupon to your account, for your next order. You don't need to send anything back.",
      "Is there anything else I can help with?"), None),
    (("Tell me in a few words what happened. For example a late parcel, a damaged item, or a return.",),
     None),
)


def _reply(msgids: tuple[str, ...], language: str, order_id: str) -> str:
    from intents.i18n import speaking, t
    from intents.i18n.spoken import say_digits

    with speaking(language):
        digits = say_digits(order_id, language)
        values = {"agent_name": "Alex", "store_name": "Northwind", "team": "after-sales", "digits": digits,
                  "heard": digits, "amount": "39", "coupon": "10", "days": "5",
                  "first": t("refund {amount} to your card", amount="39"),
                  "last": t("add a {amount} coupon to your account", amount="10")}
        # The greeting is always English (the line's first language); the rest is in the caller's.
        return " ".join(t(m, **values) if m != "What happened?" else m for m in msgids)


def _kind_of_answer(text: str, language: str, order_id: str) -> str:
    from intents.i18n.spoken import say_digits
    from intents.languages import yes_no

    if yes_no(text, language) is True:
        return "yes"
    squashed = re.sub(r"[\W_]+", "", text)
    if squashed == re.sub(r"[\W_]+", "", say_digits(order_id, language)):
        return "order"
    return "identity"


@pytest.mark.parametrize("name", LANGUAGE_SCENARIOS)
def test_answer_rules_answer_the_agents_questions(name) -> None:  # type: ignore[no-untyped-def]
    """The caller's answer rules follow the agent's own wording in the caller's language (the
    catalogue), and a reply that repeats the order number before asking for the postcode gets the
    postcode, not a yes: the rules script the test caller, so they must not decide the call."""
    scenario = load_scenario(SCENARIOS / f"{name}.yaml")
    language = name.split("-")[0]
    assert scenario.fixtures is not None
    order_id = str(scenario.fixtures["orders"][0]["id"])
    for msgids, want in QUESTIONS:
        reply = _reply(msgids, language, order_id)
        rule = next((a for a in scenario.answers if a.when.search(reply)), None)
        got = None if rule is None or rule.text is None else _kind_of_answer(rule.text, language, order_id)
        assert got == want, (reply, rule.when.pattern if rule else None)


def _reply_languages(report: dict) -> list[str]:
    """The language of each agent reply after the caller first spoke (text language ID over every
    candidate language, not only the served ones)."""
    from intents.languages import identify_text

    first_ms = report["caller"][0]["caller_start_ms"]
    return [identify_text(a["text"], ("en", *SERVED)).language
            for a in report["agent"] if a["audio_start_ms"] > first_ms and a["text"]]


@pytest.mark.realtime
@pytest.mark.parametrize("name", VOICE_IN_CI)
def test_the_caller_is_heard_and_answered_in_their_language(name, tmp_path, call_factory) -> None:  # type: ignore[no-untyped-def]
    report, transcript = _play(name, tmp_path, call_factory)
    language = name.split("-")[0]
    first = report["caller"][0]
    # Whisper base names the language on the first utterance, and the turn is transcribed in it.
    assert first["guessed_language"] == language and first["language"] == language, transcript
    # Every turn after it stays in the caller's language, and so does every reply from then on.
    assert all(c["language"] == language for c in report["caller"]), transcript
    replies = _reply_languages(report)
    assert replies and all(r == language for r in replies), (replies, transcript)
    # The caller's goodbye, understood in their language, ends the call (not max_call_s).
    assert report["caller"][-1]["intent"] == "goodbye", transcript
    assert report["ended_by"] == "agent_hung_up", transcript


@pytest.mark.realtime
@pytest.mark.parametrize("name", UNSERVED_IN_CI)
def test_an_unserved_language_hears_the_message_and_gets_a_callback(  # type: ignore[no-untyped-def]
        name, tmp_path, call_factory, escalation_languages) -> None:
    report, transcript = _play(name, tmp_path, call_factory)
    language = load_scenario(SCENARIOS / f"{name}.yaml").turns[0].expect_language
    assert language is not None and language not in SERVED
    first = report["caller"][0]
    assert first["guessed_language"] == language and first["language"] == language, transcript
    # The fixed message in the caller's language (text ID over the candidates, unserved included),
    # and an escalation and a callback booked for a colleague who speaks it.
    from intents.languages import identify_text

    message = next(a["text"] for a in report["agent"] if a["audio_start_ms"] > first["caller_start_ms"])
    assert identify_text(message, ("en", *SERVED)).language == language, (message, transcript)
    kinds = [c["kind"] for c in report["store_changes"]]
    assert kinds.count("escalation") == 1 and kinds.count("callback") == 1, (kinds, transcript)
    assert sorted(escalation_languages) == [("callback", language), ("escalation", language)], transcript
    assert report["ended_by"] == "agent_hung_up", transcript
