"""Letter-and-digit codes: tracking numbers and postcodes with letters.

Callers spell these ("S W one A one A A", "L X one two three ... C N") and Whisper writes them in
pieces ("SW1A 1AA", "LX 123 456 789 CN", "S-W-1-A"). We glue neighbouring letters and digits into
one compact string and look for the known shapes inside it.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from intents.spoken.tokens import NUMBER_WORDS, REPEATS, UNITS, ZERO_LIKE, Token, tokenize, words_to_chunks

_NATO = {
    "alpha": "A", "alfa": "A", "bravo": "B", "charlie": "C", "delta": "D", "echo": "E", "foxtrot": "F",
    "golf": "G", "hotel": "H", "india": "I", "juliet": "J", "juliett": "J", "kilo": "K", "lima": "L",
    "mike": "M", "november": "N", "oscar": "O", "papa": "P", "quebec": "Q", "romeo": "R", "sierra": "S",
    "tango": "T", "uniform": "U", "victor": "V", "whiskey": "W", "whisky": "W", "xray": "X",
    "yankee": "Y", "zulu": "Z",
}  # fmt: skip
# Upper-case words Whisper writes that are not parts of a code (carriers, acronyms).
_NOT_CODE = frozenset({"DHL", "UPS", "EMS", "TNT", "GLS", "DPD", "OK", "ID", "TV", "USA", "UK", "EU", "US",
                       "PM", "AM", "SMS", "PIN", "VAT", "FAQ"})  # fmt: skip
_AMBIGUOUS_O = "\x00"  # "oh" / "O": letter O in "PO1", digit 0 in "W1 0AA"
_MAX_AMBIGUOUS = 3
_SEPS = frozenset({"-", ".", ","})
_MAX_CODE_LENGTH = 24  # the longest tracking shape; bounds the search on long spelled stretches
_MAX_PIECES = _MAX_CODE_LENGTH

_TRACKING = (
    re.compile(r"[A-Z]{2}\d{9}[A-Z]{2}"),  # UPU S10 ("LX123456789CN")
    re.compile(r"1Z[A-Z0-9]{16}"),  # UPS
    re.compile(r"[A-Z]{2,4}\d{8,22}[A-Z]{0,2}"),  # most Chinese consolidators ("YT2411234567890")
)
_POSTCODES = (
    (re.compile(r"([A-Z]{1,2}\d[A-Z\d]?)(\d[A-Z]{2})"), "{0} {1}"),  # UK "SW1A 1AA"
    (re.compile(r"([A-Z]\d[A-Z])(\d[A-Z]\d)"), "{0} {1}"),  # Canada "K1A 0B1"
    (re.compile(r"([1-9]\d{3})([A-Z]{2})"), "{0} {1}"),  # Netherlands "1012 AB"
)
_ZIP_PLUS_4 = re.compile(r"(?<![\d-])\d{5}-\d{4}(?![\d-])")


@dataclass(frozen=True)
class Code:
    """A tracking number or postcode found in the text, with its character span."""

    kind: str  # "tracking" | "postcode"
    value: str
    start: int
    end: int


@dataclass(frozen=True)
class _Piece:
    text: str  # upper-case letters, digits, or _AMBIGUOUS_O
    first: int  # token span (inclusive)
    last: int


def _piece(tokens: Sequence[Token], i: int) -> _Piece | None:
    """The code piece that starts at token i ("A", "1AA", "one", "double A", "B as in bravo")."""
    tok = tokens[i]
    low = tok.low
    if tok.is_numeral:
        return _Piece(tok.text, i, i)
    if low in ZERO_LIKE:
        return _Piece(_AMBIGUOUS_O, i, i)
    if low in NUMBER_WORDS:
        j = i
        while j + 1 < len(tokens) and tokens[j + 1].low in NUMBER_WORDS:
            j += 1
        values = [NUMBER_WORDS[t.low] for t in tokens[i : j + 1]]
        return _Piece("".join(words_to_chunks(values)), i, j)
    if low in REPEATS and i + 1 < len(tokens):
        inner = _piece(tokens, i + 1)
        single = inner is not None and len(inner.text) == 1 and inner.first == inner.last
        if inner is not None and single and (tokens[i + 1].low in UNITS or len(tokens[i + 1].text) == 1):
            return _Piece(inner.text * REPEATS[low], i, inner.last)
        return None
    if not tok.is_alnum:
        return None
    if len(tok.text) == 1 and tok.text.isascii() and tok.text.isalpha():
        as_in = i + 3 < len(tokens) and tokens[i + 1].low == "as" and tokens[i + 2].low == "in"
        return _Piece(tok.text.upper(), i, i + 3 if as_in else i)
    if low in _NATO:
        return _Piece(_NATO[low], i, i)
    has_digit = any(c.isdigit() for c in tok.text)
    if tok.text.isascii() and (has_digit or (tok.text.isupper() and len(tok.text) <= 3)):
        return None if tok.text in _NOT_CODE else _Piece(tok.text.upper(), i, i)
    return None


def _runs(tokens: Sequence[Token]) -> list[list[_Piece]]:
    """Stretches of code pieces, allowing "-", "." and "," between them."""
    runs: list[list[_Piece]] = []
    current: list[_Piece] = []
    i = 0
    while i < len(tokens):
        piece = _piece(tokens, i)
        if piece is not None:
            current.append(piece)
            i = piece.last + 1
            continue
        if not (current and tokens[i].text in _SEPS and i + 1 < len(tokens) and _piece(tokens, i + 1)):
            if current:
                runs.append(current)
            current = []
        i += 1
    if current:
        runs.append(current)
    return runs


def _readings(compact: str) -> list[str]:
    """Every way to read the ambiguous O's (letter or digit), the likelier first."""
    slots = compact.count(_AMBIGUOUS_O)
    if slots == 0:
        return [compact]
    if slots > _MAX_AMBIGUOUS:
        return [compact.replace(_AMBIGUOUS_O, "0")]
    # A code opens with letters ("PO1", "OX4"), so an O there is first read as a letter.
    options = ["O0" if i < 2 else "0O" for i, c in enumerate(compact) if c == _AMBIGUOUS_O]
    readings = []
    for choice in itertools.product(*options):
        it = iter(choice)
        readings.append("".join(next(it) if c == _AMBIGUOUS_O else c for c in compact))
    return readings


def _match(compact: str) -> tuple[str, str] | None:
    """The kind and formatted value of a compact string, if it has a known code shape."""
    if not (5 <= len(compact) <= 7 or 10 <= len(compact) <= _MAX_CODE_LENGTH):
        return None  # postcodes are 5-7 characters, tracking numbers 10 or more
    for reading in _readings(compact):
        if not (any(c.isalpha() for c in reading) and any(c.isdigit() for c in reading)):
            continue
        if len(reading) >= 10 and any(p.fullmatch(reading) for p in _TRACKING):
            return "tracking", reading
        for pattern, shape in _POSTCODES:
            m = pattern.fullmatch(reading)
            if m:
                return "postcode", shape.format(*m.groups())
    return None


def find_codes(text: str) -> list[Code]:
    """Tracking numbers and lettered postcodes (plus US ZIP+4) in ``text``, in order of appearance."""
    found = [Code("postcode", m.group(), m.start(), m.end()) for m in _ZIP_PLUS_4.finditer(text)]
    tokens = tokenize(text)
    for run in _runs(tokens):
        i = 0
        while i < len(run):
            # The longest code that starts at piece i wins ("SW1A 1AA" over "SW1A 1").
            for j in range(min(len(run), i + _MAX_PIECES), i, -1):
                compact = "".join(p.text for p in run[i:j])
                hit = _match(compact) if len(compact) <= _MAX_CODE_LENGTH else None
                if hit is not None:
                    start, end = tokens[run[i].first].start, tokens[run[j - 1].last].end
                    found.append(Code(hit[0], hit[1], start, end))
                    i = j
                    break
            else:
                i += 1
    return sorted(found, key=lambda c: c.start)
