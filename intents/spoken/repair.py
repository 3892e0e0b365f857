"""Phrase rules for conversation repair: disputes and callback requests (see :mod:`intents.spoken.intents`).

Kept apart from the task rules so each module stays small; :mod:`intents.nlu` reads both.
"""

from __future__ import annotations

from intents.spoken.intents import Rule, _rules
from intents.types import Intent

REPAIR_RULES: tuple[Rule, ...] = (
    *_rules(
        Intent.DISPUTE,
        (0.8, r"\b(?:not|never)\b.{0,25}\b(?:fair|enough|acceptable|reasonable)\b"),
        # "I paid eighty nine, not sixty": an amount corrected.
        (
            0.85,
            r"\b(?:paid|pay|charged|cost|price was|it was)\b.{0,30}\bnot (?:\d+|(?:one|two|three|four|five|"
            r"six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|"
            r"hundred)\w*)\b",
        ),
        (
            0.85,
            r"\bnot (?:a |an |the |just |only )?(?:coupon|voucher|credit|\w+ (?:euros?|dollars?|pounds?))\b",
        ),
    ),
    *_rules(
        Intent.CALLBACK_REQUEST,
        (
            0.9,
            r"\b(?:call|ring|phone) (?:me|us) (?:back|later|tomorrow|tonight|in|at|this)\b|"
            r"\bgive (?:me|us) a (?:ring|call|bell)\b|\b(?:a|the|for|arrange|book|request|get) call ?back\b",
        ),
        # "Call back" with the agent's side as the subject; "I'll call back" is the caller's plan.
        (
            0.85,
            r"\b(?:you|someone|somebody|anyone|colleague|they|can|could|please|would) "
            r"(?:\w+ )?call (?:me |us )?back\b",
        ),
        (
            0.85,
            r"\b(?:someone|somebody|anyone|you|colleague) (?:to |can |could |will |would |please |should )?"
            r"(?:call|ring|phone|telephone) (?:me|us)\b",
        ),
    ),
)
