"""Spoken phrasing: numbers, dates, times, amounts and codes written the way a person says them.

Everything here is pure and returns plain words, so the text-to-speech voice never has to guess how
to read "10452", "39.90 EUR" or "2026-11-28".
"""

from __future__ import annotations

from datetime import date, datetime

_DIGITS = ("oh", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
_ONES = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_TENS = ["_", "_", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_ORDINAL_SPECIAL = {
    "one": "first",
    "two": "second",
    "three": "third",
    "five": "fifth",
    "eight": "eighth",
    "nine": "ninth",
    "twelve": "twelfth",
}
_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
_WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

# currency code -> (major singular, major plural, minor singular, minor plural)
_CURRENCIES = {
    "USD": ("dollar", "dollars", "cent", "cents"),
    "CAD": ("Canadian dollar", "Canadian dollars", "cent", "cents"),
    "AUD": ("Australian dollar", "Australian dollars", "cent", "cents"),
    "EUR": ("euro", "euros", "cent", "cents"),
    "GBP": ("pound", "pounds", "penny", "pence"),
    "CNY": ("yuan", "yuan", "fen", "fen"),
    "JPY": ("yen", "yen", "", ""),
    "CHF": ("Swiss franc", "Swiss francs", "centime", "centimes"),
    "SEK": ("krona", "kronor", "öre", "öre"),
    "PLN": ("zloty", "zloty", "grosz", "groszy"),
}


def say_digits(code: str) -> str:
    """Digits one by one, zero as "oh": ``"10452"`` -> ``"one oh four five two"``."""
    return " ".join(_DIGITS[int(c)] for c in code if c.isdigit())


def say_number(n: int) -> str:
    """A whole number in words: ``39`` -> ``"thirty-nine"``."""
    if n < 0:
        return "minus " + say_number(-n)
    if n < 20:
        return _ONES[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return _TENS[tens] + ("-" + _ONES[ones] if ones else "")
    if n < 1000:
        hundreds, rest = divmod(n, 100)
        return _ONES[hundreds] + " hundred" + (" " + say_number(rest) if rest else "")
    for size, name in ((10**9, "billion"), (10**6, "million"), (1000, "thousand")):
        if n >= size:
            high, rest = divmod(n, size)
            return say_number(high) + " " + name + (" " + say_number(rest) if rest else "")
    raise AssertionError("unreachable")


def say_ordinal(n: int) -> str:
    """An ordinal in words: ``28`` -> ``"twenty-eighth"``, ``1`` -> ``"first"``."""
    words = say_number(n)
    head, sep, last = words.rpartition("-") if "-" in words else words.rpartition(" ")
    if last in _ORDINAL_SPECIAL:
        last = _ORDINAL_SPECIAL[last]
    elif last.endswith("y"):
        last = last[:-1] + "ieth"
    else:
        last = last + "th"
    return head + sep + last


def say_amount(amount: float, currency: str) -> str:
    """Money as spoken: ``(39.9, "EUR")`` -> ``"thirty-nine euros and ninety cents"``."""
    cents_total = round(amount * 100)
    major, minor = divmod(cents_total, 100)
    names = _CURRENCIES.get(currency.upper())
    if names is None:
        unit = " ".join(currency.upper())
        text = say_number(major) + " " + unit
        return text + (f" and {say_number(minor)} hundredths" if minor else "")
    one, many, minor_one, minor_many = names
    text = f"{say_number(major)} {one if major == 1 else many}"
    if minor and minor_one:
        text += f" and {say_number(minor)} {minor_one if minor == 1 else minor_many}"
    return text


def say_date(day: date | datetime, today: date | None = None) -> str:
    """A date as spoken: ``"Friday, November the twenty-eighth"``; "today"/"yesterday"/"tomorrow" nearby."""
    d = day.date() if isinstance(day, datetime) else day
    if today is not None:
        delta = (d - today).days
        if delta == 0:
            return "today"
        if delta == 1:
            return "tomorrow"
        if delta == -1:
            return "yesterday"
    text = f"{_WEEKDAYS[d.weekday()]}, {_MONTHS[d.month - 1]} the {say_ordinal(d.day)}"
    if today is not None and d.year != today.year:
        text += f", {say_year(d.year)}"
    return text


def say_year(year: int) -> str:
    """A year as spoken: ``2026`` -> ``"twenty twenty-six"``."""
    if 2000 <= year < 2010:
        return say_number(year)
    high, low = divmod(year, 100)
    return f"{say_number(high)} {say_number(low) if low >= 10 else 'oh ' + say_number(low)}"


def say_time(moment: datetime) -> str:
    """A clock time: ``15:00`` -> ``"three p m"``, ``09:30`` -> ``"nine thirty a m"``, noon, midnight."""
    h, m = moment.hour, moment.minute
    if m == 0 and h == 12:
        return "noon"
    if m == 0 and h == 0:
        return "midnight"
    suffix = "a m" if h < 12 else "p m"
    h12 = h % 12 or 12
    if m == 0:
        minutes = ""
    elif m < 10:
        minutes = " oh " + say_number(m)
    else:
        minutes = " " + say_number(m)
    return f"{say_number(h12)}{minutes} {suffix}"


def say_code(code: str) -> str:
    """A code letter by letter, digits as words: ``"YT24"`` -> ``"Y T two four"``."""
    parts = []
    for c in code.upper():
        if c.isdigit():
            parts.append(_DIGITS[int(c)])
        elif c.isalpha():
            parts.append(c)
    return " ".join(parts)


def say_code_end(code: str, n: int = 4) -> str:
    """The last ``n`` characters of a long code: ``"ending in eight nine oh"``."""
    return "ending in " + say_code(code[-n:])


def say_days(n: int) -> str:
    """A count of days: ``1`` -> ``"one day"``, ``14`` -> ``"fourteen days"``."""
    return f"{say_number(n)} day" + ("" if n == 1 else "s")


def say_place(location: str) -> str:
    """A tracking location for speech: drops a trailing country code ("Madrid, ES" -> "Madrid")."""
    parts = [p.strip() for p in location.split(",") if p.strip()]
    if len(parts) > 1 and len(parts[-1]) == 2 and parts[-1].isupper():
        parts = parts[:-1]
    return ", ".join(parts)


def sentence(text: str) -> str:
    """Capitalise the first letter and end with punctuation."""
    text = text.strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text[-1] in ".?!" else text + "."
