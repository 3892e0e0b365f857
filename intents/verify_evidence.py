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
from dataclasses import dataclass

from intents.policy_types import CustomerFacts

# Letters whose spoken names are confused on a phone line (the E-set, M/N, F/S/X...). A letter in no
# group still gets neighbours, so that every position of a value has near misses.
_LETTER_GROUPS = ("BCDEGPTVZ", "AJKH", "IY", "MN", "FSX", "QUW", "OR", "L")
_EXTRA = {"H": "A", "L": "MNE", "O": "U", "R": "AI"}
_DIGITS = "0123456789"
_E164_CODES = ("353", "351", "44", "33", "49", "34", "31", "48", "1")
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

    margin: float = 0.6
    floor: float = -1.2
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


def _spaced(chars: str) -> str:
    return " ".join(chars)


def national_phone(value: str) -> str:
    """'+447700900123' -> '07700900123' (what a caller reads); digits only otherwise."""
    digits = re.sub(r"\D", "", value)
    if value.strip().startswith("+"):
        for code in _E164_CODES:
            if digits.startswith(code):
                rest = digits[len(code):]
                return ("0" + rest) if code in _TRUNK_ZERO else rest
    return digits


def _group(digits: str, size: int) -> str:
    return " ".join(digits[i:i + size] for i in range(0, len(digits), size))


def renderings(item: Expected) -> tuple[str, ...]:
    """The ways Whisper may write the value (the check keeps the best-scoring one)."""
    v = item.value.strip()
    if item.kind is IdKind.EMAIL:
        local, _, domain = v.lower().partition("@")
        spoken = f"{local} at {domain}".replace(".", " dot ").replace("_", " underscore ")
        return (f"{local}@{domain}", re.sub(r"\s+", " ", spoken).strip())
    if item.kind is IdKind.PHONE:
        digits = national_phone(v)  # near misses are national digits already: unchanged
        return (digits, _spaced(digits), _group(digits, 3), f"{digits[:5]} {digits[5:]}")
    compact = re.sub(r"[\s-]", "", v.upper())
    forms = [v.upper(), compact, _spaced(compact), ", ".join(compact)]
    return tuple(dict.fromkeys(forms))


def _alternatives(c: str) -> str:
    if c.isdigit():
        return _DIGITS.replace(c, "")
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
    out: list[str] = []
    depth = 0
    while len(out) < limit and any(depth < len(a) for _, a in per_pos):
        for i, alts in per_pos:
            if depth < len(alts) and len(out) < limit:
                out.append(v[:i] + alts[depth] + v[i + 1:])
        depth += 1
    return tuple(out)


def render_like(item: Expected, value: str, form_index: int) -> str:
    """``value`` (a near miss of ``item``) written in the same form as rendering ``form_index``."""
    forms = renderings(Expected(item.kind, value))
    return forms[min(form_index, len(forms) - 1)]
