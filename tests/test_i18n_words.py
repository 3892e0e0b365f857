"""The policy's in-context readings (remedy picked, callback asked, dispute, anger) in every served
language, and none of them fired by ordinary English."""

from __future__ import annotations

from pathlib import Path

import pytest

from intents.policy.common import choice
from intents.policy.repair import is_angry
from intents.policy.words import CALLBACK, DISPUTE

BOTH = ("reship", "refund")


@pytest.mark.parametrize(("text", "picked"), [
    ("Lieber einen Ersatz, bitte.", "reship"), ("Ich möchte mein Geld zurück.", "refund"),
    ("Je préfère un remboursement.", "refund"), ("Un remplacement, s'il vous plaît.", "reship"),
    ("Quiero un reembolso.", "refund"), ("Mejor un reemplazo.", "reship"),
    ("Vorrei il rimborso.", "refund"), ("Preferisco la sostituzione.", "reship"),
    ("返金をお願いします", "refund"), ("交換してください", "reship"),
    ("a refund please", "refund"), ("send me a replacement", "reship"),
])
def test_the_picked_remedy_is_read_in_every_served_language(text: str, picked: str) -> None:
    assert choice(text, BOTH) == picked


@pytest.mark.parametrize("text", [
    "Können Sie mich zurückrufen?", "Pouvez-vous me rappeler ?", "¿Me puede devolver la llamada?",
    "Potete richiamarmi domani?", "折り返し電話してください",
])
def test_callback_requests(text: str) -> None:
    assert CALLBACK.search(text)


@pytest.mark.parametrize("text", [
    "Das ist nicht fair!", "C'est injuste.", "No es justo.", "Non è giusto.", "納得できない",
])
def test_disputes(text: str) -> None:
    assert DISPUTE.search(text)


@pytest.mark.parametrize("text", ["Ich bin wirklich wütend.", "Je suis en colère.", "Estoy muy enfadado.",
                                  "Sono arrabbiato.", "本当にひどい"])
def test_anger(text: str) -> None:
    assert is_angry(text)


@pytest.mark.parametrize("text", [
    "Where is my parcel?", "My order number is 10452.", "Yes, that's right.", "The postcode is SW1A 1AA.",
    "I'd like to return the shoes.", "My email is sophie.martin@example.com",
])
def test_ordinary_english_fires_nothing(text: str) -> None:
    assert choice(text, BOTH) is None and not is_angry(text)
    assert not CALLBACK.search(text) and not DISPUTE.search(text)


@pytest.mark.parametrize(("text", "zone"), [
    ("Ich bin in Wien", "Europe/Vienna"), ("je suis en Allemagne", "Europe/Berlin"),
    ("Vivo en Nueva York", "America/New_York"), ("Sono a Milano", "Europe/Rome"),
    ("東京にいます", "Asia/Tokyo"), ("Ich wohne in München", "Europe/Berlin"),
    ("I'm in San Francisco", "America/Los_Angeles"),
])
def test_callback_places_in_every_served_language(text: str, zone: str) -> None:
    from intents.policy.callback import zone_of_text

    assert zone_of_text(text) == zone


def test_ordinary_words_are_no_places() -> None:
    from intents.policy.callback import zone_of_text

    for text in ("no idea", "I live in a nice place", "keine Ahnung", "je ne sais pas", "non lo so"):
        assert zone_of_text(text) is None, text


@pytest.mark.parametrize(("said", "address"), [
    ("Die neue Adresse ist Hauptstraße 5, 10115 Berlin.", "Hauptstraße 5, 10115 Berlin"),
    ("La nouvelle adresse est 3 rue de la Paix, 75002 Paris", "3 rue de la Paix, 75002 Paris"),
    ("Mi nueva dirección es Calle Mayor 1, 28013 Madrid", "Calle Mayor 1, 28013 Madrid"),
    ("Il nuovo indirizzo è Via Roma 1, 00184 Roma", "Via Roma 1, 00184 Roma"),
    ("新しい住所は東京都港区1-2-3、105-0011です。", "東京都港区1-2-3、105-0011"),
    ("It's 12 Main Street, SW1A 1AA.", "12 Main Street, SW1A 1AA"),
])
def test_address_lead_ins_are_dropped_in_every_served_language(said: str, address: str) -> None:
    from intents.policy.orders import address_heard

    assert address_heard(said) == address


def test_fixed_phrases_per_language() -> None:
    from intents.policy.config import DialogueConfig
    from intents.policy.decide import fixed_phrases

    english = fixed_phrases(DialogueConfig())
    german = fixed_phrases(DialogueConfig(), "de")
    assert english[0].startswith("Hi, this is") and german[0].startswith("Guten Tag, hier ist")
    assert "Wie lautet Ihre Bestellnummer?" in german and "What's your order number?" in english
    assert len(english) == len(german)


def _score(name: str) -> tuple[int, int]:
    import yaml

    path = Path(__file__).parent / "i18n_data" / f"remedy_words_{name}.yaml"
    data = yaml.safe_load(path.read_text("utf-8"))
    said = [(kind, text) for kind, langs in data.items() for texts in langs.values() for text in texts]
    return sum(choice(text, BOTH) == kind for kind, text in said), len(said)


def test_remedy_words_generalize_to_phrasings_not_used_for_tuning() -> None:
    """Dev set (used to tune): 49/50 when written; held-out (never tuned on): 33/40 when written.
    The floors guard against regressions; a wrong pick is never made on an English sentence."""
    dev_ok, dev_n = _score("dev")
    held_ok, held_n = _score("heldout")
    assert dev_ok / dev_n >= 0.9 and held_ok / held_n >= 0.75, (dev_ok, dev_n, held_ok, held_n)
