"""Plain number helpers: written amounts ("1,299.50", "19,95") and digit edit distance."""

from __future__ import annotations

import re

_THOUSANDS = re.compile(r"\d{1,3}(?:[,.]\d{3})+")


def parse_written_number(raw: str) -> float | None:
    """Read a written amount whatever the locale: "1,299.50", "1.299,50", "19,95", "10,452", "32".

    The last separator is a decimal point when 1-2 digits follow it; "," or "." followed by groups
    of three digits are thousands separators. Returns None for anything else.
    """
    raw = raw.replace(" ", "")
    if not raw or not raw[0].isdigit() or not raw[-1].isdigit():
        return None
    if raw.isdigit():
        return float(raw)
    last = max(raw.rfind(","), raw.rfind("."))
    head, tail = raw[:last], raw[last + 1 :]
    if not tail.isdigit():
        return None
    if len(tail) <= 2:
        whole = head.replace(",", "").replace(".", "")
        return float(f"{whole}.{tail}") if whole.isdigit() else None
    if _THOUSANDS.fullmatch(raw):
        return float(raw.replace(",", "").replace(".", ""))
    return None


def edit_distance(a: str, b: str) -> int:
    """Optimal-string-alignment distance: insertions, deletions, substitutions, adjacent swaps.

    A swap counts once because callers and ASR often transpose neighbouring digits ("4711" / "4171").
    """
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return prev[len(b)]
