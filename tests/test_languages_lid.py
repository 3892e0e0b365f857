"""Text language identification (intents.languages.identify_text)."""

from __future__ import annotations

import pytest

from intents.languages import LanguageGuess, identify_text

SERVED = ("en", "de", "fr", "es", "it", "ja")


@pytest.mark.parametrize(("text", "language"), [
    ("Ich warte seit zwei Wochen auf mein Paket, wo bleibt es denn?", "de"),
    ("Bonjour, je n'ai toujours pas reçu ma commande, pouvez-vous vérifier ?", "fr"),
    ("Hola, todavía no me ha llegado el pedido, ¿me puede ayudar?", "es"),
    ("Buongiorno, il mio pacco non è ancora arrivato, può controllare?", "it"),
    ("荷物がまだ届いていないので確認してください", "ja"),
    ("Hello, my parcel still hasn't arrived, can you check please?", "en"),
])
def test_a_sentence_in_a_served_language_is_identified_with_confidence(text, language):
    guess = identify_text(text, SERVED)
    assert guess == LanguageGuess(language, guess.confidence, True)
    assert guess.confidence >= 0.6


@pytest.mark.parametrize(("text", "language"), [
    ("Dzień dobry, moja paczka jeszcze nie dotarła, czy może pan sprawdzić?", "pl"),
    ("Goedemiddag, mijn pakket is nog steeds niet aangekomen, kunt u kijken?", "nl"),
    ("Merhaba, siparişim hâlâ gelmedi, kontrol edebilir misiniz?", "tr"),
])
def test_an_unserved_language_is_recognised_and_marked_unserved(text, language):
    guess = identify_text(text, SERVED)
    assert (guess.language, guess.served) == (language, False)
    assert guess.confidence >= 0.6


def test_served_follows_the_line_s_languages():
    text = "Bonjour, je n'ai toujours pas reçu ma commande, pouvez-vous vérifier ?"
    assert identify_text(text, ("en", "de")).served is False
    assert identify_text(text, ("en", "fr")).served is True


@pytest.mark.parametrize("text", ["10452", "ok", "Maria Garcia", "no", "sí vale", "4 7 1 1 9", "hmm"])
def test_short_or_ambiguous_text_is_never_a_confident_identification(text):
    assert identify_text(text, SERVED).confidence < 0.5


def test_nothing_to_go_on_gives_the_default_language():
    assert identify_text("12345 !!", ("de", "en")) == LanguageGuess("de", 0.0, True)


def test_kana_is_japanese_even_when_short():
    guess = identify_text("はい", SERVED)
    assert guess.language == "ja" and guess.confidence >= 0.6


def test_warm_up_loads_everything_once():
    from intents.languages import warm_up
    from intents.languages.gloss import load_glossary
    from intents.languages.identify import _identifier

    warm_up(("de", "ja"))
    assert _identifier.cache_info().currsize == 1
    assert load_glossary.cache_info().currsize >= 2
