"""Emails, postcodes and phone numbers dictated in each served language."""

from __future__ import annotations

import pytest

from intents.nlu import understand
from intents.types import Intent


@pytest.mark.parametrize(("text", "language", "email"), [
    ("meine E-Mail ist anna punkt schmidt klammeraffe gmx punkt de", "de", "anna.schmidt@gmx.de"),
    ("max unterstrich meier at web punkt de", "de", "max_meier@web.de"),
    ("c'est marie point dupont arobase orange point fr", "fr", "marie.dupont@orange.fr"),
    ("julie tiret blanc at yahoo point fr", "fr", "julie-blanc@yahoo.fr"),
    ("mi correo es lucia punto garcia arroba gmail punto com", "es", "lucia.garcia@gmail.com"),
    ("pedro guion bajo ruiz arroba hotmail punto es", "es", "pedro_ruiz@hotmail.es"),
    ("la mia email è giulia punto rossi chiocciola libero punto it", "it", "giulia.rossi@libero.it"),
    ("marco trattino bianchi at gmail punto com", "it", "marco-bianchi@gmail.com"),
    ("メールはtanaka ドット yuki アットマーク gmail ドット comです", "ja", "tanaka.yuki@gmail.com"),
    ("Meine Adresse ist anna.schmidt@gmx.de", "de", "anna.schmidt@gmx.de"),
])
def test_spoken_emails(text, language, email):
    result = understand(text, language)
    assert result.entities.emails == (email,)
    assert result.intent is Intent.OTHER  # "Adresse" next to an email is the email's, not a move


@pytest.mark.parametrize(("text", "language", "postcode"), [
    ("Postleitzahl acht null drei drei eins", "de", "80331"),
    ("mon code postal est soixante-quinze zéro zéro un", "fr", "75001"),
    ("código postal cero ocho doble cero dos", "es", "08002"),
    ("il mio CAP è zero zero uno otto quattro", "it", "00184"),
    ("郵便番号は一五〇の〇〇〇一です", "ja", "1500001"),
])
def test_postcodes(text, language, postcode):
    assert postcode in understand(text, language).entities.postcodes


@pytest.mark.parametrize(("text", "language", "phone"), [
    ("meine Telefonnummer ist null eins fünf eins eins zwei drei vier fünf sechs sieben", "de",
     "01511234567"),
    ("mon numéro de téléphone c'est zéro six douze trente-quatre cinquante-six soixante-dix-huit", "fr",
     "0612345678"),
    ("mi teléfono es seis uno dos tres cuatro cinco seis siete ocho", "es", "612345678"),
    ("il mio numero di telefono è tre tre tre uno due tre quattro cinque sei sette", "it", "3331234567"),
    ("電話番号は090の1234の5678です", "ja", "09012345678"),
])
def test_phone_numbers(text, language, phone):
    assert understand(text, language).entities.phones == (phone,)


def test_a_seven_digit_postcode_is_japanese_only():
    assert understand("postcode 1 5 0 0 0 0 1").entities.postcodes == ()
    assert understand("郵便番号は1500001です", "ja").entities.postcodes == ("1500001",)


@pytest.mark.parametrize(("text", "language", "email"), [
    ("jana punkt mueller klammeraffe gmx punkt de", "de", "jana.mueller@gmx.de"),
    ("jana punkt müller klammeraffe gmx punkt de", "de", "jana.mueller@gmx.de"),
    ("andré point dupont arobase free point fr", "fr", "andre.dupont@free.fr"),
])
def test_the_words_of_a_spoken_email_are_spelled_as_addresses_are(text, language, email):
    # the glossary's folding would write "muller" for both; addresses write umlauts as "ue"
    assert understand(text, language).entities.emails == (email,)
