"""Checking a caller's answer against the value the store expects: the pure half.

Once the order is found the agent knows the customer's email, phone number and postcode. Rather
than transcribe the answer blind and compare strings, the recognizer scores the expected value
(written the ways Whisper may write it) against the audio, and against *near misses* of it: the
same value with one character changed to one that sounds alike. The caller is accepted only when
the expected value beats every near miss by a margin and its own score clears a floor, both
calibrated on the identifier benchmark for zero false accepts (``python -m benchmarks.identifiers``,
see the README). Nothing here reveals the stored value: the scores go one way only, into a yes or
an "unclear".
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, replace

from intents.id_styles import closest_styles, render
from intents.policy.types import CustomerFacts
from intents.spoken.email import find_emails
from intents.spoken.tokens import all_digits
from intents.types import Entities

# Letters whose spoken names are confused on a phone line (the E-set, M/N, F/S/X...). A letter in no
# group still gets neighbours, so that every position of a value has near misses.
_LETTER_GROUPS = ("BCDEGPTVZ", "AJKH", "IY", "MN", "FSX", "QUW", "OR", "L")
_EXTRA = {"H": "A", "L": "MNE", "O": "U", "R": "AI"}
_DIGITS = "0123456789"
# Digit words heard for one another (five/nine, seven/six/eleven, three/tree/two, oh/four...)
_DIGIT_ALIKES = {"0": "48", "1": "97", "2": "37", "3": "28", "4": "05", "5": "91", "6": "78",
                 "7": "61", "8": "36", "9": "51"}
_E164_CODES = ("353", "351", "44", "33", "49", "34", "31", "48", "1")
# Readings scored per value: each costs one decoder pass (~80 ms on 2 cores), so only the two
# styles closest to what the transcript wrote (see :mod:`intents.id_styles`).
MAX_FORMS = 2
_TRUNK_ZERO = {"44", "33", "49", "31", "353"}  # countries whose callers say a leading 0


class IdKind(enum.StrEnum):
    EMAIL = "email"
    PHONE = "phone"
    POSTCODE = "postcode"
    ORDER = "order"


class Verdict(enum.StrEnum):
    MATCH = "match"  # the expected value, beyond doubt
    UNCLEAR = "unclear"  # not proven: ask again differently; never counted as a wrong answer


@dataclass(frozen=True)
class Expected:
    """One value the caller may be saying."""

    kind: IdKind
    value: str


@dataclass(frozen=True)
class Thresholds:
    """Calibrated on the benchmark's dev split for zero false accepts (README, "Identifier check").

    ``margin``: nats of log-probability by which the expected value must beat its best near miss.
    ``floor``: the least mean token log-probability of the expected value itself. ``weakest``:
    the least log-probability of any one of its tokens (a near miss lives in a single token)."""

    # `python -m benchmarks.identifiers --calibrate` on the dev split (816 decoy trials), with the
    # value scored in the transcript's closest style and the default one (intents.id_styles):
    # best zero-false-accept point margin 3.5, mean >= -1.5, weakest token >= -6; +1 nat slack.
    margin: float = 4.5
    floor: float = -1.5
    weakest: float = -6.0


@dataclass(frozen=True)
class Scores:
    """What the recognizer measured for one expected value (all in nats)."""

    total: float  # log-probability of the best reading of the expected value (sum over tokens)
    mean: float  # the same per token
    weakest: float  # its least probable token
    best_decoy: float  # total log-probability of the best near miss, in the same reading
    decoys: int  # how many near misses were scored


def decide(scores: Scores, thresholds: Thresholds = Thresholds()) -> Verdict:
    ok = (scores.total - scores.best_decoy >= thresholds.margin and scores.mean >= thresholds.floor
          and scores.weakest >= thresholds.weakest and scores.decoys > 0)
    return Verdict.MATCH if ok else Verdict.UNCLEAR


def expected_values(customer: CustomerFacts) -> tuple[Expected, ...]:
    """The customer's contact details the caller may give, the easiest to say first."""
    out = []
    if customer.postcode:
        out.append(Expected(IdKind.POSTCODE, customer.postcode))
    if customer.phone:
        out.append(Expected(IdKind.PHONE, customer.phone))
    if customer.email:
        out.append(Expected(IdKind.EMAIL, customer.email))
    return tuple(out)


def national_phone(value: str) -> str:
    """'+447700900123' -> '07700900123' (what a caller reads); digits only otherwise."""
    digits = re.sub(r"\D", "", value)
    if value.strip().startswith("+"):
        for code in _E164_CODES:
            if digits.startswith(code):
                rest = digits[len(code):]
                return ("0" + rest) if code in _TRUNK_ZERO else rest
    return digits


# The styles scored when the transcript gives no hint, most written first (measured on the
# benchmark's dev split: spaced characters, then as stored).
_DEFAULT_STYLES = {IdKind.EMAIL: ("compact", "words"), IdKind.PHONE: ("spaced", "compact"),
                   IdKind.ORDER: ("spaced", "compact"), IdKind.POSTCODE: ("spaced", "stored", "compact")}


def _as_said(item: Expected, value: str | None = None) -> str:
    v = (item.value if value is None else value).strip()
    return national_phone(v) if item.kind is IdKind.PHONE and v.startswith("+") else v


def styles(item: Expected, heard: str = "") -> tuple[str, ...]:
    """The ``MAX_FORMS`` styles (:mod:`intents.id_styles`) worth scoring for this answer: those
    whose rendering of the value looks most like what the transcript wrote (``heard``: the
    answer after its lead-in words)."""
    return closest_styles(item.kind.value, _as_said(item), heard, MAX_FORMS, _DEFAULT_STYLES[item.kind])


def render_as(item: Expected, style: str, value: str | None = None, heard: str = "") -> str:
    """``value`` (default: the expected one; else a near miss of it) written in ``style``."""
    return render(item.kind.value, _as_said(item, value), style, heard)


def renderings(item: Expected, heard: str = "") -> tuple[str, ...]:
    """The ways Whisper may write the value, the likeliest for this answer first."""
    return tuple(render_as(item, s, heard=heard) for s in styles(item, heard))


def _alternatives(c: str) -> str:
    if c.isdigit():
        first = _DIGIT_ALIKES[c]
        return first + "".join(d for d in _DIGITS if d != c and d not in first)
    up = c.upper()
    group = next((g for g in _LETTER_GROUPS if up in g), "") + _EXTRA.get(up, "")
    alts = "".join(dict.fromkeys(g for g in group if g != up))
    return alts.lower() if c.islower() else alts


def near_misses(item: Expected, limit: int = 48) -> tuple[str, ...]:
    """Values one sound-alike character away from ``item``, spread over every position.

    ``limit`` caps the count (the check scores them all in one batch); positions are visited
    round-robin so that a cap drops alternatives, never whole positions."""
    v = item.value.strip()
    if item.kind is IdKind.PHONE:
        v = national_phone(v)
    per_pos = [(i, _alternatives(c)) for i, c in enumerate(v) if c.isalnum()]
    if per_pos and max(len(a) for _, a in per_pos) * len(per_pos) <= 2 * limit:
        limit = 2 * limit  # short values: every alternative of every position (45 for 5 digits)
    out: list[str] = []
    depth = 0
    while len(out) < limit and any(depth < len(a) for _, a in per_pos):
        for i, alts in per_pos:
            if depth < len(alts) and len(out) < limit:
                out.append(v[:i] + alts[depth] + v[i + 1:])
        depth += 1
    return tuple(out)


def _heard(item: Expected, transcript: str) -> str:
    """What the free transcript makes of the value, in the value's alphabet ('' when nothing)."""
    if item.kind is IdKind.EMAIL:
        emails = find_emails(transcript)
        return emails[0].value if emails else ""
    if item.kind in (IdKind.PHONE, IdKind.ORDER) or not any(c.isalpha() for c in item.value):
        return all_digits(transcript)
    # alphanumeric postcode: single letters and digit groups, in order ("S W 1 A, 1 A A")
    words = re.findall(r"[A-Za-z0-9]+", transcript)
    return "".join(w.upper() for w in words if len(w) <= 4 and (len(w) == 1 or any(c.isdigit() for c in w)))


def guided_near_misses(item: Expected, transcript: str, limit: int = 48) -> tuple[str, ...]:
    """Near misses led by what the transcript heard: where the heard value differs from the expected
    one, the heard character at that position comes first, and the heard value itself (if it is
    not the expected one) too. The sound-alike near misses fill the rest up to ``limit``."""
    v = item.value.strip()
    if item.kind is IdKind.PHONE:
        v = national_phone(v)
    heard = _heard(item, transcript)
    first: list[str] = []
    if heard and heard.lower() != re.sub(r"[\s-]", "", v).lower() and item.kind is not IdKind.EMAIL:
        slots = [i for i, c in enumerate(v) if c.isalnum()]
        if len(heard) == len(slots):
            for i, h in zip(slots, heard, strict=True):
                if h.lower() != v[i].lower():
                    first.append(v[:i] + (h.lower() if v[i].islower() else h.upper()) + v[i + 1:])
        if len(heard) >= 3:
            first.append(heard)
    elif heard and heard.lower() != v.lower():
        first.append(heard)
    rest = [m for m in near_misses(item, limit) if m not in first]
    return tuple(dict.fromkeys([*first, *rest]))


def expected_now(stage_awaits_contact: bool, customer: CustomerFacts | None) -> tuple[Expected, ...]:
    """What the recognizer should check the next answer against: the customer's details while
    the call waits for them, nothing otherwise (no check, no cost)."""
    if not stage_awaits_contact or customer is None:
        return ()
    return expected_values(customer)


def with_evidence(entities: Entities, proven: tuple[Expected, ...]) -> Entities:
    """``entities`` plus the values the recognizer proved the caller said (see :func:`decide`).

    The caller did say them; the transcript only wrote them badly. Adding them where the parser
    puts what it hears lets every downstream rule (verification, the kind of answer) work as if
    the transcript had been clean."""
    if not proven:
        return entities
    emails = tuple(p.value.strip().lower() for p in proven if p.kind is IdKind.EMAIL)
    phones = tuple(p.value.strip() for p in proven if p.kind is IdKind.PHONE)
    codes = tuple(re.sub(r"\s+", " ", p.value.strip().upper()) for p in proven if p.kind is IdKind.POSTCODE)
    return replace(entities, emails=tuple(dict.fromkeys((*entities.emails, *emails))),
                   phones=tuple(dict.fromkeys((*entities.phones, *phones))),
                   postcodes=tuple(dict.fromkeys((*entities.postcodes, *codes))))


def plausible(expected: tuple[Expected, ...], transcript: str) -> tuple[Expected, ...]:
    """The expected values worth checking against this answer, most likely first: an answer that
    sounds like an email is checked as one ("at", "dot", "@"), one with many digits as a phone
    number; anything else against every value (a garbled postcode has no reliable cue)."""
    t = transcript.lower()
    emailish = bool(re.search(r"@|\bat\b|\bdot\b|\.com\b", t))
    digits = len(all_digits(transcript))
    def rank(e: Expected) -> int:
        if e.kind is IdKind.EMAIL:
            return 0 if emailish else 2
        if e.kind is IdKind.PHONE:
            return 0 if digits >= 7 else 1
        return 0 if not emailish and digits < 7 else 1
    return tuple(sorted(expected, key=rank))


def plainly_heard(expected: tuple[Expected, ...], transcript: str) -> bool:
    """True when the transcript alone already matches one of the values (no check needed)."""
    from intents.entities import extract_entities
    from intents.policy.verify import contact_matches

    entities = extract_entities(transcript)
    for e in expected:
        facts = CustomerFacts(id="", name="", email=e.value if e.kind is IdKind.EMAIL else "",
                              phone=e.value if e.kind is IdKind.PHONE else "",
                              postcode=e.value if e.kind is IdKind.POSTCODE else "")
        if e.kind is not IdKind.ORDER and contact_matches(facts, entities, transcript):
            return True
    return False
