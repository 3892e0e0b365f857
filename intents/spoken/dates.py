"""Dates in recognised speech: "November 8th", "the eighth of November", "2026-11-08", "last Tuesday".

Spoken dates rarely carry a year, so the year is inferred from ``today``: callers talk about orders
and deliveries in the recent past or the near future, never ten months ahead.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

_MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
    "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9,
    "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}  # fmt: skip
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_UNIT_WORDS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
_UNIT_ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth")
_TEEN_WORDS = ("ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
               "eighteen", "nineteen")  # fmt: skip
_TEEN_ORDINALS = ("tenth", "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth",
                  "seventeenth", "eighteenth", "nineteenth")  # fmt: skip
# Assume a date this far ahead of today really meant last year ("December 20th", said in January).
_FUTURE_SLACK = dt.timedelta(days=60)


def _day_words() -> dict[str, int]:
    words: dict[str, int] = {}
    for i, (card, ordi) in enumerate(zip(_UNIT_WORDS, _UNIT_ORDINALS, strict=True), start=1):
        words[card], words[ordi] = i, i
        for sep in (" ", "-"):
            words[f"twenty{sep}{card}"] = words[f"twenty{sep}{ordi}"] = 20 + i
    for i, (card, ordi) in enumerate(zip(_TEEN_WORDS, _TEEN_ORDINALS, strict=True), start=10):
        words[card], words[ordi] = i, i
    words.update({"twenty": 20, "twentieth": 20, "thirty": 30, "thirtieth": 30})
    for sep in (" ", "-"):
        words[f"thirty{sep}one"] = words[f"thirty{sep}first"] = 31
    return words


_DAY_WORDS = _day_words()
_SMALL = {w: i for i, w in enumerate(_UNIT_WORDS, start=1)} | {"a": 1, "an": 1}


def _alt(words: Iterable[str]) -> str:
    """A regex alternation that prefers the longest word ("twenty-first" before "twenty")."""
    return "|".join(sorted((re.escape(w) for w in words), key=len, reverse=True))


_MONTH = rf"(?P<month>{_alt(_MONTHS)})\.?"
_DAY = rf"(?:(?P<dnum>\d{{1,2}})(?:st|nd|rd|th)?|(?P<dword>{_alt(_DAY_WORDS)}))"
_YEAR = (
    rf"(?:,?\s+(?P<ynum>\d{{4}})|,?\s+(?P<yword>twenty[- ]twenty(?:[- ](?:{_alt(_UNIT_WORDS)}))?"
    rf"|two thousand (?:and )?twenty(?:[- ](?:{_alt(_UNIT_WORDS)}))?))?"
)
_PATTERNS = (
    re.compile(r"\b(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})\b"),
    re.compile(rf"\b{_MONTH}\s+(?:the\s+)?{_DAY}\b{_YEAR}", re.IGNORECASE),
    re.compile(rf"\b(?:the\s+)?{_DAY}\s+(?:of\s+)?{_MONTH}\b{_YEAR}", re.IGNORECASE),
    re.compile(r"\b(?P<a>\d{1,2})/(?P<b>\d{1,2})(?:/(?P<c>\d{2}|\d{4}))?\b"),
)
_RELATIVE = re.compile(
    rf"\b(?:(?P<dby>the day before yesterday)|(?P<word>today|yesterday|tomorrow)"
    rf"|(?:last|this past|past)\s+(?P<weekday>{'|'.join(_WEEKDAYS)})"
    rf"|(?P<n>\d{{1,2}}|{_alt(_SMALL)})\s+(?P<unit>days?|weeks?)\s+ago)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class FoundDate:
    """An ISO date ("2026-11-08") and the character span it was heard in."""

    value: str
    start: int
    end: int


def _with_year(month: int, day: int, year: int | None, today: dt.date) -> dt.date | None:
    try:
        if year is not None:
            return dt.date(year, month, day)
        guess = dt.date(today.year, month, day)
        return guess if guess <= today + _FUTURE_SLACK else dt.date(today.year - 1, month, day)
    except ValueError:  # "February 30th", a misheard day
        return None


def _spoken_year(words: str | None) -> int | None:
    if not words:
        return None
    tail = re.split(r"[- ]", words.lower())[-1]
    return 2020 + (_UNIT_WORDS.index(tail) + 1 if tail in _UNIT_WORDS else 0)


def _named(m: re.Match[str], today: dt.date) -> dt.date | None:
    day = int(m["dnum"]) if m["dnum"] else _DAY_WORDS[m["dword"].lower()]
    year = int(m["ynum"]) if m["ynum"] else _spoken_year(m["yword"])
    return _with_year(_MONTHS[m["month"].lower()], day, year, today)


def _slashed(m: re.Match[str], today: dt.date) -> dt.date | None:
    """Slashed dates ("11/08/2026"), only when unambiguous: US and EU callers write them opposite ways."""
    a, b = int(m["a"]), int(m["b"])
    if a > 12 >= b:
        day, month = a, b
    elif b > 12 >= a:
        month, day = a, b
    else:
        return None
    year = int(m["c"]) if m["c"] else None
    if year is not None and year < 100:
        year += 2000
    return _with_year(month, day, year, today)


def _relative(m: re.Match[str], today: dt.date) -> dt.date:
    if m["dby"]:
        return today - dt.timedelta(days=2)
    if m["word"]:
        return today + dt.timedelta(days={"today": 0, "yesterday": -1, "tomorrow": 1}[m["word"].lower()])
    if m["weekday"]:
        back = (today.weekday() - _WEEKDAYS.index(m["weekday"].lower())) % 7 or 7
        return today - dt.timedelta(days=back)
    n = int(m["n"]) if m["n"].isdigit() else _SMALL[m["n"].lower()]
    return today - dt.timedelta(days=n * (7 if m["unit"].lower().startswith("week") else 1))


def find_dates(text: str, today: dt.date) -> list[FoundDate]:
    """Dates in ``text`` in order of appearance; spans are reported even for unreadable ones.

    A span whose date is ambiguous ("03/04") is returned with an empty value so the caller can still
    keep its digits away from order numbers.
    """
    found: list[FoundDate] = []
    taken: list[tuple[int, int]] = []

    def free(m: re.Match[str]) -> bool:
        return all(m.end() <= s or m.start() >= e for s, e in taken)

    for index, pattern in enumerate(_PATTERNS):
        for m in pattern.finditer(text):
            if not free(m):
                continue
            if index == 0:
                value = _with_year(int(m["m"]), int(m["d"]), int(m["y"]), today)
            elif index == 3:
                value = _slashed(m, today)
            else:
                value = _named(m, today)
            taken.append((m.start(), m.end()))
            found.append(FoundDate(value.isoformat() if value else "", m.start(), m.end()))
    for m in _RELATIVE.finditer(text):
        if free(m):
            taken.append((m.start(), m.end()))
            found.append(FoundDate(_relative(m, today).isoformat(), m.start(), m.end()))
    return sorted(found, key=lambda d: d.start)
