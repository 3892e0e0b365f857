"""Tokens and spoken numbers in recognised speech.

Whisper writes one dictated number in many shapes: "four seven one one nine", "47-1, 1-9",
"5.5.0.1.8", "10,452", "1 0 4 5 2", "ten four five two", "double five". This module tokenises a
transcript and finds *digit runs*: maximal stretches the caller most likely meant as one number.
Everything here is pure and has no notion of what the number is for (see :mod:`intents.entities`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

UNITS = {
    "zero": 0, "nought": 0, "one": 1, "two": 2, "three": 3, "four": 4,
    "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
}  # fmt: skip
TEENS = {
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}  # fmt: skip
TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fourty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
SCALES = {"hundred": 100, "thousand": 1000}
NUMBER_WORDS = {**UNITS, **TEENS, **TENS}
ZERO_LIKE = frozenset({"oh", "o"})  # "oh" is how most callers say 0 inside a number
REPEATS = {"double": 2, "triple": 3}
# Words Whisper writes for a digit it misheard ("for" for 4, "free" for an accented 3, "or" for
# "oh"). Only trusted next to other digits.
_HOMOPHONES = {"for": 4, "fore": 4, "to": 2, "too": 2, "won": 1, "ate": 8, "free": 3, "or": 0}
_BOTH_SIDES_ONLY = frozenset({"to", "too", "or"})  # these start or join too many ordinary phrases
# "My postcode is to 8 0 1 3", "It's to 4 8 7 6": after "is" (or first in the utterance) and before
# a dictated number, "to" can only be a misheard 2.
_TO_LEADS = frozenset({"is", "it's", "its", "was", "it"})
# "the blue one", "that one": a pronoun, not a digit.
_ONE_DETERMINERS = frozenset({
    "the", "a", "an", "that", "this", "which", "another", "other", "each", "every", "any", "no",
    "same", "right", "wrong", "new", "old", "only", "last", "next", "first", "blue", "red", "black",
    "white", "green",
})  # fmt: skip
_JOINING_SEPS = frozenset({"-", "–", "(", ")"})
_SOFT_SEPS = frozenset({",", "."})

_TOKEN_RE = re.compile(r"[^\W_]+(?:'[^\W\d_]+)?|\S")


@dataclass(frozen=True)
class Token:
    """One word, number or punctuation mark, with its character span in the source text."""

    text: str
    start: int
    end: int

    @property
    def low(self) -> str:
        return self.text.lower()

    @property
    def is_numeral(self) -> bool:
        return self.text.isascii() and self.text.isdigit()

    @property
    def is_alnum(self) -> bool:
        return self.text[0].isalnum()


@dataclass(frozen=True)
class DigitRun:
    """Digits the caller most likely meant as one number, e.g. "47-1, 1-9" -> "47119"."""

    digits: str
    chunks: tuple[str, ...]  # numbers as heard: "nineteen ninety-five" -> ("19", "95")
    start: int  # character span in the text
    end: int
    first: int  # token span (inclusive)
    last: int
    plus: bool  # preceded by "+" or "plus" (an international phone number)
    worded: bool  # at least one number was spoken as a word


def tokenize(text: str) -> tuple[Token, ...]:
    """Split text into word/number tokens and single punctuation tokens."""
    return tuple(Token(m.group(), m.start(), m.end()) for m in _TOKEN_RE.finditer(text))


def _kind(value: int) -> str:
    if value == 0:
        return "zero"
    if value < 10:
        return "unit"
    if value < 20:
        return "teen"
    if value < 100:
        return "tens"
    return "hundred" if value == 100 else "thousand"


def _extends(last: str, kind: str, small: int, big: int) -> bool:
    """Whether a number word continues the cardinal being read ("forty" + "seven") or starts a new one."""
    if "zero" in (last, kind):
        return False
    if kind == "unit":
        return last in ("tens", "hundred", "thousand")
    if kind in ("teen", "tens"):
        return last in ("hundred", "thousand")
    if kind == "hundred":
        return last in ("unit", "teen") and 0 < small < 100
    return last in ("unit", "teen", "tens", "hundred") and big == 0 and small > 0


def words_to_chunks(values: Sequence[int]) -> list[str]:
    """Read number-word values as cardinals, one chunk per number heard.

    [4, 7] -> ["4", "7"] (dictated digits); [40, 7] -> ["47"]; [10, 4, 5, 2] -> ["10", "4", "5", "2"];
    [4, 100, 50, 2] -> ["452"]; [19, 90, 5] -> ["19", "95"].
    """
    out: list[str] = []
    big = small = 0
    last = ""
    for value in values:
        kind = _kind(value)
        if last and _extends(last, kind, small, big):
            if kind == "hundred":
                small *= 100
            elif kind == "thousand":
                big, small = small * 1000, 0
            else:
                small += value
        else:
            if last:
                out.append(str(big + small))
            big, small = 0, value
        last = kind
    if last:
        out.append(str(big + small))
    return out


def _base_role(tok: Token) -> tuple[str, str] | None:
    if tok.is_numeral:
        return ("num", tok.text)
    low = tok.low
    if low in NUMBER_WORDS:
        return ("val", str(NUMBER_WORDS[low]))
    if tok.text in _JOINING_SEPS:
        return ("sep", tok.text)
    if tok.text in _SOFT_SEPS:
        return ("soft", tok.text)
    return None


def _numberish(role: tuple[str, str] | None) -> bool:
    return role is not None and role[0] in ("num", "val", "rep")


def _is_unit(tok: Token) -> bool:
    return (
        tok.low in UNITS
        or tok.low in ZERO_LIKE
        or tok.low == "free"
        or (tok.is_numeral and len(tok.text) == 1)
    )


def _count_units(tokens: Sequence[Token], i: int, step: int) -> int:
    """Single digits next to token i in one direction, looking through "-" and ","."""
    count, j = 0, i + step
    while 0 <= j < len(tokens):
        if _is_unit(tokens[j]):
            count += 1
        elif tokens[j].text not in ("-", ","):
            break
        j += step
    return count


def _prev_role(roles: list[tuple[str, str] | None], i: int) -> tuple[str, str] | None:
    """Role of the token before i, looking through one separator ("4-oh-7")."""
    if i == 0:
        return None
    role = roles[i - 1]
    if role is not None and role[0] in ("sep", "soft") and i > 1:
        return roles[i - 2]
    return role


def _is_determiner(tok: Token) -> bool:
    """ "the blue one": a pronoun follows; "S W one A one": a spelled capital letter, not "a"."""
    return tok.low in _ONE_DETERMINERS and tok.text != "A"


def _resolve_roles(tokens: Sequence[Token]) -> list[tuple[str, str] | None]:
    """Give each token its role in a number, using neighbours for the ambiguous words."""
    roles = [_base_role(t) for t in tokens]
    n = len(tokens)
    for i, tok in enumerate(tokens):
        low = tok.low
        nxt = tokens[i + 1] if i + 1 < n else None
        nxt_num = nxt is not None and _numberish(_base_role(nxt))
        if low in ZERO_LIKE:
            # "four oh seven" is 0; a leading "oh" needs two digits after it ("Oh, 5 stars" is not).
            after = _count_units(tokens, i, 1) if nxt is not None and nxt.is_alnum else 0
            if _numberish(_prev_role(roles, i)) or after >= 2:
                roles[i] = ("val", "0")
        elif low in _HOMOPHONES:
            before, after = _count_units(tokens, i, -1), _count_units(tokens, i, 1)
            both = before >= 1 and after >= 1 and before + after >= 3  # not "one to two weeks"
            leads = (i == 0 or tokens[i - 1].low in _TO_LEADS) and low in ("to", "too") and after >= 3
            if both or leads or (low not in _BOTH_SIDES_ONLY and (after >= 3 or before >= 3)):
                roles[i] = ("val", str(_HOMOPHONES[low]))
        elif low == "one" and i > 0 and _is_determiner(tokens[i - 1]) and not nxt_num:
            roles[i] = None
        elif low == "a" and nxt is not None and nxt.low in SCALES:
            roles[i] = ("val", "1")  # "a hundred dollars"
        elif low in SCALES and _numberish(roles[i - 1] if i > 0 else None):
            roles[i] = ("val", str(SCALES[low]))
        elif low in REPEATS and nxt is not None and _is_unit(nxt):
            roles[i] = ("rep", str(REPEATS[low]))
        elif (
            low == "and"
            and i > 0
            and tokens[i - 1].low in SCALES
            and nxt is not None
            and nxt.low in NUMBER_WORDS
        ):
            roles[i] = ("and", "")
    return roles


def _segment_chunks(members: Sequence[tuple[str, str]]) -> list[str]:
    """Chunks of one segment: numerals as written, words read as cardinals, "double X" repeated."""
    out: list[str] = []
    words: list[int] = []
    repeat = 1
    for kind, value in members:
        if kind == "rep":
            out.extend(words_to_chunks(words))
            words, repeat = [], int(value)
        elif kind == "num" or repeat > 1:
            out.extend(words_to_chunks(words))
            words = []
            out.append(value * repeat)
            repeat = 1
        elif not words and value in ("100", "1000") and out and out[-1].isdigit():
            out[-1] = str(int(out[-1]) * int(value))  # "2 hundred" written half in numerals
        else:
            words.append(int(value))
    out.extend(words_to_chunks(words))
    return out


@dataclass(frozen=True)
class _Segment:
    chunks: tuple[str, ...]
    first: int
    last: int
    worded: bool
    soft_after: int | None  # index of a "," or "." right after it that may glue the next segment on


def _segments(tokens: Sequence[Token], roles: list[tuple[str, str] | None]) -> list[_Segment]:
    """Stretches of number tokens joined by spaces, hyphens, brackets or "hundred and"."""
    segments: list[_Segment] = []
    n, i = len(tokens), 0
    while i < n:
        if not _numberish(roles[i]):
            i += 1
            continue
        members, j = [i], i + 1
        while j < n:
            role = roles[j]
            if _numberish(role):
                members.append(j)
            elif not (
                role is not None and role[0] in ("sep", "and") and j + 1 < n and _numberish(roles[j + 1])
            ):
                break
            j += 1
        role = roles[j] if j < n else None
        soft = (
            j if role is not None and role[0] == "soft" and j + 1 < n and _numberish(roles[j + 1]) else None
        )
        picked = [roles[m] for m in members]
        chunks = _segment_chunks([r for r in picked if r is not None])
        worded = any(r is not None and r[0] != "num" for r in picked)
        segments.append(_Segment(tuple(chunks), members[0], members[-1], worded, soft))
        i = j
    return segments


def _soft_joins(tokens: Sequence[Token], prev: _Segment, seg: _Segment) -> bool:
    """Whether "," or "." between two segments is inside one dictated number.

    Whisper splits dictation into groups ("47-1, 1-9", "5.5.0.1.8", "10,452"), but two full ids in a
    list ("10452, 10453") or a sentence end ("... 20. 10452") must stay apart.
    """
    if prev.soft_after is None or prev.soft_after + 1 != seg.first:
        return False
    left, right = len("".join(prev.chunks)), len("".join(seg.chunks))
    if left >= 4 and right >= 4:
        return False
    sep = tokens[prev.soft_after]
    if sep.text == ".":
        tight = tokens[seg.first].start == sep.end
        return tight or (left == 1 and right == 1)
    return True


def find_digit_runs(text: str) -> list[DigitRun]:
    """All digit runs in ``text``, in order of appearance."""
    tokens = tokenize(text)
    roles = _resolve_roles(tokens)
    groups: list[list[_Segment]] = []
    for seg in _segments(tokens, roles):
        if groups and _soft_joins(tokens, groups[-1][-1], seg):
            groups[-1].append(seg)
        else:
            groups.append([seg])
    runs = []
    for group in groups:
        first, last = group[0].first, group[-1].last
        chunks = tuple(c for s in group for c in s.chunks)
        before = tokens[first - 1] if first > 0 else None
        plus = before is not None and (before.text == "+" or before.low == "plus")
        runs.append(
            DigitRun(
                digits="".join(chunks),
                chunks=chunks,
                start=tokens[first].start,
                end=tokens[last].end,
                first=first,
                last=last,
                plus=plus,
                worded=any(s.worded for s in group),
            )
        )
    return runs


def all_digits(text: str) -> str:
    """Every digit spoken or written in ``text``, in order (words read as in :func:`find_digit_runs`)."""
    found = [(run.start, run.digits) for run in find_digit_runs(text)]
    for tok in tokenize(text):
        if tok.is_alnum and not tok.is_numeral and any(c.isdigit() for c in tok.text):
            found.append((tok.start, "".join(c for c in tok.text if c.isascii() and c.isdigit())))
    return "".join(d for _, d in sorted(found))
