"""Numbers said the local way (intents.languages.numbers), through understand(text, language)."""

from __future__ import annotations

import pytest
from num2words import num2words

from intents.languages.normalise import fold
from intents.languages.numbers import japanese_numerals, number_table, words_to_numerals
from intents.nlu import understand


@pytest.mark.parametrize("language", ["de", "fr", "es", "it"])
def test_every_number_below_a_thousand_reads_back(language):
    table = number_table(language)
    zero = fold(num2words(0, lang=language), language)
    for n in range(1000):
        words = fold(num2words(n, lang=language), language).replace("-", " ").split()
        # after another digit, as dictated: a lone "uno" or "un" may be an article
        assert words_to_numerals([zero, *words], language) == ["0", str(n)], (n, words)
        assert tuple(words) in table


@pytest.mark.parametrize(("text", "language", "order_id"), [
    ("Meine Bestellnummer ist eins null vier fünf zwei", "de", "10452"),
    ("Bestellnummer dreiundfünfzig einhundertachtzehn", "de", "53118"),
    ("numéro de commande quatre-vingt-dix-sept zéro quatre un", "fr", "97041"),
    ("numéro de commande quatre vingt dix sept zéro quatre un", "fr", "97041"),
    ("mi número de pedido es doble cinco cero uno ocho", "es", "55018"),
    ("número de pedido veintitrés cuatrocientos once", "es", "23411"),
    ("il numero d'ordine è doppio cinque zero uno otto", "it", "55018"),
    ("numero d'ordine centodiciotto cinquantatré", "it", "11853"),
    ("Bestellnummer zehntausendvierhundertzweiundfünfzig", "de", "10452"),
    ("mi pedido es el diez mil cuatrocientos cincuenta y dos", "es", "10452"),
    ("commande quarante-sept mille cent dix-neuf", "fr", "47119"),
    ("ordine diecimilaquattrocentocinquantadue", "it", "10452"),
    ("注文番号は一〇四五二です", "ja", "10452"),
    ("注文番号はよんななイチイチきゅうです", "ja", "47119"),
    ("注文番号は五万三千百十八です", "ja", "53118"),
])
def test_order_numbers_said_the_local_way(text, language, order_id):
    assert understand(text, language).entities.order_ids == (order_id,)


@pytest.mark.parametrize(("text", "language"), [
    ("Ich habe ein Paket bestellt", "de"),
    ("J'ai un colis", "fr"),
    ("Tengo una pregunta", "es"),
    ("Sei sicuro?", "it"),
])
def test_an_article_is_not_a_number(text, language):
    assert understand(text, language).entities.digits == ""


def test_kanji_numerals_read_positionally_or_digit_by_digit():
    assert japanese_numerals("九十七") == "97"
    assert japanese_numerals("一〇四") == "104"
    assert japanese_numerals("二千二十六年") == "2026 年"


def test_a_lone_kana_syllable_is_not_a_digit():
    # "に" (2) and "ご" (5) are also a particle and a prefix: only a run of kana digits is a number
    assert japanese_numerals("東京に行きます") == "東京に行きます"


@pytest.mark.parametrize(("text", "language"), [
    ("Il CAP è mille.", "it"),
    ("Le code postal, c'est mille.", "fr"),
    ("Código postal mil.", "es"),
    ("Die Postleitzahl ist tausend.", "de"),
])
def test_a_thousand_alone_is_a_postcode(text, language):
    assert understand(text, language).entities.postcodes == ("1000",)


@pytest.mark.parametrize(("text", "language"), [
    ("Grazie mille!", "it"),
    ("Mille mercis, madame.", "fr"),
    ("Mil gracias.", "es"),
    ("Tausend Dank!", "de"),
    ("Mi chiamo Mila.", "it"),
])
def test_a_thousand_in_an_idiom_is_not_a_number(text, language):
    assert understand(text, language).entities.digits == ""
