"""The dialogue in the caller's language: switching on a clear identification (typed or spoken),
never on a bare number or "ok"; the fixed message and a callback in the caller's language for an
unserved language; the call record's language. A keyword NLU and an injected identifier keep these
fast and independent of the NLU branch."""

from __future__ import annotations

import re
from dataclasses import dataclass

from dialogue_fakes import keyword_match, keyword_understand
from helpers import NOW
from sqlalchemy import select

from agent.store import Store
from agent.store.models import Callback, CallRecord, Escalation
from intents.dialogue import build_dialogue
from intents.policy.language import choose, telling
from intents.types import IntentResult

# German caller words -> the English keywords the fake NLU knows (the real NLU is the NLU helper's)
_DE = {r"\bzoll\b": "customs", r"\bkaputt\b": "broken", r"\bja\b": "yes", r"\bnein\b": "no",
       r"\bwo ist\b": "where is", r"\bmensch\b": "person", r"\bzurückrufen\b": "person"}


def german_understand(text: str, language: str = "en") -> IntentResult:
    if language == "de":
        for pattern, word in _DE.items():
            text = re.sub(pattern, word, text, flags=re.IGNORECASE)
    return keyword_understand(text)


@dataclass(frozen=True)
class Guess:
    language: str
    confidence: float
    served: bool


_GERMAN = re.compile(r"[äöüß]|\b(mein|ich|ist|das|nicht|und|bitte|mit)\b", re.IGNORECASE)
_PORTUGUESE = re.compile(r"\b(minha|encomenda|não|olá|chegou)\b", re.IGNORECASE)


def identify(text: str, served: tuple[str, ...]) -> Guess:
    """A stand-in for intents.languages.identify_text: sure of German and Portuguese words."""
    if _PORTUGUESE.search(text):
        return Guess("pt", 0.97, "pt" in served)
    if _GERMAN.search(text):
        return Guess("de", 0.95, "de" in served)
    return Guess("en", 0.7, "en" in served)


def call(store: Store | None, languages=("en", "de"), channel: str = "phone", caller_id: str | None = None):  # type: ignore[no-untyped-def]
    return build_dialogue(store, now=lambda: NOW, understand=german_understand, match=keyword_match,
                          languages=languages, identify=identify, channel=channel, caller_id=caller_id)


_ENGLISH = re.compile(r"\b(the|your|order|thanks|what|please|is)\b", re.IGNORECASE)


def test_a_typed_german_call_is_answered_in_german_from_the_first_german_turn(store: Store) -> None:
    d = call(store)
    hello = d.greeting()
    assert hello.language == "en" and hello.text.startswith("Hi, this is")
    r1 = d.on_final("Mein Paket hängt beim Zoll fest.")
    assert r1.language == "de" and d.state.language == "de"
    assert "Zoll" in r1.text and "Bestellnummer" in r1.text and not _ENGLISH.search(r1.text)
    r2 = d.on_final("10452")  # a bare number: the call stays German
    assert r2.language == "de" and "eins null vier fünf zwei" in r2.text
    r3 = d.on_final("28013")
    assert r3.language == "de" and "Madrid" in r3.text and not _ENGLISH.search(r3.text), r3.text
    assert "zwölf Tage beim Zoll" in r3.text  # the facts, spoken the German way


def test_bare_numbers_and_short_words_never_switch() -> None:
    d = call(None)
    for text in ("10452", "ok", "ja", "SW1A 1AA", "nein"):
        d.on_final(text)
        assert d.state.language == "en", text
    assert not telling("ja") and not telling("10452 28013") and telling("Mein Paket ist nicht da")
    assert telling("荷物はどこですか")


def test_the_voice_channel_s_language_switches_the_call(store: Store) -> None:
    d = call(store)
    reply = d.on_final("where is my parcel please", language="de")  # the recogniser heard German
    assert reply.language == "de" and d.state.language == "de"
    back = d.on_final("where is my parcel please", language="en")
    assert back.language == "en" and "order number" in back.text


def test_a_turn_understood_in_the_call_language_needs_a_near_certain_guess_to_switch() -> None:
    class Unsure:
        def __call__(self, text: str, served: tuple[str, ...]) -> Guess:
            return Guess("de", 0.75, True)

    d = build_dialogue(None, now=lambda: NOW, understand=german_understand, languages=("en", "de"),
                       identify=Unsure())
    d.on_final("my parcel is stuck at customs")  # understood in English: a 0.75 guess is not enough
    assert d.state.language == "en"
    d.on_final("Guten Tag zusammen")  # not understood in English: 0.75 >= min_confidence switches
    assert d.state.language == "de"


def test_choose_follows_the_contract() -> None:
    served = ("en", "de", "fr")
    text = "quelque chose de long"
    assert choose("en", served, text, guess=Guess("fr", 0.9, True)).language == "fr"
    assert choose("en", served, text, guess=Guess("fr", 0.5, True)).language == "en"
    assert choose("en", served, text, guess=Guess("pt", 0.9, False)).unserved == "pt"
    assert choose("en", served, text, spoken="de").switched
    assert choose("de", served, "42", spoken="en").language == "de"


def test_an_unserved_language_gets_the_fixed_message_and_a_callback_in_that_language(store: Store) -> None:
    d = call(store, caller_id="+351 912 345 678")
    d.greeting()
    r1 = d.on_final("Olá, a minha encomenda ainda não chegou")
    assert r1.language == "pt" and "português" in r1.text and "inglês" in r1.text and not r1.end_call
    assert [a.kind for a in r1.actions] == ["escalation", "callback"]
    r2 = d.on_final("A minha encomenda não chegou, por favor")
    assert r2.language == "pt" and r2.end_call and r2.actions == ()
    d.close(channel="phone")
    with store.session() as s:
        callback = s.scalars(select(Callback).where(Callback.call_id == d.call_id)).one()
        escalation = s.scalars(select(Escalation).where(Escalation.call_id == d.call_id)).one()
        record = s.get(CallRecord, d.call_id)
    assert callback.language == "pt" and escalation.language == "pt"
    assert "+351 912 345 678" in callback.reason and "Portuguese" in callback.reason
    assert callback.due_at is not None
    assert record is not None and record.language == "pt"


def test_a_caller_who_switches_to_a_served_language_after_the_message_carries_on(store: Store) -> None:
    d = call(store, caller_id="+351 912 345 678")
    d.on_final("Olá, a minha encomenda ainda não chegou")
    reply = d.on_final("where is my parcel please")
    assert reply.language == "en" and not reply.end_call and "order number" in reply.text


def test_a_german_callback_carries_the_call_s_language(store: Store) -> None:
    d = call(store, caller_id="+49 30 1234567")
    d.on_final("Ich möchte mit einem Mensch sprechen, bitte")
    assert d.state.language == "de"
    made = [a.kind for a in d.actions]
    assert made == ["escalation", "callback"], made
    d.close(channel="phone")
    with store.session() as s:
        callback = s.scalars(select(Callback).where(Callback.call_id == d.call_id)).one()
        record = s.get(CallRecord, d.call_id)
    assert callback.language == "de" and record is not None and record.language == "de"


def test_an_english_only_line_keeps_english_and_records_it(store: Store) -> None:
    d = build_dialogue(store, now=lambda: NOW, understand=keyword_understand, match=keyword_match,
                       identify=lambda text, served: None)
    reply = d.on_final("where is my parcel")
    assert reply.language == "en"
    d.close(channel="chat")
    with store.session() as s:
        record = s.get(CallRecord, d.call_id)
    assert record is not None and record.language == "en"


def test_the_greeting_is_in_the_first_served_language() -> None:
    d = build_dialogue(None, now=lambda: NOW, languages=("de", "en"), identify=lambda text, served: None)
    hello = d.greeting()
    assert hello.language == "de" and hello.text.startswith("Guten Tag, hier ist Alex")


def test_the_unserved_message_exists_in_twenty_languages_and_names_the_served_ones() -> None:
    from intents.i18n.unserved import messages, unserved_message

    wanted = (
        "de", "fr", "es", "it", "ja", "pt", "nl", "pl", "sv", "da", "no", "fi",
        "cs", "hu", "ro", "el", "tr", "ru", "uk", "ar", "zh", "ko", "hi", "en",
    )
    assert set(wanted) <= set(messages())
    for lang in wanted:
        said = unserved_message(lang, ("en", "de"))
        assert said.language == lang and "{" not in said.text and said.text.strip()
    other = unserved_message("sw", ("en",))  # no message of its own: English, naming the language
    assert other.language == "en" and "Swahili" in other.text and "English" in other.text
    assert "inglês ou alemão" in unserved_message("pt", ("en", "de")).text


def test_detail_answers_never_change_the_call_language(store: Store) -> None:
    """An email, a postcode, an address or a city may be in any language: asked for one, the call
    keeps its language whatever the identifier says."""
    class SaysSpanish:
        def __call__(self, text: str, served: tuple[str, ...]) -> Guess:
            return Guess("es", 0.99, "es" in served)

    d = build_dialogue(store, now=lambda: NOW, understand=keyword_understand, match=keyword_match,
                       languages=("en", "es"), identify=SaysSpanish())
    d.on_final("10452")  # a bare number: no identification at all
    assert d.state.stage.value == "await_contact"
    reply = d.on_final("Calle de Alcalá veintiocho cero uno tres, Madrid")
    assert d.state.language == "en" and reply.language == "en"


def test_a_name_or_two_is_no_unserved_language() -> None:
    served = ("en",)
    assert choose("en", served, "Maria Lopez", guess=Guess("es", 0.95, False)).unserved is None
    sentence = "Hola, mi pedido no ha llegado"
    assert choose("en", served, sentence, guess=Guess("es", 0.95, False)).unserved == "es"


def test_a_number_said_in_words_never_switches_even_when_the_identifier_is_sure() -> None:
    """Identifiers read "five five oh one eight" as German or Estonian (langid: de 0.94, et 0.93)."""
    class SaysGerman:
        def __call__(self, text: str, served: tuple[str, ...]) -> Guess:
            return Guess("de", 0.99, "de" in served)

    d = build_dialogue(None, now=lambda: NOW, understand=keyword_understand, languages=("en", "de"),
                       identify=SaysGerman())
    d.on_final("five five oh one eight")
    d.on_final("one two oh nine four")
    assert d.state.language == "en"
    d.on_final("Mein Paket ist leider immer noch nicht angekommen")  # a sentence: the switch is real
    assert d.state.language == "de"
