"""The pure dialogue core: ``step(state, turn, config) -> Decision``.

No database, no clock, no I/O: the shell (:mod:`intents.dialogue`) fetches store facts into the
:class:`~intents.policy.types.Turn` and persists the requested actions. This module routes the call
through the four layers (opener, restate, solution, open door), finds the order number (fuzzy match,
confirmation, digits one by one) and verifies the caller before anything is disclosed or done.
"""

from __future__ import annotations

from dataclasses import replace

from intents.i18n import speaking, t
from intents.i18n.spoken import say_digits
from intents.languages import yes_no
from intents.nlu import sounds_like_yes
from intents.policy import address as policy_address
from intents.policy import callback as callback
from intents.policy import common as common
from intents.policy import contact as contact
from intents.policy import orders as orders
from intents.policy import remedy as rem
from intents.policy import repair as repair
from intents.policy import security as security
from intents.policy import solve as solve
from intents.policy.common import PROBLEMS, restated
from intents.policy.config import DialogueConfig
from intents.policy.opener import (  # re-exported: the shell and tests use policy.*
    ASK_CONTACT,
    ASK_CONTACT_AGAIN,
    ASK_CONTACT_SLOWLY,
    ASK_ORDER,
    ASK_SPELL,
    NO_CHANGE,
    fixed_phrases,
    greeting,
)
from intents.policy.types import Decision, DialogueState, Stage, Turn
from intents.policy.verify import contact_matches
from intents.types import Entities, Intent

__all__ = ["ASK_CONTACT", "ASK_CONTACT_AGAIN", "ASK_CONTACT_SLOWLY", "ASK_ORDER", "ASK_SPELL", "NO_CHANGE",
           "fixed_phrases", "greeting", "heard_order_number", "step"]


def heard_order_number(
    state: DialogueState, entities: Entities, intent: Intent = Intent.OTHER
) -> str | None:
    """The order number the caller just said, if this turn carries one (digits only)."""
    if state.stage is Stage.AWAIT_CONTACT:
        # Digits here are a phone number or a postcode; after a number that matched nothing they
        # may also be the order number again (the core tries them as a detail first).
        if state.order_id is None and entities.order_ids:
            return entities.order_ids[0]
        return None
    if entities.order_ids:
        return entities.order_ids[0]
    if state.stage in (Stage.AWAIT_ORDER, Stage.CONFIRM_ORDER) and 3 <= len(entities.digits) <= 12:
        return entities.digits
    return None


def step(state: DialogueState, turn: Turn, config: DialogueConfig) -> Decision:
    """Decide the reply to one caller turn. Pure: same inputs, same decision.

    Whatever the handler decides, money never moves without a yes to a spoken summary
    (:func:`intents.policy.remedy.wrap_unconfirmed`), and a second problem the caller named is
    taken up once the first is solved (:func:`intents.policy.repair.with_also`).
    """
    s = replace(state, turns=state.turns + 1)
    if turn.understood.intent is not Intent.OTHER:
        s = replace(s, missed=0)
    with speaking(s.language):  # every reply below is rendered in the call's language
        decision = _route(s, turn, config)
        decision = rem.wrap_unconfirmed(s, turn, decision, config)
        return repair.with_also(decision)


def _route(s: DialogueState, turn: Turn, config: DialogueConfig) -> Decision:
    intent = turn.understood.intent
    if s.stage is Stage.ENDED:
        return common.close(s, config)
    if intent is Intent.GOODBYE and not repair.is_dispute(turn) and s.stage is not Stage.AWAIT_TIME_ZONE:
        return common.close(s, config)
    if not turn.store_ok and s.stage not in (Stage.OFFER_CALLBACK, Stage.AWAIT_CALLBACK_NUMBER,
                                             Stage.AWAIT_TIME_ZONE):
        return common.store_down(s, config)
    if s.stage is Stage.AWAIT_CALLBACK_NUMBER:
        return callback.on_number(s, turn, config)  # digits here are a phone number, not a problem
    if intent is Intent.HUMAN_AGENT:
        return common.escalate(s, turn, config)
    if repair.asks_callback(turn) and s.stage not in (Stage.OFFER_HUMAN, Stage.OFFER_CALLBACK):
        return common.escalate(s, turn, config, reason="caller asked for a callback")
    if s.stage in _AFTER_OUTCOME and intent not in PROBLEMS and repair.is_dispute(turn):
        return repair.dispute(s, turn, config)
    handler = _HANDLERS.get(s.stage, _on_problem)
    return handler(s, turn, config)


def _on_problem(s: DialogueState, turn: Turn, config: DialogueConfig) -> Decision:
    """AWAIT_PROBLEM: what happened? Verified callers get the solution straight away."""
    intent = turn.understood.intent
    heard = turn.heard
    if intent in PROBLEMS:
        named = turn.problems if intent in turn.problems else (intent,)
        intent = named[0]
        s = replace(s, problem=intent, also=tuple(dict.fromkeys((*s.also, *named[1:]))))
    elif intent is Intent.DENY and heard is None and s.stage is Stage.AWAIT_PROBLEM and s.verified:
        # "What else can I do?" / "What can I do with this order?" - "No": nothing more, so close.
        return replace(common.close(s, config), understood_as=Intent.GOODBYE)
    elif s.verified and (picked := repair.remedy_request(s, turn, config)) is not None:
        return picked
    if heard is not None and heard != s.order_id:
        return _on_order_number(s, turn, config, restate=intent in PROBLEMS)
    if s.problem is not None and intent in PROBLEMS:
        if s.verified and s.order_id is not None:
            return solve.solve(s, turn, config)
        sorry = t("I'm sorry about all this trouble.") + " " if repair.is_angry(turn.text) else ""
        so = t("So {restated}. I'll look at it right now.", restated=restated(s.problem))
        return Decision(
            replace(s, stage=Stage.AWAIT_ORDER),
            f"{sorry}{so} {t(ASK_ORDER)}",
            intent,
        )
    if s.verified:
        return repair.not_understood(s, turn, config, t("What can I do for you with this order?"))
    lead = t("I'm sorry you've had this trouble.") + " " if repair.is_angry(turn.text) else ""
    return repair.not_understood(
        s, turn, config,
        lead + t("Tell me in a few words what happened. "
                 "For example a late parcel, a damaged item, or a return."),
    )


def _on_await_order(s: DialogueState, turn: Turn, config: DialogueConfig) -> Decision:
    """AWAIT_ORDER: the problem was restated; the order number should come now."""
    intent = turn.understood.intent
    if turn.heard is not None:
        return _on_order_number(s, turn, config)
    if intent is Intent.DENY:
        return Decision(
            replace(s, stage=Stage.AWAIT_PROBLEM, problem=None),
            t("Sorry, I got that wrong. What happened, in a few words?"),
            intent,
        )
    if intent in PROBLEMS and intent is not s.problem:
        s = replace(s, problem=intent)
        return Decision(s, f"{t('Got it: {restated}.', restated=restated(intent))} {t(ASK_ORDER)}", intent)
    # No number heard: the same request over and over helps nobody (a caller whose digits the
    # recognizer cannot hear was asked six times). Second miss: digit by digit; third: a colleague.
    missed = s.missed + 1
    s = replace(s, missed=missed)
    if missed >= 3:
        return common.offer_human(s, t("I'm sorry, I'm having trouble understanding."), intent)
    if missed == 2:
        return Decision(replace(s, spell_mode=True), t(ASK_SPELL), intent)
    return Decision(
        s,
        t("I need the order number to look this up. It's in your confirmation email. "
          "You can also type it on the keypad, then press hash."),
        intent,
    )


def _on_order_number(s: DialogueState, turn: Turn, config: DialogueConfig, restate: bool = False) -> Decision:
    """Accept an exact match; anything else is never read back as a real number (see policy_security)."""
    lead = ""
    if restate and s.problem is not None:
        lead = t("So {restated}.", restated=restated(s.problem)) + " "
    heard = turn.heard or ""
    if turn.exact and turn.candidates and turn.candidates[0] == heard:
        return _order_known(replace(s, order_id=heard, heard_order=None, near=()), turn, config, lead)
    return security.unknown_number(s, turn, config, lead)


def _order_known(
    s: DialogueState, turn: Turn, config: DialogueConfig, lead: str, echo: bool = True
) -> Decision:
    """The order number is settled; verify the caller unless they already proved who they are."""
    facts = turn.order(s.order_id)
    s = replace(s, spell_mode=False, verified=False)
    if s.order_id in turn.locked:
        return security.locked(s, turn, config)
    if facts is not None and s.verified_customer == facts.customer.id:
        return _verified(replace(s, verified=True), turn, config)
    if facts is not None and contact_matches(facts.customer, turn.understood.entities, turn.text):
        return _verified(replace(s, verified=True, verified_customer=facts.customer.id), turn, config)
    said = t("Thanks. Order {digits}.", digits=say_digits(s.order_id or "")) if echo else t("Thanks.")
    ask = contact.ask_contact(facts.customer if facts is not None else None, s.channel)
    return Decision(
        replace(s, stage=Stage.AWAIT_CONTACT, contact_digits=""),
        f"{lead}{said} {ask}",
        turn.understood.intent,
    )


def _on_contact(s: DialogueState, turn: Turn, config: DialogueConfig) -> Decision:
    """AWAIT_CONTACT: compare the detail with the order's customer; reveal nothing on a mismatch."""
    intent = turn.understood.intent
    entities = turn.understood.entities
    facts = turn.order(s.order_id)
    if s.order_id is not None and s.order_id in turn.locked:
        return security.locked(s, turn, config)  # checked before comparing: no guessing past the limit
    if s.order_id is None and turn.exact and security.near_match(s, turn) is None:
        return _on_order_number(s, turn, config)  # not a matching detail but a real order: the number again
    # half an answer kept from the turn before is judged together with this one
    answer = contact.shape(contact.with_kept_digits(s.contact_digits, entities), turn.text,
                           facts.customer if facts is not None else None)
    if intent is Intent.DENY and answer is contact.Shape.NOTHING:
        s = replace(s, stage=Stage.AWAIT_ORDER, order_id=None, spell_mode=True, near=())
        return Decision(s, f"{t('No problem.')} {t(ASK_SPELL)}", intent)
    if answer is contact.Shape.NOTHING:
        return contact.unclear(s, intent, config)
    if s.order_id is None:  # the number heard was no order: look for a near miss this answer matches
        found = security.near_match(s, turn)
        if found is None:
            return security.no_near_match(s, turn, config)
        facts = turn.order(found)
        s = replace(s, order_id=found, near=())
        assert facts is not None
        return _verified(replace(s, verified=True, verified_customer=facts.customer.id), turn, config,
                         lead=t("Thanks, that matches order {digits}.", digits=say_digits(found)) + " ")
    if facts is not None and contact.matches_with_kept(s, facts.customer, entities, turn.text):
        s = replace(s, verified=True, verified_customer=facts.customer.id, contact_digits="")
        return _verified(s, turn, config)
    if answer is contact.Shape.PARTIAL:  # half an answer: kept, read back, the rest asked for
        return contact.partial(s, entities, intent, config)
    failures = s.verify_failures + 1  # a whole answer that matches nothing: a wrong one
    s = replace(s, verify_failures=failures, contact_digits="")
    failed = (facts.id,) if facts is not None else ()
    if failures >= config.policy.max_verification_attempts:
        return replace(common.offer_human(
            s, t("I'm sorry, those details still don't match, so I can't open this order."), intent
        ), failed_orders=failed)
    return Decision(
        s,
        t("Sorry, those details don't match what I have for that order. "
          "Could you try again? The email, phone number or postcode on the order."),
        intent,
        failed_orders=failed,
    )


def _verified(s: DialogueState, turn: Turn, config: DialogueConfig, lead: str = "") -> Decision:
    """Verified: solve the problem, or ask for it when the caller hasn't said yet."""
    if s.problem is None:
        return Decision(
            replace(s, stage=Stage.AWAIT_PROBLEM),
            (lead or t("Thanks, you're verified.") + " ") + t("What can I do for you with this order?"),
            turn.understood.intent,
        )
    return solve.solve(s, turn, config, lead=lead or t("Thanks, that matches.") + " ")


def _on_anything_else(s: DialogueState, turn: Turn, config: DialogueConfig) -> Decision:
    """ANYTHING_ELSE: a new problem is handled; a remedy asked again is "already done"; no closes."""
    intent = turn.understood.intent
    if s.verified and intent not in PROBLEMS and (picked := repair.remedy_request(s, turn, config)):
        return picked
    # "Great, thanks, that's it": to "anything else?" a yes that also closes is a close.
    if intent is Intent.DENY or (intent is Intent.AFFIRM and Intent.GOODBYE in turn.understood.also):
        return replace(common.close(s, config), understood_as=Intent.GOODBYE)
    if intent in PROBLEMS or turn.heard is not None:
        return _on_problem(replace(s, stage=Stage.AWAIT_PROBLEM), turn, config)
    if intent is Intent.AFFIRM:
        return Decision(replace(s, stage=Stage.AWAIT_PROBLEM), t("Sure. What else can I do?"), intent)
    again = t("Sorry, I didn't catch that.") + " " + t(common.ANYTHING_ELSE)
    return repair.not_understood(s, turn, config, again)


def _on_offer_human(s: DialogueState, turn: Turn, config: DialogueConfig) -> Decision:
    """OFFER_HUMAN: yes books a colleague; no closes politely (after a dispute: the open door)."""
    intent = turn.understood.intent
    if intent is Intent.AFFIRM:
        return common.escalate(s, turn, config, reason=s.callback_reason)
    if intent is Intent.DENY:
        if s.callback_reason == "caller disputes the outcome":
            return Decision(replace(s, stage=Stage.ANYTHING_ELSE, callback_reason=""),
                            t("All right. I've noted that you disagree.") + " " + t(common.ANYTHING_ELSE),
                            intent)
        return common.close(s, config, lead=t("All right.") + " ")
    return Decision(s, t("Would you like a colleague to call you back? Just say yes or no."), intent)


def _on_also(s: DialogueState, turn: Turn, config: DialogueConfig) -> Decision:
    """AWAIT_ALSO: the second problem: same order (yes), another order (no), or something new."""
    decided = repair.on_also(s, turn, config)
    if decided is not None:
        return decided
    if turn.understood.intent in PROBLEMS or turn.heard is not None:
        return _on_problem(replace(s, stage=Stage.AWAIT_PROBLEM, also=()), turn, config)
    return repair.not_understood(s, turn, config, t("Sorry. Shall we look at that too? Just say yes or no."))


def _on_choose_remedy(s: DialogueState, turn: Turn, config: DialogueConfig) -> Decision:
    """CHOOSE_REMEDY: a reship or a refund; a pick does it, no leaves things as they are."""
    intent = turn.understood.intent
    picked = common.choice(turn.text, s.options)
    if picked is None and s.verified and (asked := repair.remedy_request(s, turn, config)) is not None:
        return asked
    if picked is None and intent is Intent.AFFIRM and len(s.options) == 1:
        picked = s.options[0]
    if picked is not None:
        return solve.remedy(s, turn, config, picked)
    if intent is Intent.DENY:
        return Decision(
            replace(s, stage=Stage.ANYTHING_ELSE, options=()),
            f"{t(NO_CHANGE)} {t(common.ANYTHING_ELSE)}",
            intent,
        )
    if intent in PROBLEMS:
        return _on_problem(replace(s, stage=Stage.AWAIT_PROBLEM, options=()), turn, config)
    if repair.is_dispute(turn):
        return repair.dispute(s, turn, config)
    return Decision(s, t("Would you prefer a replacement, or a refund?"), intent)


def _on_confirm_action(s: DialogueState, turn: Turn, config: DialogueConfig) -> Decision:
    """CONFIRM_ACTION: yes makes the proposed remedy, cancel or address change; no leaves it."""
    intent = turn.understood.intent
    yes = intent is Intent.AFFIRM or (intent is Intent.OTHER and sounds_like_yes(turn.text))
    if yes or _yes_naming(s, turn):
        if s.pending == "remedy":
            return repair.apply_proposal(s, turn, config)
        return orders.confirm(s, turn, config)
    if s.pending == "remedy" and (switched := repair.switch(s, turn, config)) is not None:
        return switched
    if intent is Intent.DENY:
        if s.pending == "address":
            return Decision(
                replace(s, stage=Stage.AWAIT_ADDRESS, new_address=""),
                t("Sorry. Please say the new address again, with the postcode."),
                intent,
            )
        return Decision(
            replace(s, stage=Stage.ANYTHING_ELSE, pending="", proposal=(), proposal_text=""),
            f"{t(NO_CHANGE)} {t(common.ANYTHING_ELSE)}",
            intent,
        )
    if intent in PROBLEMS and intent is not s.problem:
        return _on_problem(replace(s, stage=Stage.AWAIT_PROBLEM, pending="", proposal=()), turn, config)
    if repair.is_dispute(turn):
        return repair.dispute(replace(s, pending="", proposal=()), turn, config)
    if s.pending == "address":
        return Decision(s, t("Is that right? Just say yes or no."), intent)
    return Decision(s, f"{t(rem.CONFIRM_QUESTION)} {t('Just say yes or no.')}", intent)


# The request a pending confirmation carries out: "Yes, cancel it" names it and is a yes.
_PENDING_INTENT = {"cancel": Intent.CANCEL_ORDER, "address": Intent.CHANGE_ADDRESS}


def _yes_naming(s: DialogueState, turn: Turn) -> bool:
    """A yes that also names what is pending ("Yes, that's right, cancel it"; "Oui, annulez-la"): the
    turn opens with a yes in its language (:func:`intents.languages.yes_no`) and the request it
    names is the one waiting for the yes (or the call's own problem, for a remedy)."""
    named = (_PENDING_INTENT.get(s.pending), s.problem if s.pending == "remedy" else None)
    return turn.understood.intent in named and yes_no(turn.text, turn.language) is True


def _on_offer_callback(s: DialogueState, turn: Turn, config: DialogueConfig) -> Decision:
    """OFFER_CALLBACK: the store was down; yes books a callback, anything else carries on."""
    intent = turn.understood.intent
    if intent is Intent.AFFIRM:
        return common.book_callback(s, turn, config)
    if intent is Intent.DENY:
        return Decision(
            replace(s, stage=Stage.ANYTHING_ELSE),
            f"{t('All right. It should be back soon; please try again in a little while.')} "
            f"{t(common.ANYTHING_ELSE)}",
            intent,
        )
    if not turn.store_ok:
        return common.store_down(s, config)
    return _on_problem(replace(s, stage=Stage.AWAIT_PROBLEM), turn, config)


_HANDLERS = {
    Stage.AWAIT_PROBLEM: _on_problem,
    Stage.AWAIT_ORDER: _on_await_order,
    Stage.AWAIT_CONTACT: _on_contact,
    Stage.CHOOSE_REMEDY: _on_choose_remedy,
    Stage.CONFIRM_ACTION: _on_confirm_action,
    Stage.AWAIT_ADDRESS: policy_address.on_address,
    Stage.OFFER_HUMAN: _on_offer_human,
    Stage.OFFER_CALLBACK: _on_offer_callback,
    Stage.ANYTHING_ELSE: _on_anything_else,
    Stage.AWAIT_TIME_ZONE: callback.on_time_zone,
    Stage.AWAIT_ALSO: _on_also,
}
# Stages where the caller has heard an outcome (or an offer) and may contest it.
_AFTER_OUTCOME = frozenset({Stage.ANYTHING_ELSE, Stage.CHOOSE_REMEDY, Stage.CONFIRM_ACTION,
                            Stage.AWAIT_PROBLEM,
                            Stage.OFFER_HUMAN})
