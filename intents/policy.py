"""The pure dialogue core: ``step(state, turn, config) -> Decision``.

No database, no clock, no I/O: the shell (:mod:`intents.dialogue`) fetches store facts into the
:class:`~intents.policy_types.Turn` and persists the requested actions. This module routes the call
through the four layers (opener, restate, solution, open door), finds the order number (fuzzy match,
confirmation, digits one by one) and verifies the caller before anything is disclosed or done.
"""

from __future__ import annotations

from dataclasses import replace

from intents import policy_common as common
from intents import policy_orders as orders
from intents import policy_solve as solve
from intents.policy_config import DialogueConfig
from intents.policy_orders import address_heard
from intents.policy_types import Decision, DialogueState, Stage, Turn
from intents.policy_verify import contact_matches, gave_contact
from intents.script import say_digits
from intents.types import Entities, Intent

PROBLEMS = frozenset(
    {
        Intent.ORDER_STATUS,
        Intent.CUSTOMS_DELAY,
        Intent.DELIVERED_NOT_RECEIVED,
        Intent.DAMAGED_ITEM,
        Intent.WRONG_ITEM,
        Intent.RETURN_REQUEST,
        Intent.REFUND_STATUS,
        Intent.CANCEL_ORDER,
        Intent.CHANGE_ADDRESS,
    }
)

RESTATE = {
    Intent.ORDER_STATUS: "you'd like to know where your parcel is",
    Intent.CUSTOMS_DELAY: "your parcel seems stuck at customs",
    Intent.DELIVERED_NOT_RECEIVED: "the tracking says delivered, but you don't have the parcel",
    Intent.DAMAGED_ITEM: "your item arrived damaged or doesn't work",
    Intent.WRONG_ITEM: "you received the wrong item",
    Intent.RETURN_REQUEST: "you'd like to return your order",
    Intent.REFUND_STATUS: "you're asking about a refund",
    Intent.CANCEL_ORDER: "you'd like to cancel your order",
    Intent.CHANGE_ADDRESS: "you'd like to change the delivery address",
}

# A reply that opens with a fixed clause starts at once (its audio is cached) while the rest,
# with the caller's digits in it, is synthesized behind it: ~80 ms sooner than opening on them.
ACK = "Thanks. "
ASK_ORDER = "What's your order number?"
ASK_CONTACT = "To keep your order safe, what's the email, phone number or postcode on it?"
ASK_SPELL = "Could you say the order number digit by digit?"
ASK_CONTACT_AGAIN = "I need the email, phone number or postcode on the order before I can go on."
# Asked after a second answer with nothing usable in it: saying the same line again would not help.
ASK_CONTACT_SLOWLY = (
    "Sorry, I still didn't catch it. Could you say the postcode one character at a time? "
    "Or the phone number, digit by digit."
)


def greeting(config: DialogueConfig) -> str:
    """Layer 1, the opener: who is speaking and a concrete promise, no filler."""
    p = config.persona
    return f"Hi, this is {p.agent_name} from {p.store_name} {p.team}. {p.promise} What happened?"


def fixed_phrases(config: DialogueConfig) -> tuple[str, ...]:
    """Sentences that open many replies, word for word: worth synthesizing before the first call.

    Their first clause is what the caller waits for; the rest is synthesized while it plays.
    """
    p = config.persona
    return (
        greeting(config),
        f"Thanks for calling {p.store_name}.",
        "Thanks, that matches.",
        "Thanks.",
        "Done.",
        "Of course.",
        "Sorry, I didn't catch that.",
        "Sorry, I still didn't catch it.",
        "Sorry, those details don't match what I have for that order.",
        common.ANYTHING_ELSE,
        ASK_ORDER,
        ASK_CONTACT,
        ASK_SPELL,
        ASK_CONTACT_AGAIN,
        *(f"So {restated}." for restated in RESTATE.values()),
    )


def heard_order_number(state: DialogueState, entities: Entities) -> str | None:
    """The order number the caller just said, if this turn carries one (digits only)."""
    if state.stage is Stage.AWAIT_CONTACT:
        return None  # digits here are a phone number or a postcode
    if entities.order_ids:
        return entities.order_ids[0]
    if state.stage in (Stage.AWAIT_ORDER, Stage.CONFIRM_ORDER) and 3 <= len(entities.digits) <= 12:
        return entities.digits
    return None


def step(state: DialogueState, turn: Turn, config: DialogueConfig) -> Decision:
    """Decide the reply to one caller turn. Pure: same inputs, same decision."""
    s = replace(state, turns=state.turns + 1)
    intent = turn.understood.intent
    if s.stage is Stage.ENDED:
        return common.close(s, config)
    if intent is Intent.GOODBYE:
        return common.close(s, config)
    if not turn.store_ok and s.stage is not Stage.OFFER_CALLBACK:
        return common.store_down(s, config)
    if intent is Intent.HUMAN_AGENT:
        return common.escalate(s, turn, config)
    handler = _HANDLERS.get(s.stage, _on_problem)
    return handler(s, turn, config)


def _on_problem(s: DialogueState, turn: Turn, config: DialogueConfig) -> Decision:
    """AWAIT_PROBLEM: what happened? Verified callers get the solution straight away."""
    intent = turn.understood.intent
    heard = turn.heard
    if intent in PROBLEMS:
        s = replace(s, problem=intent)
    if heard is not None and heard != s.order_id:
        return _on_order_number(s, turn, config, restate=intent in PROBLEMS)
    if s.problem is not None and intent in PROBLEMS:
        if s.verified and s.order_id is not None:
            return solve.solve(s, turn, config)
        return Decision(
            replace(s, stage=Stage.AWAIT_ORDER),
            f"So {RESTATE[s.problem]}. I'll look at it right now. {ASK_ORDER}",
            intent,
        )
    if s.verified:
        return Decision(s, "What can I do for you with this order?", intent)
    return Decision(
        s,
        "Tell me in a few words what happened. For example a late parcel, a damaged item, or a return.",
        intent,
    )


def _on_await_order(s: DialogueState, turn: Turn, config: DialogueConfig) -> Decision:
    """AWAIT_ORDER: the problem was restated; the order number should come now."""
    intent = turn.understood.intent
    if turn.heard is not None:
        return _on_order_number(s, turn, config)
    if intent is Intent.DENY:
        return Decision(
            replace(s, stage=Stage.AWAIT_PROBLEM, problem=None),
            "Sorry, I got that wrong. What happened, in a few words?",
            intent,
        )
    if intent in PROBLEMS and intent is not s.problem:
        s = replace(s, problem=intent)
        return Decision(s, f"Got it: {RESTATE[intent]}. {ASK_ORDER}", intent)
    return Decision(
        s,
        "I need the order number to look this up. It's in your confirmation email. "
        "You can also type it on the keypad, then press hash.",
        intent,
    )


def _on_order_number(s: DialogueState, turn: Turn, config: DialogueConfig, restate: bool = False) -> Decision:
    """Match what was heard against the store: accept exact, confirm near, re-ask after a miss."""
    intent = turn.understood.intent
    heard = turn.heard or ""
    lead = f"So {RESTATE[s.problem]}. " if restate and s.problem is not None else ""
    if not turn.candidates:
        misses = s.order_misses + 1
        s = replace(s, order_misses=misses, spell_mode=True, stage=Stage.AWAIT_ORDER, heard_order=None)
        if misses >= config.policy.max_order_number_attempts:
            return common.offer_human(s, "I still can't find that order number.", intent)
        return Decision(s, f"{lead}I couldn't find order {say_digits(heard)}. {ASK_SPELL}", intent)
    if turn.exact and turn.candidates[0] == heard:
        return _order_known(replace(s, order_id=heard, heard_order=None), turn, config, lead)
    if len(turn.candidates) > 1:
        s = replace(s, spell_mode=True, stage=Stage.AWAIT_ORDER, heard_order=None)
        return Decision(s, f"{lead}I didn't catch the number clearly. {ASK_SPELL}", intent)
    candidate = turn.candidates[0]
    return Decision(
        replace(s, stage=Stage.CONFIRM_ORDER, heard_order=candidate),
        f"{lead or ACK}I heard order {say_digits(candidate)}. Is that right?",
        intent,
    )


def _on_confirm_order(s: DialogueState, turn: Turn, config: DialogueConfig) -> Decision:
    """CONFIRM_ORDER: yes accepts the candidate; a correction is matched again; no asks digit by digit."""
    intent = turn.understood.intent
    if turn.heard is not None and turn.heard != s.heard_order:
        return _on_order_number(s, turn, config)
    if intent is Intent.AFFIRM or (turn.heard is not None and turn.heard == s.heard_order):
        return _order_known(
            replace(s, order_id=s.heard_order, heard_order=None),
            turn,
            config,
            "",
            echo=turn.heard is not None,
        )
    if intent is Intent.DENY:
        misses = s.order_misses + 1
        s = replace(s, order_misses=misses, spell_mode=True, stage=Stage.AWAIT_ORDER, heard_order=None)
        if misses >= config.policy.max_order_number_attempts:
            return common.offer_human(s, "I'm sorry, I'm not getting the number right.", intent)
        return Decision(s, f"Sorry about that. {ASK_SPELL}", intent)
    return Decision(s, f"Is it order {say_digits(s.heard_order or '')}? Just say yes or no.", intent)


def _order_known(
    s: DialogueState, turn: Turn, config: DialogueConfig, lead: str, echo: bool = True
) -> Decision:
    """The order number is settled; verify the caller unless they already proved who they are."""
    facts = turn.order(s.order_id)
    s = replace(s, spell_mode=False, verified=False)
    if facts is not None and s.verified_customer == facts.customer.id:
        return _verified(replace(s, verified=True), turn, config)
    if facts is not None and contact_matches(facts.customer, turn.understood.entities, turn.text):
        return _verified(replace(s, verified=True, verified_customer=facts.customer.id), turn, config)
    said = f"{ACK}Order {say_digits(s.order_id or '')}." if echo else ACK.strip()
    return Decision(
        replace(s, stage=Stage.AWAIT_CONTACT),
        f"{lead}{said} {ASK_CONTACT}",
        turn.understood.intent,
    )


def _on_contact(s: DialogueState, turn: Turn, config: DialogueConfig) -> Decision:
    """AWAIT_CONTACT: compare the detail with the order's customer; reveal nothing on a mismatch."""
    intent = turn.understood.intent
    entities = turn.understood.entities
    facts = turn.order(s.order_id)
    if intent is Intent.DENY and not gave_contact(entities, turn.text):
        s = replace(s, stage=Stage.AWAIT_ORDER, order_id=None, spell_mode=True)
        return Decision(s, f"No problem. {ASK_SPELL}", intent)
    if not gave_contact(entities, turn.text):
        return _contact_unclear(s, intent, config)
    if facts is not None and contact_matches(facts.customer, entities, turn.text):
        return _verified(replace(s, verified=True, verified_customer=facts.customer.id), turn, config)
    failures = s.verify_failures + 1
    s = replace(s, verify_failures=failures)
    if failures >= config.policy.max_verification_attempts:
        return common.offer_human(
            s, "I'm sorry, those details still don't match, so I can't open this order.", intent
        )
    return Decision(
        s,
        "Sorry, those details don't match what I have for that order. "
        "Could you try again? The email, phone number or postcode on the order.",
        intent,
    )


def _contact_unclear(s: DialogueState, intent: Intent, config: DialogueConfig) -> Decision:
    """AWAIT_CONTACT, nothing usable heard. The first time, ask again; from the second time on, ask
    for it another way (one character at a time) and count it as a failed try, so that a caller the
    recogniser can't follow reaches a human after the usual number of tries instead of a loop."""
    unclear = s.contact_unclear + 1
    s = replace(s, contact_unclear=unclear)
    if unclear < 2:
        return Decision(s, ASK_CONTACT_AGAIN, intent)
    failures = s.verify_failures + 1
    s = replace(s, verify_failures=failures)
    if failures >= config.policy.max_verification_attempts:
        return common.offer_human(s, "I'm sorry, I still can't make out those details.", intent)
    return Decision(s, ASK_CONTACT_SLOWLY, intent)


def _verified(s: DialogueState, turn: Turn, config: DialogueConfig) -> Decision:
    """Verified: solve the problem, or ask for it when the caller hasn't said yet."""
    if s.problem is None:
        return Decision(
            replace(s, stage=Stage.AWAIT_PROBLEM),
            "Thanks, you're verified. What can I do for you with this order?",
            turn.understood.intent,
        )
    return solve.solve(s, turn, config, lead="Thanks, that matches. ")


def _on_anything_else(s: DialogueState, turn: Turn, config: DialogueConfig) -> Decision:
    """ANYTHING_ELSE: a new problem is handled; no closes with the open door."""
    intent = turn.understood.intent
    if intent is Intent.DENY:
        return replace(common.close(s, config), understood_as=Intent.GOODBYE)
    if intent in PROBLEMS or turn.heard is not None:
        return _on_problem(replace(s, stage=Stage.AWAIT_PROBLEM), turn, config)
    if intent is Intent.AFFIRM:
        return Decision(replace(s, stage=Stage.AWAIT_PROBLEM), "Sure. What else can I do?", intent)
    return Decision(s, "Sorry, I didn't catch that. Is there anything else I can help with?", intent)


def _on_offer_human(s: DialogueState, turn: Turn, config: DialogueConfig) -> Decision:
    """OFFER_HUMAN: yes books a colleague; no closes politely."""
    intent = turn.understood.intent
    if intent is Intent.AFFIRM:
        return common.escalate(s, turn, config)
    if intent is Intent.DENY:
        return common.close(s, config, lead="All right. ")
    return Decision(s, "Would you like a colleague to call you back? Just say yes or no.", intent)


def _on_choose_remedy(s: DialogueState, turn: Turn, config: DialogueConfig) -> Decision:
    """CHOOSE_REMEDY: a reship or a refund; a pick does it, no leaves things as they are."""
    intent = turn.understood.intent
    picked = common.choice(turn.text, s.options)
    if picked is None and intent is Intent.AFFIRM and len(s.options) == 1:
        picked = s.options[0]
    if picked is not None:
        return solve.remedy(s, turn, config, picked)
    if intent is Intent.DENY:
        return Decision(
            replace(s, stage=Stage.ANYTHING_ELSE, options=()),
            f"All right, I won't change anything. {common.ANYTHING_ELSE}",
            intent,
        )
    if intent in PROBLEMS:
        return _on_problem(replace(s, stage=Stage.AWAIT_PROBLEM, options=()), turn, config)
    return Decision(s, "Would you prefer a replacement, or a refund?", intent)


def _on_confirm_action(s: DialogueState, turn: Turn, config: DialogueConfig) -> Decision:
    """CONFIRM_ACTION: yes does the pending cancel or address change; no leaves it."""
    intent = turn.understood.intent
    if intent is Intent.AFFIRM:
        return orders.confirm(s, turn, config)
    if intent is Intent.DENY:
        if s.pending == "address":
            return Decision(
                replace(s, stage=Stage.AWAIT_ADDRESS, new_address=""),
                "Sorry. Please say the new address again, with the postcode.",
                intent,
            )
        return Decision(
            replace(s, stage=Stage.ANYTHING_ELSE, pending=""),
            f"All right, I'll leave it as it is. {common.ANYTHING_ELSE}",
            intent,
        )
    if intent in PROBLEMS and intent is not s.problem:
        return _on_problem(replace(s, stage=Stage.AWAIT_PROBLEM, pending=""), turn, config)
    return Decision(s, "Shall I go ahead? Just say yes or no.", intent)


def _on_address(s: DialogueState, turn: Turn, config: DialogueConfig) -> Decision:
    """AWAIT_ADDRESS: read the new address back before changing anything."""
    intent = turn.understood.intent
    text = address_heard(turn.text)
    if intent is Intent.DENY:
        return Decision(
            replace(s, stage=Stage.ANYTHING_ELSE),
            f"All right, I'll keep the address as it is. {common.ANYTHING_ELSE}",
            intent,
        )
    if len(text) < 8:
        return Decision(s, "Please say the full new address, with the postcode.", intent)
    return Decision(
        replace(s, stage=Stage.CONFIRM_ACTION, pending="address", new_address=text),
        f"I heard: {text}. Is that right?",
        intent,
    )


def _on_offer_callback(s: DialogueState, turn: Turn, config: DialogueConfig) -> Decision:
    """OFFER_CALLBACK: the store was down; yes books a callback, anything else carries on."""
    intent = turn.understood.intent
    if intent is Intent.AFFIRM:
        return common.book_callback(s, turn, config)
    if intent is Intent.DENY:
        return Decision(
            replace(s, stage=Stage.ANYTHING_ELSE),
            f"All right. It should be back soon; please try again in a little while. {common.ANYTHING_ELSE}",
            intent,
        )
    if not turn.store_ok:
        return common.store_down(s, config)
    return _on_problem(replace(s, stage=Stage.AWAIT_PROBLEM), turn, config)


_HANDLERS = {
    Stage.AWAIT_PROBLEM: _on_problem,
    Stage.AWAIT_ORDER: _on_await_order,
    Stage.CONFIRM_ORDER: _on_confirm_order,
    Stage.AWAIT_CONTACT: _on_contact,
    Stage.CHOOSE_REMEDY: _on_choose_remedy,
    Stage.CONFIRM_ACTION: _on_confirm_action,
    Stage.AWAIT_ADDRESS: _on_address,
    Stage.OFFER_HUMAN: _on_offer_human,
    Stage.OFFER_CALLBACK: _on_offer_callback,
    Stage.ANYTHING_ELSE: _on_anything_else,
}
