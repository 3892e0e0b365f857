"""The identifier corpus: who says which value, how, over which line. Deterministic, no audio.

Every value is read twice by the same caller (``take`` 1 and 2): the second take is what a caller
does when asked again, slower and in a clearer style (digit by digit, a spelling alphabet). Both
takes share the line condition, because a caller's line does not change between two questions.

Voices are split: the held-out voices never appear in the dev split, so thresholds tuned on dev
are measured on accents and pitches they never saw.
"""

from __future__ import annotations

import enum
import random
from dataclasses import dataclass

from benchmarks.identifiers.spoken import (
    EMAIL_STYLES,
    NUMBER_STYLES,
    POSTCODE_STYLES,
    say_digits,
    say_email,
    say_postcode,
)


class IdKind(enum.StrEnum):
    ORDER = "order"
    POSTCODE = "postcode"
    EMAIL = "email"
    PHONE = "phone"


class Condition(enum.StrEnum):
    CLEAN = "clean"
    PHONE_LINE = "phone_line"  # 8 kHz u-law, 300-3400 Hz
    NOISE = "noise"  # a noisy room: babble-like noise at ~12 dB SNR


@dataclass(frozen=True)
class Voice:
    name: str
    espeak: str  # espeak-ng voice with variant
    speed_wpm: int
    pitch: int  # espeak-ng -p, 0..99
    split: str  # "dev" | "heldout"


# Never the agent's Piper voice. The held-out voices use accents or variants of their own.
VOICES: tuple[Voice, ...] = (
    Voice("rp-m", "en-gb-x-rp", 150, 50, "dev"),
    Voice("us-f3", "en-us+f3", 160, 60, "dev"),
    Voice("scot-m3", "en-gb-scotland+m3", 145, 40, "dev"),
    Voice("india-m2", "en-in+m2", 150, 45, "dev"),
    Voice("carib-f2", "en-029+f2", 155, 65, "dev"),
    Voice("nyc-m4", "en-us-nyc+m4", 170, 35, "dev"),
    Voice("wmid-m", "en-gb-x-gbcwmd", 140, 55, "dev"),
    Voice("lanc-f4", "en-gb-x-gbclan+f4", 150, 70, "dev"),
    Voice("gb-f1", "en-gb+f1", 165, 60, "heldout"),
    Voice("us-m6", "en-us+m6", 135, 30, "heldout"),
    Voice("wmid-m7", "en-gb-x-gbcwmd+m7", 175, 50, "heldout"),
    Voice("scot-f5", "en-gb-scotland+f5", 160, 55, "heldout"),
)

# Per voice: how many values of each kind (x2 takes).
PER_VOICE = {IdKind.ORDER: 4, IdKind.POSTCODE: 5, IdKind.EMAIL: 4, IdKind.PHONE: 4}

COUNTRIES = ("GB", "US", "CA", "NL", "PL", "PT", "IE", "DE", "FR", "ES")
_FIRST = ("james", "maria", "li", "sophie", "hans", "priya", "tom", "ana", "piotr", "niamh",
          "jan", "claire", "diego", "emma", "oliver", "zoe", "mark", "fatima", "kevin", "ines")
_LAST = ("carter", "garcia", "wei", "martin", "mueller", "nair", "byrne", "silva", "kowalski",
         "smith", "devries", "dubois", "lopez", "brown", "novak", "evans")
_DOMAINS = ("gmail.com", "example.com", "outlook.com", "yahoo.co.uk", "hotmail.com", "mail.de")
# (E.164 country code, national digits after the code, whether callers add a leading 0)
_PHONE_PLANS = {"GB": ("44", 10, True), "US": ("1", 10, False), "ES": ("34", 9, False),
                "FR": ("33", 9, True), "DE": ("49", 11, True), "NL": ("31", 9, True),
                "IE": ("353", 9, True), "PL": ("48", 9, False), "PT": ("351", 9, False)}
_LETTERS = "ABCDEFGHJKLMNPRSTUVWXY"


@dataclass(frozen=True)
class Item:
    """One clip: ``value`` as the store holds it, ``spoken`` as espeak-ng reads it."""

    key: str  # unique, stable: the cache file name
    kind: IdKind
    value: str
    spoken: str
    style: str
    take: int  # 1 or 2
    voice: Voice
    speed_wpm: int
    condition: Condition
    country: str = ""


def _postcode(country: str, rng: random.Random) -> str:
    d = lambda n: "".join(rng.choice("0123456789") for _ in range(n))  # noqa: E731
    letter = lambda: rng.choice(_LETTERS)  # noqa: E731
    if country == "GB":
        return f"{letter()}{letter()}{rng.randint(1, 9)}{letter()} {rng.randint(1, 9)}{letter()}{letter()}"
    if country == "CA":
        return f"{letter()}{rng.randint(1, 9)}{letter()} {d(1)}{letter()}{d(1)}"
    if country == "NL":
        return f"{rng.randint(1, 9)}{d(3)} {letter()}{letter()}"
    if country == "PL":
        return f"{d(2)}-{d(3)}"
    if country == "PT":
        return f"{rng.randint(1, 9)}{d(3)}-{d(3)}"
    if country == "IE":
        return f"{letter()}{d(2)} {letter()}{d(1)}{letter()}{d(1)}"
    return f"{rng.randint(1, 9)}{d(4)}"  # US, DE, FR, ES: five digits


def _phone(country: str, rng: random.Random) -> tuple[str, str]:
    """(stored E.164, what the caller reads: national digits, with a trunk 0 where used)."""
    code, n, trunk = _PHONE_PLANS.get(country, _PHONE_PLANS["GB"])
    first = rng.choice("6789" if n <= 10 else "1")
    national = first + "".join(rng.choice("0123456789") for _ in range(n - 1))
    return f"+{code}{national}", ("0" if trunk else "") + national


def _email(rng: random.Random) -> str:
    first, last = rng.choice(_FIRST), rng.choice(_LAST)
    sep = rng.choice((".", "_", ""))
    tail = str(rng.randint(1, 99)) if rng.random() < 0.3 else ""
    return f"{first}{sep}{last}{tail}@{rng.choice(_DOMAINS)}"


def _values(voice_index: int, rng: random.Random) -> list[tuple[IdKind, str, str, str]]:
    """(kind, stored value, text the caller reads, country) for one voice."""
    out: list[tuple[IdKind, str, str, str]] = []
    for _ in range(PER_VOICE[IdKind.ORDER]):
        v = f"{rng.randint(1, 9)}{rng.randint(0, 9999):04d}"
        out.append((IdKind.ORDER, v, v, ""))
    for j in range(PER_VOICE[IdKind.POSTCODE]):
        country = COUNTRIES[(voice_index * PER_VOICE[IdKind.POSTCODE] + j) % len(COUNTRIES)]
        v = _postcode(country, rng)
        out.append((IdKind.POSTCODE, v, v, country))
    for _ in range(PER_VOICE[IdKind.EMAIL]):
        v = _email(rng)
        out.append((IdKind.EMAIL, v, v, ""))
    for j in range(PER_VOICE[IdKind.PHONE]):
        country = tuple(_PHONE_PLANS)[(voice_index * 3 + j) % len(_PHONE_PLANS)]
        stored, read = _phone(country, rng)
        out.append((IdKind.PHONE, stored, read, country))
    return out


def _spoken(kind: IdKind, read: str, style: str, rng: random.Random) -> str:
    if kind is IdKind.EMAIL:
        return say_email(read, style)
    if style in POSTCODE_STYLES:
        return say_postcode(read, style)
    return say_digits(read, style, rng)


_LEADS = {
    IdKind.ORDER: ("", "It's ", "The order number is ", "Order "),
    IdKind.POSTCODE: ("", "My postcode is ", "It's ", "The postcode is "),
    IdKind.EMAIL: ("", "My email is ", "It's ", "The email address is "),
    IdKind.PHONE: ("", "My number is ", "It's ", "The phone number is "),
}


def _styles(kind: IdKind, read: str) -> tuple[str, ...]:
    if kind is IdKind.EMAIL:
        return EMAIL_STYLES
    if kind is IdKind.POSTCODE and any(c.isalpha() for c in read):
        return POSTCODE_STYLES
    return NUMBER_STYLES


def build_corpus() -> list[Item]:
    """Every clip of the benchmark, in a fixed order (same output on every machine)."""
    items: list[Item] = []
    conditions = tuple(Condition)
    for vi, voice in enumerate(VOICES):
        rng = random.Random(f"ident-{voice.name}")
        for n, (kind, value, read, country) in enumerate(_values(vi, rng)):
            condition = conditions[(vi + n) % len(conditions)]
            styles = _styles(kind, read)
            first = styles[(vi + n) % len(styles)]
            # Asked again, callers slow down and go to the clearest style they know (the last one).
            second = styles[-1] if first != styles[-1] else styles[0]
            lead = _LEADS[kind][(vi + n) % len(_LEADS[kind])]
            takes = ((1, first, voice.speed_wpm), (2, second, int(voice.speed_wpm * 0.85)))
            for take, style, speed in takes:
                said = _spoken(kind, read, style, rng)
                spoken = lead + said if take == 1 else said
                key = f"{voice.name}-{kind.value}{n:02d}-t{take}"
                items.append(Item(key, kind, value, spoken, style, take, voice, speed, condition, country))
    return items


def split_items(items: list[Item], split: str) -> list[Item]:
    return [it for it in items if split == "all" or it.voice.split == split]
