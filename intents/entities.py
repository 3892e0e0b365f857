"""Entity parsing from recognised speech (Whisper tiny.en transcripts, so messy).

Stages run in a fixed order and each one blanks out what it used, so that the digits of an email, a
date, an amount or a tracking number are never read again as an order id:
emails -> dates -> lettered codes (tracking numbers, "SW1A 1AA") -> digit runs, which become amounts,
phone numbers, postcodes or order ids depending on their length and the words around them.
Nothing here logs: every value is caller PII.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence

from intents.numbers import edit_distance, parse_written_number
from intents.spoken.codes import find_codes
from intents.spoken.dates import find_dates
from intents.spoken.email import find_emails
from intents.spoken.tokens import DigitRun, Token, all_digits, find_digit_runs, tokenize
from intents.types import Entities

ORDER_ID_LENGTHS = range(4, 9)  # order ids in this product are 4-8 digits
PHONE_LENGTHS = range(7, 16)  # E.164 allows up to 15 digits
DEFAULT_POSTCODE_LENGTHS = range(3, 7)
# Where a postcode has more digits than anywhere else: Japan's are seven ("150-0001").
POSTCODE_LENGTHS = {"ja": range(3, 8)}
_CONTEXT_WINDOW = 48  # characters before a number searched for "order", "zip", ...

_KEYWORDS = (
    r"(?P<order>\border (?:number|no|id)\b|\borders?\b|\breference\b|\bref\b|\binvoice\b|#)"
    r"|(?P<postcode>\b(?:post ?codes?|postal codes?|zip ?codes?|zip|post-codes?)\b)"
    r"|(?P<phone>\b(?:phone|mobile|cell|telephone|whatsapp|landline|call me|reach me|text me|call ?back)\b)"
    r"|(?P<tracking>\b(?:tracking|track|waybill|dhl|ups|fedex|usps|gls|dpd|tnt|ems|royal mail|correos)\b)"
)
_KEYWORD_RE = re.compile(_KEYWORDS, re.IGNORECASE)
# "10452 is my order number": said right after, it names the number more surely than a word before.
# The verb is required: in "order 10452, zip code 94107" the "zip code" belongs to the next number.
_AFTER_RE = re.compile(
    rf"\s*,?\s*(?:is|was|as|that's|that is)\s+(?:(?:my|the|our)\s+)?(?:{_KEYWORDS})", re.IGNORECASE
)

_CURRENCY_BEFORE = frozenset({"€", "$", "£", "¥", "usd", "eur", "gbp"})
_CURRENCY_AFTER = frozenset(
    {"€", "£", "dollar", "dollars", "buck", "bucks", "euro", "euros", "pound", "pounds", "quid", "usd",
     "eur", "gbp", "yen", "yuan", "rmb"}
)  # fmt: skip
_CENTS = frozenset({"cent", "cents", "pence", "penny"})


def _mask(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """Blank out spans with spaces, keeping every other character where it was."""
    chars = list(text)
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    return "".join(chars)


def _context(masked: str, run: DigitRun, prev_end: int) -> str | None:
    """What the words around a number call it: "order", "postcode", "phone", "tracking" or None."""
    after = _AFTER_RE.match(masked, run.end)
    if after is not None and after.lastgroup:
        return after.lastgroup
    window = masked[max(prev_end, run.start - _CONTEXT_WINDOW) : run.start]
    hits = list(_KEYWORD_RE.finditer(window))
    return hits[-1].lastgroup if hits else None


def _run_value(run: DigitRun, masked: str) -> float:
    """The amount a run stands for: "19.95" / "19,95" as written; "nineteen ninety-five" -> 19.95."""
    if not run.worded:
        value = parse_written_number(masked[run.start : run.end])
        return float(run.digits) if value is None else value
    if len(run.chunks) == 2 and len(run.chunks[1]) == 2 and int(run.chunks[0]) < 1000:
        return int(run.chunks[0]) + int(run.chunks[1]) / 100  # prices are said "nineteen ninety-five"
    return float(run.chunks[0]) if len(run.chunks) == 1 else float(run.digits)


def _amount(
    run: DigitRun, tokens: Sequence[Token], by_first: dict[int, DigitRun], masked: str
) -> tuple[float, DigitRun | None] | None:
    """The amount a run names if a currency is next to it, and the run holding its cents, if any."""
    before = tokens[run.first - 1].low if run.first > 0 else ""
    after = tokens[run.last + 1].low if run.last + 1 < len(tokens) else ""
    if after in _CENTS:
        return _run_value(run, masked) / 100, None
    if before not in _CURRENCY_BEFORE and after not in _CURRENCY_AFTER:
        return None
    value = _run_value(run, masked)
    if after in _CURRENCY_AFTER:
        # "twenty dollars fifty", "thirty two dollars and fifty cents"
        k = run.last + 2
        k += 1 if k < len(tokens) and tokens[k].low == "and" else 0
        tail = by_first.get(k)
        tail_next = tokens[tail.last + 1].low if tail is not None and tail.last + 1 < len(tokens) else ""
        if tail is not None and len(tail.digits) <= 2 and tail_next not in _CURRENCY_AFTER:
            return value + int(tail.digits) / 100, tail
    return value, None


def _classify(run: DigitRun, kind: str | None,
              postcode_lengths: range = DEFAULT_POSTCODE_LENGTHS) -> list[tuple[str, str]]:
    """Which entity fields a digit run fills, as (field, value) pairs."""
    digits, n = run.digits, len(run.digits)
    if run.plus and n in PHONE_LENGTHS:
        return [("phones", "+" + digits)]
    if kind == "phone" and n >= 6:
        return [("phones", digits)]
    if kind == "tracking" and n >= 8:
        return [("tracking_numbers", digits)]
    if kind == "postcode":
        if n == 9:
            return [("postcodes", f"{digits[:5]}-{digits[5:]}")]  # ZIP+4 spoken as one run
        return [("postcodes", digits)] if n in postcode_lengths else []
    if kind == "order":
        return [("order_ids", digits)] if n in ORDER_ID_LENGTHS else []
    if n in ORDER_ID_LENGTHS:
        # A bare 5-digit number may be an order id or a ZIP/EU postcode: the dialogue knows which.
        return [("order_ids", digits), ("postcodes", digits)] if n == 5 else [("order_ids", digits)]
    if n in PHONE_LENGTHS:
        return [("phones", digits)]
    return [("tracking_numbers", digits)] if n > 15 else []


def _unique(found: list[tuple[int, str]]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for _, value in sorted(found, key=lambda f: f[0]):
        seen.setdefault(value, None)
    return tuple(seen)


def extract_entities(text: str, *, today: dt.date | None = None,
                     postcode_lengths: range = DEFAULT_POSTCODE_LENGTHS) -> Entities:
    """Find order numbers, emails, phones, postcodes, tracking numbers, amounts and dates.

    ``today`` anchors dates said without a year or relative to now ("last Tuesday"); it defaults to
    the local date; ``postcode_lengths`` how many digits a postcode of the caller's country has.
    Values come back normalised as documented on :class:`intents.types.Entities`,
    each field in order of appearance without repeats (amounts and dates keep repeats).
    """
    fields: dict[str, list[tuple[int, str]]] = {
        "order_ids": [], "phones": [], "postcodes": [], "tracking_numbers": [],
    }  # fmt: skip
    emails = find_emails(text)
    masked = _mask(text, ((e.start, e.end) for e in emails))
    dates = find_dates(masked, today or dt.date.today())
    masked = _mask(masked, ((d.start, d.end) for d in dates))
    codes = find_codes(masked)
    for code in codes:
        fields["tracking_numbers" if code.kind == "tracking" else "postcodes"].append(
            (code.start, code.value)
        )
    masked = _mask(masked, ((c.start, c.end) for c in codes))

    tokens = tokenize(masked)
    runs = find_digit_runs(masked)
    by_first = {run.first: run for run in runs}
    amounts: list[tuple[int, float]] = []
    used: set[int] = set()
    prev_end = 0
    for run in runs:
        if run.first in used:
            continue
        amount = _amount(run, tokens, by_first, masked)
        if amount is not None:
            amounts.append((run.start, amount[0]))
            if amount[1] is not None:
                used.add(amount[1].first)
        else:
            for field, value in _classify(run, _context(masked, run, prev_end), postcode_lengths):
                fields[field].append((run.start, value))
        prev_end = run.end
    return Entities(
        order_ids=_unique(fields["order_ids"]),
        emails=tuple(dict.fromkeys(e.value for e in emails)),
        phones=_unique(fields["phones"]),
        postcodes=_unique(fields["postcodes"]),
        tracking_numbers=_unique(fields["tracking_numbers"]),
        amounts=tuple(round(value, 2) for _, value in sorted(amounts)),
        dates=tuple(d.value for d in dates if d.value),
        digits=all_digits(text),
    )


def match_order_id(heard: str, known: Iterable[str], max_distance: int = 1) -> list[str]:
    """Known order ids within ``max_distance`` digit edits of ``heard``, closest first.

    Edits are insertions, deletions, substitutions and swaps of neighbouring digits (a caller or the
    recogniser transposing "4711" into "4171"). An exact match is returned alone; ties keep the order
    of ``known``. Non-digits in ``heard`` ("47-119") are ignored.
    """
    heard_digits = "".join(c for c in heard if c.isdigit())
    candidates = list(dict.fromkeys(known))
    if not heard_digits:
        return []
    if heard_digits in candidates:
        return [heard_digits]
    scored = [(edit_distance(heard_digits, k), i, k) for i, k in enumerate(candidates)]
    return [k for dist, _, k in sorted(scored) if dist <= max_distance]
