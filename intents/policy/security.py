"""Security rules of the core: never read back a different real order number than the one heard,
and stop verifying an order after too many wrong answers across calls.

A number that matches no order is never "corrected" to a real one (that would let a caller harvest
order numbers): the agent asks for the verification factor first and only then looks for a near-miss
order whose customer it matches. The same question is asked whether or not a near miss exists, so
the answer reveals nothing. An order with ``verify_failure_limit`` wrong answers inside the window
(counted in the store, across calls; the shell passes ``Turn.locked``) is not verified any more:
only a callback to the number on file is offered.
"""

from __future__ import annotations

from dataclasses import replace

from intents.i18n import N_, t
from intents.i18n.spoken import say_digits
from intents.policy import callback as callback
from intents.policy.common import offer_human
from intents.policy.config import DialogueConfig
from intents.policy.types import Decision, DialogueState, Stage, Turn
from intents.policy.verify import contact_matches

ASK_FACTOR = N_(
    "I couldn't find order {heard}. Let's find it another way: what's the email, phone number "
    "or postcode on the order?"
)
NOT_FOUND = N_(
    "Sorry, those details don't match. Could you try again? The email, phone number or postcode on the "
    "order; or the order number again, digit by digit."
)
LOCKED = N_(
    "For your security, I can't check this order over the phone right now: there have been too many "
    "wrong answers for it. I can have a colleague call you back on the number we have on file for this "
    "order. Would you like that?"
)


def unknown_number(s: DialogueState, turn: Turn, config: DialogueConfig, lead: str) -> Decision:
    """The heard number is no order: ask for the factor; near misses are kept, never said."""
    misses = s.order_misses + 1
    near = tuple(c for c in turn.candidates[:3] if c != turn.heard)
    s = replace(s, order_misses=misses, stage=Stage.AWAIT_CONTACT, order_id=None, heard_order=None,
                near=near, spell_mode=False)
    if misses >= config.policy.max_order_number_attempts:
        return offer_human(replace(s, near=()), t("I still can't find that order number."),
                           turn.understood.intent)
    heard = say_digits(turn.heard or "")
    return Decision(s, lead + t(ASK_FACTOR, heard=heard), turn.understood.intent)


def near_match(s: DialogueState, turn: Turn) -> str | None:
    """The near-miss order whose customer the caller's answer matches (locked orders never match)."""
    for oid in s.near:
        facts = turn.order(oid)
        if facts is None or oid in turn.locked:
            continue
        if contact_matches(facts.customer, turn.understood.entities, turn.text):
            return oid
    return None


def no_near_match(s: DialogueState, turn: Turn, config: DialogueConfig) -> Decision:
    """The answer matched none of the near misses (or there are none: the same words, so nothing is
    revealed): a wrong answer against each; another try, as for any order, then a colleague."""
    failed = tuple(oid for oid in s.near if turn.order(oid) is not None)
    failures = s.verify_failures + 1
    s = replace(s, verify_failures=failures)
    if failures >= config.policy.max_verification_attempts:
        decision = offer_human(replace(s, near=()), t("I'm sorry, I can't find an order with those details."),
                               turn.understood.intent)
    else:
        decision = Decision(s, t(NOT_FOUND), turn.understood.intent)
    return replace(decision, failed_orders=failed)


def locked(s: DialogueState, turn: Turn, config: DialogueConfig) -> Decision:
    """Too many wrong answers for this order: no more verification, only a callback on file."""
    s = replace(s, stage=Stage.OFFER_HUMAN, verified=False, near=(),
                callback_reason="verification locked", callback_number=callback.NUMBER_ON_FILE)
    return Decision(s, t(LOCKED), turn.understood.intent)
