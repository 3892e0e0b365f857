"""Conversation repair: disputes and anger, misunderstandings, repeated requests, changes of mind,
and a second problem named in the same call. Pure functions of (state, turn, config) to Decision.

A dispute is read in context as well as from the NLU's ``DISPUTE`` label: after an outcome, a caller
who contests it ("that's not fair", "I paid fifty, not thirty") must never hear a goodbye.
"""

from __future__ import annotations

import re
from dataclasses import replace

from intents.i18n import N_, t
from intents.i18n.spoken import say_amount
from intents.policy import remedy as rem
from intents.policy import solve as solve
from intents.policy import words
from intents.policy.common import ANYTHING_ELSE, already, choice, offer_human, ok, restated, store_down
from intents.policy.config import DialogueConfig
from intents.policy.types import Decision, DialogueState, Stage, Turn
from intents.types import Intent

# Contesting an amount or a decision, or anger at the outcome: the class, not one sentence.
_DISPUTE = re.compile(
    r"\b(not (fair|right|correct|enough|acceptable|good enough|ok(ay)?)|unfair|wrong (amount|price|total)"
    r"|i paid|(that'?s|this is|that is) (wrong|ridiculous|outrageous|absurd|a joke|unacceptable|insane)"
    r"|unacceptable|ridiculous|outrageous|disgrace(ful)?|rip[- ]?off|scam|complain(t)?|dispute|disagree"
    r"|(i'?m|i am) (so |really |very )?(angry|furious|upset|fed up|livid|annoyed)|fed up|sick of"
    r"|useless|pathetic|terrible service|worst|what the (hell|heck)|are you (kidding|serious|joking))",
    re.IGNORECASE,
)
# Anger in an opener: acknowledged before the problem is handled.
_ANGER = re.compile(
    r"\b(angry|furious|livid|fed up|sick of|ridiculous|unacceptable|outrageous|useless|worst|disgrace"
    r"|(third|fourth|fifth|3rd|4th|5th) time|again and again|still (nothing|not))\b",
    re.IGNORECASE,
)
# Asking to be called back, in context (the NLU's CALLBACK_REQUEST label covers the same class).
_CALLBACK = re.compile(
    r"\b(call(ing)? me back|ring me back|phone me back|call me (later|tomorrow|another time)|a call ?back"
    r"|callback|can (you|someone) (call|ring|phone) me)\b",
    re.IGNORECASE,
)
EXAMPLES = N_(
    "You can say, for example: where is my parcel; my item arrived broken; I'd like to return something; "
    "or I'd like to speak to a person."
)


def is_dispute(turn: Turn) -> bool:
    """The caller contests an amount or a decision, or is angry about the outcome."""
    return turn.understood.intent is Intent.DISPUTE or bool(_DISPUTE.search(turn.text)) or (
        words.has(words.DISPUTE, turn.text) or words.has(words.ANGER, turn.text))


def asks_callback(turn: Turn) -> bool:
    """The caller asks to be called back."""
    return turn.understood.intent is Intent.CALLBACK_REQUEST or (
        turn.understood.intent in (Intent.OTHER, Intent.AFFIRM)
        and bool(_CALLBACK.search(turn.text) or words.has(words.CALLBACK, turn.text))
    )


def is_angry(text: str) -> bool:
    return bool(_ANGER.search(text) or _DISPUTE.search(text)) or any(
        words.has(p, text) for p in (words.ANGER, words.DISPUTE))


def dispute(s: DialogueState, turn: Turn, config: DialogueConfig) -> Decision:
    """Acknowledge, explain what was decided and why, offer a colleague with a summary; no goodbye."""
    explain = s.last_reason.strip()
    facts = turn.order(s.order_id) if s.order_id is not None and s.verified else None
    refund = facts.has("refund") if facts is not None else None
    if not explain and facts is not None and refund is not None:
        paid = say_amount(facts.total, facts.currency)
        got = say_amount(refund.amount or 0.0, refund.currency or facts.currency)
        full = (refund.amount or 0) >= facts.total
        explain = (t("The refund of {got} is everything paid on this order.", got=got) if full
                   else t("The order was {paid}, and {got} of it has been refunded.", paid=paid, got=got))
    elif not explain and facts is not None:
        explain = already(facts, turn, config) or ""
    if not explain:
        explain = t("I can only do what our after-sales policy allows from here.")
    return Decision(
        replace(s, stage=Stage.OFFER_HUMAN, callback_reason="caller disputes the outcome", missed=0),
        t("I understand, and I'm sorry this isn't the answer you hoped for.") + f" {explain} "
        + t("If you like, I'll pass this to a colleague with a summary of our call, "
            "so you won't need to repeat anything, and they can look at it again. Would you like that?"),
        Intent.DISPUTE,
        understood_as=Intent.DISPUTE,
    )


def not_understood(s: DialogueState, turn: Turn, config: DialogueConfig, again: str) -> Decision:
    """The first miss asks ``again``; the second rephrases with examples; the third offers a person."""
    missed = s.missed + 1
    s = replace(s, missed=missed)
    intent = turn.understood.intent
    if missed >= 3:
        return offer_human(s, t("I'm sorry, I'm having trouble understanding."), intent)
    if missed == 2:
        return Decision(s, t("Sorry, I'm still not getting it.") + f" {t(EXAMPLES)} "
                        + t("Or I can have a colleague call you back."), intent)
    return Decision(s, again, intent)


def remedy_request(s: DialogueState, turn: Turn, config: DialogueConfig) -> Decision | None:
    """A refund or a replacement asked for by name on a verified order: already done ("already done
    on ..."), a change of mind (a replacement not yet sent becomes a refund, in one transaction), or
    the remedy proposed if its preconditions hold. None when the turn names no remedy."""
    if not s.verified or s.order_id is None:
        return None
    if turn.understood.intent in (Intent.REFUND_STATUS, Intent.ORDER_STATUS):
        return None  # "where is my refund" asks, it doesn't request
    picked = choice(turn.text, ("refund", "reship"))
    facts = turn.order(s.order_id)
    if picked is None or facts is None:
        return None
    problem = s.problem or Intent.ORDER_STATUS
    s = replace(s, problem=problem, stage=Stage.CHOOSE_REMEDY, options=("reship", "refund"))
    if picked == "refund" and facts.has("refund") is None and facts.has("reship") is not None:
        if not rem.reship_unfulfilled(facts, turn.now, config):
            return ok(
                replace(s, last_reason=t("The replacement has already left our warehouse.")),
                t("The replacement has already left our warehouse, so I can't switch it to a refund now. "
                  "Once it arrives, you can return it and we'll refund you."),
                turn,
            )
    elif facts.has(picked) is not None or (picked == "reship" and facts.has("refund") is not None):
        return ok(s, already(facts, turn, config) or t("That's already done."), turn)
    return solve.remedy(s, turn, config, picked)


def with_also(decision: Decision) -> Decision:
    """After a solution, "You also mentioned ..." instead of the open door, while problems wait."""
    st = decision.state
    if st.stage is not Stage.ANYTHING_ELSE or not st.also or decision.end_call:
        return decision
    door = t(ANYTHING_ELSE)
    if not decision.text.endswith(door):
        return decision
    nxt = st.also[0]
    also = t("You also mentioned that {restated}.", restated=restated(nxt))
    text = decision.text[: -len(door)] + also + " "
    if st.order_id is not None:
        text += t("Is that about the same order?")
    else:
        text += t("Shall we look at that now?")
    return replace(decision, state=replace(st, stage=Stage.AWAIT_ALSO), text=text)


def on_also(s: DialogueState, turn: Turn, config: DialogueConfig) -> Decision | None:
    """AWAIT_ALSO: yes solves the next problem on the same order; no asks which order; else None."""
    intent = turn.understood.intent
    nxt, rest = s.also[0], s.also[1:]
    if intent is Intent.AFFIRM:
        s = replace(s, problem=nxt, also=rest, stage=Stage.AWAIT_PROBLEM, missed=0)
        if s.verified and s.order_id is not None:
            return solve.solve(s, turn, config)
        return Decision(replace(s, stage=Stage.AWAIT_ORDER), t("What's the order number for that one?"),
                        intent)
    if intent is Intent.DENY:
        s = replace(s, problem=nxt, also=rest, order_id=None, verified=False, stage=Stage.AWAIT_ORDER)
        return Decision(s, t("All right. What's the order number for that one?"), intent)
    return None


def switch(s: DialogueState, turn: Turn, config: DialogueConfig) -> Decision | None:
    """Before the yes, "actually, a refund instead": propose the other remedy; nothing moved yet."""
    kinds = {r.kind for r in s.proposal}
    picked = choice(turn.text, ("refund", "reship"))
    if picked is None or picked in kinds or not ({"refund", "reship"} & kinds):
        return None
    return solve.remedy(replace(s, pending="", proposal=()), turn, config, picked)


def apply_proposal(s: DialogueState, turn: Turn, config: DialogueConfig) -> Decision:
    """The caller said yes: check the facts again (they may have changed), then make the changes."""
    facts = turn.order(s.order_id)
    if facts is None:
        return store_down(s, config)
    checked = rem.allowed_requests(tuple(r for r in s.proposal if r.kind != "reverse_reship"),
                                   s.problem, facts, turn.now, config)
    if checked is None:
        done = already(facts, turn, config)
        return ok(s, done or t("I'm sorry, that's no longer possible on this order."), turn)
    return ok(s, s.proposal_text, turn, *checked, confirmed=True)
