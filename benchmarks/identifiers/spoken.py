"""How callers say identifiers, as text for espeak-ng to read.

Letters are written as capitals with commas between them (espeak-ng reads a lone capital by its
name; a lone lower-case "a" would be read as the article). Each tuple of styles ends with the
clearest one, which callers fall back to when asked again.
"""

from __future__ import annotations

import random

from intents.id_styles import NATO  # the caller's alphabet is the one the check writes

_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")

NUMBER_STYLES = ("grouped", "double", "digits")
POSTCODE_STYLES = ("plain", "nato")
EMAIL_STYLES = ("words", "spelled")


def _digit_words(digits: str, zero: str = "zero") -> list[str]:
    return [zero if c == "0" else _WORDS[int(c)] for c in digits]


def _doubled(digits: str) -> str:
    """'double five', 'triple oh': runs of two or three say so; 0 is 'oh'."""
    out: list[str] = []
    i = 0
    while i < len(digits):
        j = i
        while j < len(digits) and digits[j] == digits[i] and j - i < 3:
            j += 1
        word = "oh" if digits[i] == "0" else _WORDS[int(digits[i])]
        run = j - i
        out.append(word if run == 1 else ("double " if run == 2 else "triple ") + word)
        i = j
    return " ".join(out)


def _chunks(digits: str, rng: random.Random) -> list[str]:
    sizes = (3, 4) if len(digits) >= 9 else (2, 3)
    out: list[str] = []
    i = 0
    while i < len(digits):
        n = rng.choice(sizes)
        if len(digits) - (i + n) == 1:  # no lone last digit
            n += 1
        out.append(digits[i:i + n])
        i += n
    return out


def say_digits(value: str, style: str, rng: random.Random) -> str:
    """An order number, phone number or numeric postcode (spaces and dashes ignored)."""
    digits = "".join(c for c in value if c.isdigit())
    if style == "digits":
        return ", ".join(_digit_words(digits)) + "."
    chunks = _chunks(digits, rng)
    if style == "double":
        return ", ".join(_doubled(c) for c in chunks) + "."
    # grouped: a chunk without a leading zero is read as a number ("forty-seven")
    said = [c if c[0] != "0" and len(c) <= 2 else " ".join(_digit_words(c, "oh")) for c in chunks]
    return ", ".join(said) + "."


def _say_char(c: str, nato: bool) -> str:
    if c.isdigit():
        return _WORDS[int(c)]
    return f"{c} for {NATO[c]}" if nato else c


def say_postcode(value: str, style: str) -> str:
    """An alphanumeric postcode, character by character, a pause between its parts."""
    parts = value.upper().replace("-", " ").split()
    nato = style == "nato"
    return ", ".join(" ".join(_say_char(c, nato) for c in part) for part in parts) + "."


def _spell(word: str) -> str:
    return ", ".join(_WORDS[int(c)] if c.isdigit() else c.upper() for c in word)


def _say_words(part: str) -> str:
    """A local part or domain label read as words: letters runs as words, digits as digits."""
    out: list[str] = []
    run = ""
    for c in part + " ":
        if c.isalpha():
            run += c
            continue
        if run:
            out.append(run.upper() if len(run) <= 2 else run)  # "uk", "de" are spelled
            run = ""
        if c.isdigit():
            out.append(_WORDS[int(c)])
        elif c == ".":
            out.append("dot")
        elif c == "_":
            out.append("underscore")
        elif c == "-":
            out.append("dash")
    return " ".join(out)


def say_email(value: str, style: str) -> str:
    """'james dot carter at gmail dot com', or with the name spelled letter by letter."""
    local, domain = value.split("@", 1)
    if style == "spelled":
        pieces: list[str] = []
        for chunk in local.replace("_", " _ ").replace(".", " . ").split():
            pieces.append({"_": "underscore", ".": "dot"}.get(chunk) or _spell(chunk))
        return ", ".join(pieces) + ", at " + _say_words(domain) + "."
    return _say_words(local) + " at " + _say_words(domain) + "."
