"""Numbers, amounts, dates and times spoken the local way, per served language; English unchanged."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from intents import script
from intents.i18n import speaking
from intents.i18n.spoken import (
    relative_day,
    say_amount,
    say_code_end,
    say_date,
    say_days,
    say_digits,
    say_number,
    say_time,
)

FRIDAY = date(2026, 11, 27)
MONDAY_BEFORE = date(2026, 11, 23)


@pytest.mark.parametrize(("lang", "digits", "number"), [
    ("de", "eins null vier fünf zwei", "neununddreißig"),
    ("fr", "un zéro quatre cinq deux", "trente-neuf"),
    ("es", "uno cero cuatro cinco dos", "treinta y nueve"),
    ("it", "uno zero quattro cinque due", "trentanove"),
    ("ja", "いち ゼロ よん ご に", "三十九"),
])
def test_digits_one_by_one_and_numbers(lang: str, digits: str, number: str) -> None:
    assert say_digits("10452", lang) == digits
    assert say_number(39, lang) == number


@pytest.mark.parametrize(("lang", "cents", "whole", "one"), [
    ("de", "neununddreißig Euro und neunzig Cent", "zwanzig Euro", "ein Euro"),
    ("fr", "trente-neuf euros et quatre-vingt-dix centimes", "vingt euros", "un euro"),
    ("es", "treinta y nueve euros con noventa céntimos", "veinte euros", "un euro"),
    ("it", "trentanove euro e novanta centesimi", "venti euro", "un euro"),
    ("ja", "三十九ユーロ九十セント", "二十ユーロ", "一ユーロ"),
])
def test_amounts_with_currency_names(lang: str, cents: str, whole: str, one: str) -> None:
    assert say_amount(39.9, "EUR", lang) == cents
    assert say_amount(20.0, "EUR", lang) == whole  # no "and zero cents"
    assert say_amount(1.0, "EUR", lang) == one


def test_pounds_and_unknown_currencies_are_named() -> None:
    assert say_amount(12.5, "GBP", "de") == "zwölf Pfund und fünfzig Pence"
    assert "zwölf" in say_amount(12, "JPY", "de") and "Yen" in say_amount(12, "JPY", "de")


@pytest.mark.parametrize(("lang", "spoken"), [
    ("de", "Freitag, den siebenundzwanzigsten November"),
    ("fr", "le vendredi vingt-sept novembre"),
    ("es", "el viernes veintisiete de noviembre"),
    ("it", "venerdì ventisette novembre"),
    ("ja", "11月27日、金曜日"),
])
def test_dates(lang: str, spoken: str) -> None:
    assert say_date(FRIDAY, MONDAY_BEFORE, lang) == spoken


def test_first_of_the_month_and_another_year() -> None:
    assert say_date(date(2027, 1, 1), FRIDAY, "fr") == "le vendredi premier janvier deux mille vingt-sept"
    assert say_date(date(2026, 12, 1), FRIDAY, "de") == "Dienstag, den ersten Dezember"
    assert say_date(date(2027, 1, 1), FRIDAY, "ja").startswith("2027年1月1日")


@pytest.mark.parametrize(("lang", "words"), [
    ("de", ("gestern", "heute", "morgen")),
    ("fr", ("hier", "aujourd'hui", "demain")),
    ("es", ("ayer", "hoy", "mañana")),
    ("it", ("ieri", "oggi", "domani")),
    ("ja", ("昨日", "今日", "明日")),
    ("en", ("yesterday", "today", "tomorrow")),
])
def test_relative_days(lang: str, words: tuple[str, str, str]) -> None:
    for offset, word in zip((-1, 0, 1), words, strict=True):
        day = date.fromordinal(FRIDAY.toordinal() + offset)
        assert say_date(day, FRIDAY, lang) == word
        assert relative_day(day, FRIDAY, lang) == word
    assert relative_day(date(2026, 12, 25), FRIDAY, lang) is None


@pytest.mark.parametrize(("lang", "afternoon", "morning"), [
    ("de", "fünfzehn Uhr dreißig", "neun Uhr"),
    ("fr", "quinze heures trente", "neuf heures"),
    ("es", "las tres y treinta de la tarde", "las nueve de la mañana"),
    ("it", "le quindici e trenta", "le nove"),
    ("ja", "午後三時三十分", "午前九時"),
])
def test_times(lang: str, afternoon: str, morning: str) -> None:
    assert say_time(datetime(2026, 11, 27, 15, 30), lang) == afternoon
    assert say_time(datetime(2026, 11, 27, 9, 0), lang) == morning


def test_days_and_codes() -> None:
    assert say_days(14, "de") == "vierzehn Tage" and say_days(1, "de") == "ein Tag"
    assert say_days(14, "fr") == "quatorze jours" and say_days(14, "ja") == "十四日間"
    with speaking("de"):
        assert say_code_end("ES123890") == "mit der Endung drei acht neun null"  # the catalogue's phrase


def test_english_is_the_existing_script_and_the_scope_picks_the_language() -> None:
    assert say_amount(39.9, "EUR", "en") == script.say_amount(39.9, "EUR")
    assert say_date(FRIDAY, MONDAY_BEFORE, "en") == script.say_date(FRIDAY, MONDAY_BEFORE)
    assert say_digits("10452") == "one oh four five two"  # outside any scope: English
    with speaking("it"):
        assert say_digits("10") == "uno zero"
