"""A tiny keyword NLU for dialogue tests: predictable, so tests exercise the policy, not the NLU.

Not the product's understanding (that is :mod:`intents.nlu`); use it with
``build_dialogue(..., understand=keyword_understand)``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from intents.types import Entities, Intent, IntentResult, Reply

_WORDS = {
    "zero": "0",
    "oh": "0",
    "o": "0",
    "one": "1",
    "two": "2",
    "three": "3",
    "four": "4",
    "five": "5",
    "six": "6",
    "seven": "7",
    "eight": "8",
    "nine": "9",
}

_RULES: tuple[tuple[Intent, str], ...] = (
    (Intent.HUMAN_AGENT, r"\b(human|person|agent|someone real|representative)\b"),
    (Intent.GOODBYE, r"\b(bye|goodbye|that's all|that is all)\b"),
    (Intent.CUSTOMS_DELAY, r"\bcustoms\b"),
    (Intent.DELIVERED_NOT_RECEIVED, r"\b(says delivered|never (got|received|arrived)|not received)\b"),
    (Intent.DAMAGED_ITEM, r"\b(broken|damaged|cracked|doesn't work|defective)\b"),
    (Intent.WRONG_ITEM, r"\bwrong (item|product|size|colou?r)\b"),
    (Intent.REFUND_STATUS, r"\b(where is my refund|refund status|my refund)\b"),
    (Intent.RETURN_REQUEST, r"\b(return|send it back)\b"),
    (Intent.CANCEL_ORDER, r"\bcancel\b"),
    (Intent.CHANGE_ADDRESS, r"\b(change|new) (the |my )?(delivery )?address\b"),
    (Intent.ORDER_STATUS, r"\b(where is|where's|status|track|tracking|progress)\b"),
    (Intent.DENY, r"^(no|nope|not really|that's wrong|wrong)\b"),
    (Intent.AFFIRM, r"^(yes|yeah|yep|correct|right|sure|please do|ok|okay)\b"),
)


def _digits(text: str) -> str:
    out = []
    double = False
    for token in re.findall(r"[a-z]+|\d", text.lower()):
        if token == "double":
            double = True
            continue
        digit = token if token.isdigit() else _WORDS.get(token)
        if digit is None:
            double = False
            continue
        out.append(digit * (2 if double else 1))
        double = False
    return "".join(out)


def keyword_extract(text: str) -> Entities:
    """Emails, postcodes, phone numbers and order numbers by simple patterns."""
    lower = text.lower()
    emails = tuple(
        re.sub(r"\s+", "", m)
        for m in re.findall(r"[\w.+-]+@[\w-]+\.[\w.]+", lower.replace(" at ", "@").replace(" dot ", "."))
    )
    postcodes = tuple(
        m.upper() for m in re.findall(r"\b([a-z]{1,2}\d[a-z\d]? ?\d[a-z]{2})\b", lower)
    )  # UK shape
    digits = _digits(text)
    phones = (digits,) if len(digits) >= 9 else ()
    order_ids = (digits,) if 4 <= len(digits) <= 6 else ()
    return Entities(order_ids=order_ids, emails=emails, phones=phones, postcodes=postcodes, digits=digits)


def keyword_understand(text: str) -> IntentResult:
    """Intent by the first matching keyword rule, entities by :func:`keyword_extract`."""
    lower = text.lower().strip()
    for intent, pattern in _RULES:
        if re.search(pattern, lower):
            return IntentResult(intent, 0.9, keyword_extract(text))
    return IntentResult(Intent.OTHER, 0.3, keyword_extract(text))


def keyword_match(heard: str, known: Iterable[str], max_distance: int = 1) -> list[str]:
    """Known ids within ``max_distance`` edits of ``heard`` (Levenshtein), closest first."""

    def dist(a: str, b: str) -> int:
        prev = list(range(len(b) + 1))
        for i, ca in enumerate(a, 1):
            cur = [i]
            for j, cb in enumerate(b, 1):
                cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
            prev = cur
        return prev[-1]

    scored = sorted((dist(heard, k), k) for k in known)
    return [k for d, k in scored if d <= max_distance]


def scripted_call(
    store: Any, *lines: str, now: datetime, call_id: str | None = None
) -> tuple[Any, list[Reply]]:
    """Run a whole text call with the keyword NLU: the greeting, then one reply per line."""
    from intents.dialogue import build_dialogue

    d = build_dialogue(
        store, now=lambda: now, call_id=call_id, understand=keyword_understand, match=keyword_match
    )
    replies = [d.greeting()]
    replies.extend(d.on_final(line) for line in lines)
    return d, replies
