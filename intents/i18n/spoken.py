"""Numbers, amounts, dates, times and codes spoken the local way, in any served language.

Every function takes an optional ``language`` (default: the current :func:`intents.i18n.speaking`
scope). English is :mod:`intents.script`, unchanged; other languages use ``num2words`` for numbers
and ``babel`` for weekday, month and currency names, so that the text-to-speech voice never has to
guess how to read "10452", "39.90 EUR" or "2026-11-28". Pure.
"""

from __future__ import annotations

from datetime import date, datetime

from babel.core import UnknownLocaleError
from babel.dates import format_date, get_day_names, get_month_names
from babel.numbers import get_currency_name
from num2words import num2words

from intents import script as en
from intents.i18n import current_language, t

# The digits of a code read one by one, as said on the phone in each language (English says them
# through intents.script, "oh" for zero; its entry is for readers of transcripts).
DIGIT_WORDS: dict[str, tuple[str, ...]] = {
    "en": ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"),
    "de": ("null", "eins", "zwei", "drei", "vier", "fünf", "sechs", "sieben", "acht", "neun"),
    "fr": ("zéro", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf"),
    "es": ("cero", "uno", "dos", "tres", "cuatro", "cinco", "seis", "siete", "ocho", "nueve"),
    "it": ("zero", "uno", "due", "tre", "quattro", "cinque", "sei", "sette", "otto", "nove"),
    "ja": ("ゼロ", "いち", "に", "さん", "よん", "ご", "ろく", "なな", "はち", "きゅう"),
    "pt": ("zero", "um", "dois", "três", "quatro", "cinco", "seis", "sete", "oito", "nove"),
    "nl": ("nul", "een", "twee", "drie", "vier", "vijf", "zes", "zeven", "acht", "negen"),
    "pl": ("zero", "jeden", "dwa", "trzy", "cztery", "pięć", "sześć", "siedem", "osiem", "dziewięć"),
}
# yesterday, today, tomorrow
_RELATIVE = {
    "de": ("gestern", "heute", "morgen"),
    "fr": ("hier", "aujourd'hui", "demain"),
    "es": ("ayer", "hoy", "mañana"),
    "it": ("ieri", "oggi", "domani"),
    "ja": ("昨日", "今日", "明日"),
    "pt": ("ontem", "hoje", "amanhã"),
    "nl": ("gisteren", "vandaag", "morgen"),
}
# day, days
_DAYS = {
    "de": ("Tag", "Tage"), "fr": ("jour", "jours"), "es": ("día", "días"), "it": ("giorno", "giorni"),
    "pt": ("dia", "dias"), "nl": ("dag", "dagen"),
}
# Japanese minor units (num2words has no Japanese currencies)
_JA_MINOR = {"EUR": "セント", "USD": "セント", "GBP": "ペンス", "CHF": "サンチーム"}
_AND_WORDS = frozenset({"und", "et", "con", "e", "y", "and", "en", "i"})


def _lang(language: str | None) -> str:
    return language or current_language()


def say_number(n: int, language: str | None = None) -> str:
    """A whole number in words: ``39`` -> "neununddreißig" (de), "trente-neuf" (fr)."""
    lang = _lang(language)
    if lang == "en":
        return en.say_number(n)
    try:
        return str(num2words(n, lang=lang))
    except (NotImplementedError, OverflowError):
        return str(n)


def say_digits(code: str, language: str | None = None) -> str:
    """Digits one by one: ``"10452"`` -> "eins null vier fünf zwei" (de)."""
    lang = _lang(language)
    if lang == "en":
        return en.say_digits(code)
    names = DIGIT_WORDS.get(lang)
    if names is None:
        return " ".join(say_number(int(c), lang) for c in code if c.isdigit())
    return " ".join(names[int(c)] for c in code if c.isdigit())


def say_code(code: str, language: str | None = None) -> str:
    """A code letter by letter, digits as words: ``"YT24"`` -> "Y T zwei vier" (de)."""
    lang = _lang(language)
    if lang == "en":
        return en.say_code(code)
    return " ".join(say_digits(c, lang) if c.isdigit() else c for c in code.upper() if c.isalnum())


def say_code_end(code: str, n: int = 4, language: str | None = None) -> str:
    """The last ``n`` characters of a long code: "ending in eight nine oh" / "mit der Endung ..."."""
    lang = _lang(language)
    if lang == "en":
        return en.say_code_end(code, n)
    return t("ending in {code}", code=say_code(code[-n:], lang))


def _currency_name(currency: str, count: int, lang: str) -> str:
    try:
        return str(get_currency_name(currency.upper(), count=count, locale=lang))
    except (UnknownLocaleError, ValueError):
        return currency.upper()


def say_amount(amount: float, currency: str, language: str | None = None) -> str:
    """Money as spoken: ``(39.9, "EUR")`` -> "neununddreißig Euro und neunzig Cent" (de)."""
    lang = _lang(language)
    if lang == "en":
        return en.say_amount(amount, currency)
    major, minor = divmod(round(amount * 100), 100)
    if lang == "ja":
        text = f"{say_number(major, lang)}{_currency_name(currency, major, lang)}"
        unit = _JA_MINOR.get(currency.upper())
        return text + (f"{say_number(minor, lang)}{unit}" if minor and unit else "")
    try:
        text = str(num2words(major + minor / 100, lang=lang, to="currency", currency=currency.upper()))
    except (NotImplementedError, KeyError, ValueError):
        text = f"{say_number(major, lang)} {_currency_name(currency, major, lang)}"
        return text + (f" {say_number(minor, lang)}" if minor else "")
    if minor == 0:  # num2words says "und null Cent": cut the zero minor part and its "and"
        zero = say_number(0, lang)
        cut = text.rfind(f" {zero} ")
        if cut > 0:
            words = text[:cut].rstrip(",").split()
            if len(words) > 2 and words[-1] in _AND_WORDS:
                words = words[:-1]
            text = " ".join(words).rstrip(",")
    return text


def say_days(n: int, language: str | None = None) -> str:
    """A count of days: "vierzehn Tage" (de), "十四日間" (ja)."""
    lang = _lang(language)
    if lang == "en":
        return en.say_days(n)
    if lang == "ja":
        return f"{say_number(n, lang)}日間"
    one, many = _DAYS.get(lang, ("", ""))
    if not one:
        return say_number(n, lang)
    if n == 1 and lang == "de":
        return "ein Tag"
    return f"{say_number(n, lang)} {one if n == 1 else many}"


def relative_day(day: date | datetime, today: date | None, language: str | None = None) -> str | None:
    """"today", "tomorrow" or "yesterday" in the language when ``day`` is one of them, else None."""
    if today is None:
        return None
    d = day.date() if isinstance(day, datetime) else day
    delta = (d - today).days
    if delta not in (-1, 0, 1):
        return None
    lang = _lang(language)
    if lang == "en":
        return ("yesterday", "today", "tomorrow")[delta + 1]
    words = _RELATIVE.get(lang)
    return words[delta + 1] if words else None


def _ordinal_day(n: int, lang: str) -> str:
    if lang == "de":
        return str(num2words(n, lang="de", to="ordinal")) + "n"  # "den achtundzwanzigsten"
    if lang == "fr" and n == 1:
        return "premier"
    if lang == "it" and n == 1:
        return "primo"
    return say_number(n, lang)


def say_year(year: int, language: str | None = None) -> str:
    lang = _lang(language)
    if lang == "en":
        return en.say_year(year)
    if lang == "ja":
        return f"{year}年"
    try:
        return str(num2words(year, lang=lang, to="year"))
    except (NotImplementedError, TypeError):
        return say_number(year, lang)


def say_date(day: date | datetime, today: date | None = None, language: str | None = None) -> str:
    """A date as spoken: "Freitag, den achtundzwanzigsten November" (de), "le vendredi vingt-huit
    novembre" (fr), "el viernes veintiocho de noviembre" (es), "venerdì ventotto novembre" (it),
    "11月28日、金曜日" (ja); "heute"/"morgen"/"gestern" nearby; the year when it is not this one."""
    lang = _lang(language)
    if lang == "en":
        return en.say_date(day, today)
    d = day.date() if isinstance(day, datetime) else day
    near = relative_day(d, today, lang)
    if near is not None:
        return near
    try:
        weekday = str(get_day_names("wide", locale=lang)[d.weekday()])
        month = str(get_month_names("wide", locale=lang)[d.month])
    except UnknownLocaleError:
        return d.isoformat()
    other_year = today is not None and d.year != today.year
    if lang == "ja":
        text = f"{d.month}月{d.day}日、{weekday}"
        return (f"{d.year}年" + text) if other_year else text
    if lang == "de":
        text = f"{weekday}, den {_ordinal_day(d.day, lang)} {month}"
    elif lang == "fr":
        text = f"le {weekday} {_ordinal_day(d.day, lang)} {month}"
    elif lang == "es":
        text = f"el {weekday} {_ordinal_day(d.day, lang)} de {month}"
    elif lang == "it":
        text = f"{weekday} {_ordinal_day(d.day, lang)} {month}"
    else:
        return str(format_date(d, format="full" if other_year else "EEEE d MMMM", locale=lang))
    if other_year:
        text += (" de " if lang == "es" else " ") + say_year(d.year, lang)
    return text


def say_time(moment: datetime, language: str | None = None) -> str:
    """A clock time: "fünfzehn Uhr dreißig" (de), "quinze heures" (fr), "las tres de la tarde" (es),
    "le quindici e trenta" (it), "午後三時三十分" (ja)."""
    lang = _lang(language)
    if lang == "en":
        return en.say_time(moment)
    h, m = moment.hour, moment.minute
    num = say_number
    if lang == "de":
        return f"{'ein' if h == 1 else num(h, lang)} Uhr" + (f" {num(m, lang)}" if m else "")
    if lang == "fr":
        if m == 0 and h in (0, 12):
            return "minuit" if h == 0 else "midi"
        hours = "une heure" if h == 1 else f"{num(h, lang)} heures"
        return hours + (f" {num(m, lang)}" if m else "")
    if lang == "es":
        h12 = h % 12 or 12
        head = "la una" if h12 == 1 else f"las {num(h12, lang)}"
        part = "de la mañana" if h < 12 else ("de la tarde" if h < 20 else "de la noche")
        if h == 12 and m == 0:
            return "las doce del mediodía"
        return head + (f" y {num(m, lang)}" if m else "") + f" {part}"
    if lang == "it":
        if m == 0 and h in (0, 12):
            return "mezzanotte" if h == 0 else "mezzogiorno"
        head = "l'una" if h == 1 else f"le {num(h, lang)}"
        return head + (f" e {num(m, lang)}" if m else "")
    if lang == "ja":
        half = "午前" if h < 12 else "午後"
        return f"{half}{num(h % 12 or 12, lang)}時" + (f"{num(m, lang)}分" if m else "")
    return f"{h:02d}:{m:02d}"


def say_place(location: str) -> str:
    """A tracking location for speech: drops a trailing country code (the same in every language)."""
    return en.say_place(location)
