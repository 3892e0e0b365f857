"""Yes / no and backchannels per language (intents.languages.yes_no, is_backchannel)."""

from __future__ import annotations

import pytest

from intents.languages import is_backchannel, yes_no
from intents.languages.gloss import gloss
from intents.nlu import understand
from intents.policy.words import RESHIP, has
from intents.types import Intent

YES = [("ja", "de"), ("Ja, genau.", "de"), ("stimmt", "de"), ("Oui, d'accord.", "fr"), ("d'accord", "fr"),
       ("sí, vale", "es"), ("claro", "es"), ("sì, va bene", "it"), ("certo", "it"), ("はい、そうです", "ja"),
       ("ええ", "ja")]
NO = [("nein", "de"), ("Nein, das stimmt nicht.", "de"), ("non", "fr"), ("Non, pas du tout.", "fr"),
      ("no", "es"), ("No, gracias.", "es"), ("no", "it"), ("No, grazie.", "it"), ("いいえ", "ja"),
      ("違います", "ja")]


@pytest.mark.parametrize(("text", "language"), YES)
def test_yes(text, language):
    assert yes_no(text, language) is True
    assert understand(text, language).intent is Intent.AFFIRM


@pytest.mark.parametrize(("text", "language"), NO)
def test_no(text, language):
    assert yes_no(text, language) is False
    assert understand(text, language).intent is Intent.DENY


@pytest.mark.parametrize(("text", "language"), [("Wo ist mein Paket?", "de"), ("Je voudrais annuler", "fr"),
                                                 ("荷物はどこですか", "ja")])
def test_neither_yes_nor_no(text, language):
    assert yes_no(text, language) is None


@pytest.mark.parametrize(("text", "language"), [
    ("ja", "de"), ("ja genau", "de"), ("mhm", "de"), ("aha", "de"), ("d'accord", "fr"), ("oui oui", "fr"),
    ("vale", "es"), ("ya, claro", "es"), ("sì", "it"), ("certo", "it"), ("はい", "ja"), ("うんうん", "ja"),
    ("なるほど", "ja"), ("okay", "de"), ("mm hmm", "fr"),
])
def test_backchannels(text, language):
    assert is_backchannel(text, language)


@pytest.mark.parametrize(("text", "language"), [
    ("ja, aber wo ist mein Paket?", "de"), ("nein", "de"), ("oui mais je veux annuler", "fr"),
    ("no", "es"), ("sì, voglio il rimborso", "it"), ("はい、でも返品したいです", "ja"), ("", "de"),
])
def test_not_backchannels(text, language):
    assert not is_backchannel(text, language)


@pytest.mark.parametrize(("text", "language", "answer"), [
    ("C'est bien ça.", "fr", True), ("Das passt so.", "de", True), ("Das ist falsch.", "de", False),
])
def test_without_an_opening_yes_or_no_the_understanding_decides(text, language, answer):
    assert yes_no(text, language) is answer


# Japanese declines a proposal without いいえ: やめる in any ending, 遠慮, and "いいです" after やっぱり/もう
# (which would otherwise read as "fine", a yes that moves money).
@pytest.mark.parametrize("text", ["やっぱりやめておきます。", "やめときます", "遠慮しておきます",
                                  "やっぱりいいです", "もういいです。", "今回はやめます"])
def test_japanese_declines_are_no(text):
    assert understand(text, "ja").intent is Intent.DENY
    assert yes_no(text, "ja") is not True


@pytest.mark.parametrize(("text", "language"), [
    ("Genial, gracias. Eso era todo.", "es"), ("Super, merci, c'était tout.", "fr"),
    ("Ce serait tout, merci.", "fr"), ("Ottimo, grazie, era tutto.", "it"), ("Basta così, grazie.", "it"),
])
def test_thats_all_in_any_tense_closes(text, language):
    assert understand(text, language).intent is Intent.GOODBYE


@pytest.mark.parametrize(("text", "language"), [
    ("Mah, no, ci ho ripensato, lo tengo.", "it"), ("Beh, no, grazie.", "it"), ("No, me lo quedo.", "es"),
    ("Non, je le garde finalement.", "fr"),
])
def test_declines_after_an_interjection_or_keeping_the_item_are_no(text, language):
    assert understand(text, language).intent is Intent.DENY


@pytest.mark.parametrize("text", ["Je préfère qu'on m'en renvoie une autre.", "Renvoyez-m'en une autre.",
                                  "Renvoyez-moi un nouveau, s'il vous plaît."])
def test_renvoyer_another_one_is_a_replacement_not_a_return(text):
    assert understand(text, "fr").intent is not Intent.RETURN_REQUEST
    assert has(RESHIP, text)


def test_renvoyer_alone_is_still_a_return():
    assert understand("Je veux renvoyer le colis, il ne me plaît pas.", "fr").intent is Intent.RETURN_REQUEST


# A yes word + "que/che no" is an emphatic no: read as a yes, it would move money.
@pytest.mark.parametrize(("text", "language"), [
    ("Claro que no.", "es"), ("¡Por supuesto que no!", "es"), ("Certo che no.", "it"),
    ("Assolutamente no.", "it"), ("Bien sûr que non.", "fr"), ("Certainement pas.", "fr"),
])
def test_emphatic_no_after_a_yes_word_is_no(text, language):
    assert understand(text, language).intent is Intent.DENY
    assert yes_no(text, language) is False


@pytest.mark.parametrize(("text", "language"), [
    ("Faites-le.", "fr"), ("Je veux bien.", "fr"), ("Hágalo.", "es"), ("Me parece bien.", "es"),
    ("Va benissimo.", "it"), ("それでお願いします。", "ja"), ("よろしくお願いします。", "ja"),
])
def test_yes_without_a_yes_word(text, language):
    assert understand(text, language).intent is Intent.AFFIRM


def test_kana_inside_a_word_is_not_a_digit():
    assert understand("よろしくお願いします", "ja").entities.digits == ""
    assert "again" in gloss("もう一度送ってください", "ja").split()
