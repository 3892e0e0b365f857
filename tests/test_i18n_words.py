"""The policy's in-context readings (remedy picked, callback asked, dispute, anger) in every served
language, and none of them fired by ordinary English."""

from __future__ import annotations

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
