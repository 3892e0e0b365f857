"""Backchannels in the served languages do not take the floor; a real word in any of them does."""

from __future__ import annotations

import pytest

from pipeline import interruption as ic
from pipeline.backchannels import is_backchannel


@pytest.mark.parametrize("text", [
    "Ja, genau.", "ja ja", "Alles klar, danke.", "Ähm", "D'accord.", "d’accord", "Oui, bien sûr.",
    "Euh...", "Vale, vale.", "Sí, claro.", "Ajá.", "Sì.", "Va bene, grazie.", "Ehm", "はい。",
    "はい、そうですね。", "うん", "なるほど", "はい、お願いします。", "ええ、わかりました。", "嗯，好的。",
    "Uh-huh.", "(coughing)",
])
def test_backchannels_of_every_served_language_take_no_floor(text: str) -> None:
    assert is_backchannel(text)
    assert ic.real_words(text) == []


@pytest.mark.parametrize("text, words", [
    ("Nein, die Bestellung ist falsch.", 5), ("Ja, aber ich will eine Erstattung.", 5),
    ("Non, attendez.", 2), ("D'accord, mais le colis est abîmé.", 5), ("No, espere.", 2),
    ("Sí, pero quiero un reembolso.", 4), ("Aspetti.", 1), ("No.", 1), ("Nein.", 1),
    ("ちょっと待ってください。", 1), ("はい、注文番号は10452です。", 1), ("いいえ", 1),
])
def test_a_real_word_in_any_language_takes_the_floor(text: str, words: int) -> None:
    assert len(ic.real_words(text)) == words
    assert not is_backchannel(text)
