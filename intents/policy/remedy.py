"""Remedies checked against the facts before any money moves, and the confirmation that precedes them.

:func:`check_remedy` is the one precondition check: the rule-based policy (:mod:`intents.policy.solve`,
:mod:`intents.policy.orders`) and the LLM's tools (:mod:`intents.llm.tools`) both call it, so neither
can pay for something the caller cannot have. It is pure: the order's facts, the problem, the clock
and the policy in; a :class:`RemedyCheck` out.

Money never moves on the turn a remedy is chosen: :func:`propose` says what is about to happen and
asks "Shall I go ahead?"; only the caller's yes (``Stage.CONFIRM_ACTION``, ``pending="remedy"``) makes
the changes, and the store checks the amounts once more (``agent.store.actions``).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from intents.i18n import N_, t
from intents.i18n.spoken import say_amount, say_digits
from intents.policy.config import DialogueConfig
from intents.policy.types import ActionRequest, Decision, DialogueState, OrderFacts, Stage, Turn
from intents.types import Intent

# Changes that move money or goods: each needs the caller's yes to a spoken summary first.
MONEY_KINDS = frozenset({"refund", "reship", "coupon", "return_label", "cancel", "reverse_reship"})
CONFIRM_QUESTION = N_("Shall I go ahead?")  # a msgid: say it with t()

DELIVERED = ("delivered",)
NOT_SHIPPED = ("label_created",)
UNDELIVERABLE = ("exception", "returned")  # the parcel will not reach the caller as it is


class Refusal(enum.StrEnum):
    """Why a remedy is not possible (machine-readable; the LLM's tools return it as it is)."""

    NOT_SHIPPED = "not_shipped"  # nothing left the warehouse: cancel instead
    IN_TRANSIT = "in_transit"  # still on its way: the logistics path
    AT_CUSTOMS = "at_customs"  # held at customs, within the normal time
    NOT_DELIVERED = "not_delivered"  # a damaged or wrong item needs a delivered parcel
    SHIPPED = "shipped"  # too late to cancel
    CANCELLED = "cancelled"
    ALREADY_DONE = "already_done"  # one remedy per problem
    NOTHING_TO_REFUND = "nothing_to_refund"  # paid minus refunded is zero
    OVER_PAID = "over_paid"  # more than paid minus refunded
    WINDOW_CLOSED = "window_closed"  # a return after the return window
    NO_REMEDY = "no_remedy"  # the problem has no money remedy (a status question, say)


@dataclass(frozen=True)
class RemedyCheck:
    """The verdict on one remedy: allowed or why not, the most that may be refunded, what it replaces."""

    allowed: bool
    refusal: Refusal | None = None
    refundable: float = 0.0  # paid less refunded, in the order's currency
    replaces: str | None = None  # an earlier remedy this one reverses ("reship": a change of mind)


def refundable(facts: OrderFacts) -> float:
    """What may still be refunded on the order: paid less every refund made (a cancel is a refund)."""
    refunded = sum(c.amount or 0.0 for c in facts.changes if c.kind == "refund")
    return round(max(0.0, facts.total - refunded), 2)


def hold_days(facts: OrderFacts, now: datetime) -> int:
    """Whole days the parcel has been at customs (since the first event of the current hold)."""
    ship = facts.shipment
    if ship is None or not ship.events:
        return 0
    start = ship.events[-1].at
    for event in reversed(ship.events):
        if event.status != "customs_hold":
            break
        start = event.at
    return max(0, (now - start).days)


def reship_unfulfilled(facts: OrderFacts, now: datetime, config: DialogueConfig) -> bool:
    """True when a replacement was set up and has not left the warehouse yet (it can be reversed)."""
    reship = facts.has("reship")
    return reship is not None and now < reship.created_at + timedelta(days=config.policy.reship_days)


def _logistics(facts: OrderFacts, now: datetime, config: DialogueConfig) -> Refusal | None:
    """Why a parcel-level remedy (refund or replacement for a parcel) is not due yet, if it isn't."""
    ship = facts.shipment
    if ship is None or ship.status in NOT_SHIPPED:
        return Refusal.NOT_SHIPPED
    if ship.status == "customs_hold":
        return None if hold_days(facts, now) > config.policy.customs_hold_days else Refusal.AT_CUSTOMS
    if ship.status in ("in_transit", "out_for_delivery"):
        return Refusal.IN_TRANSIT
    return None  # delivered (not received), exception or returned: a remedy is due


def _precondition(
    kind: str, problem: Intent | None, facts: OrderFacts, now: datetime, config: DialogueConfig
) -> Refusal | None:
    ship = facts.shipment
    status = ship.status if ship is not None else "label_created"
    if kind == "cancel":
        return None if status in NOT_SHIPPED else Refusal.SHIPPED
    if problem in (Intent.DAMAGED_ITEM, Intent.WRONG_ITEM):
        if status in DELIVERED:
            return None
        if status in NOT_SHIPPED:
            return Refusal.NOT_SHIPPED
        if status == "customs_hold":
            return Refusal.AT_CUSTOMS
        return Refusal.NOT_DELIVERED if status in UNDELIVERABLE else Refusal.IN_TRANSIT
    if problem is Intent.RETURN_REQUEST:
        if kind not in ("refund", "return_label"):
            return Refusal.NO_REMEDY
        if status not in DELIVERED:
            return Refusal.NOT_SHIPPED if status in NOT_SHIPPED else Refusal.IN_TRANSIT
        delivered = (ship.delivered_at if ship is not None else None) or facts.placed_at
        if (now - delivered).days > config.policy.return_window(facts.customer.country):
            return Refusal.WINDOW_CLOSED
        return None
    if problem in (Intent.CUSTOMS_DELAY, Intent.DELIVERED_NOT_RECEIVED, Intent.ORDER_STATUS, None):
        if kind == "return_label":
            return Refusal.NO_REMEDY
        if problem is Intent.DELIVERED_NOT_RECEIVED:
            if status in DELIVERED + UNDELIVERABLE:
                return None
            return _logistics(facts, now, config) or Refusal.NOT_DELIVERED
        if status in UNDELIVERABLE:
            return None  # the parcel will not arrive as it is: a refund or a replacement is due
        if status in DELIVERED:
            return Refusal.NO_REMEDY  # received, nothing said wrong with it: a return or a damage claim
        return _logistics(facts, now, config)
    return Refusal.NO_REMEDY  # refund status, cancel, change of address: no money remedy here


def check_remedy(
    kind: str,
    problem: Intent | None,
    facts: OrderFacts,
    now: datetime,
    config: DialogueConfig,
    amount: float | None = None,
) -> RemedyCheck:
    """May ``kind`` (refund, reship, coupon, return_label, cancel) be done for ``problem`` on this order?

    Checks, in order: the order is not cancelled; the shipment state allows the remedy for the
    problem (a damaged or wrong item needs a delivered parcel, a parcel on its way or briefly at
    customs goes down the logistics path, only an unshipped order can be cancelled); one remedy per
    problem (a refund after a replacement that has not left the warehouse is a change of mind, and
    replaces it); a refund never exceeds what was paid less what was refunded.
    """
    left = refundable(facts)
    if facts.cancelled:
        return RemedyCheck(False, Refusal.CANCELLED, left)
    if kind == "coupon":
        # A goodwill coupon only goes with a refund for a damaged or wrong item, never alone.
        refusal = _precondition("refund", problem, facts, now, config)
        if refusal is None and problem not in (Intent.DAMAGED_ITEM, Intent.WRONG_ITEM):
            refusal = Refusal.NO_REMEDY
        return RemedyCheck(refusal is None and facts.has("coupon") is None,
                           refusal or (Refusal.ALREADY_DONE if facts.has("coupon") else None), left)
    refusal = _precondition(kind, problem, facts, now, config)
    if refusal is not None:
        return RemedyCheck(False, refusal, left)
    replaces = None
    if kind in ("refund", "reship", "cancel"):
        if facts.has("refund") is not None or (kind == "reship" and facts.has("reship") is not None):
            return RemedyCheck(False, Refusal.ALREADY_DONE, left)
        if facts.has("reship") is not None:
            if kind == "cancel" or not reship_unfulfilled(facts, now, config):
                return RemedyCheck(False, Refusal.ALREADY_DONE, left)
            replaces = "reship"
    if kind == "return_label" and facts.has("return_label") is not None:
        return RemedyCheck(False, Refusal.ALREADY_DONE, left)
    if kind in ("refund", "cancel"):
        if left <= 0:
            return RemedyCheck(False, Refusal.NOTHING_TO_REFUND, left)
        if amount is not None and amount > left + 0.005:
            return RemedyCheck(False, Refusal.OVER_PAID, left)
    return RemedyCheck(True, None, left, replaces)


def allowed_requests(
    requests: tuple[ActionRequest, ...], problem: Intent | None, facts: OrderFacts, now: datetime,
    config: DialogueConfig,
) -> tuple[ActionRequest, ...] | None:
    """``requests`` with refund amounts capped and a change of mind spelled out, or None when any
    money request fails its precondition (then none of them is made)."""
    out: list[ActionRequest] = []
    for r in requests:
        if r.kind not in MONEY_KINDS or r.order_id != facts.id:
            out.append(r)
            continue
        check = check_remedy(r.kind, problem, facts, now, config, r.amount)
        if not check.allowed:
            return None
        if check.replaces == "reship":
            out.append(ActionRequest("reverse_reship", facts.id, reason="caller changed their mind"))
        out.append(r)
    return tuple(out)


def describe(requests: tuple[ActionRequest, ...], facts: OrderFacts, config: DialogueConfig) -> str:
    """What a yes will do, in one spoken sentence ("I'll refund the full ... and ...")."""
    parts: list[str] = []
    for r in requests:
        amount = say_amount(r.amount, r.currency or facts.currency) if r.amount is not None else ""
        if r.kind == "cancel":
            parts.append(t("cancel order {digits} and refund {amount} to your card",
                           digits=say_digits(facts.id), amount=amount))
        elif r.kind == "refund":
            if r.amount is not None and r.amount >= facts.total - 0.005:
                parts.append(t("refund the full {amount} to your card", amount=amount))
            else:
                parts.append(t("refund {amount} to your card", amount=amount))
        elif r.kind == "reship":
            parts.append(t("send you a replacement, free of charge"))
        elif r.kind == "coupon":
            parts.append(t("add a {amount} coupon to your account", amount=amount))
        elif r.kind == "return_label":
            parts.append(t("email you a prepaid return label"))
        elif r.kind == "reverse_reship":
            parts.append(t("cancel the replacement we set up"))
    if not parts:
        return ""
    if len(parts) == 1:
        return t("I'll {first}.", first=parts[0])
    return t("I'll {first}, and {last}.", first=", ".join(parts[:-1]), last=parts[-1])


def propose(
    s: DialogueState, turn: Turn, facts: OrderFacts, config: DialogueConfig, lead: str,
    requests: tuple[ActionRequest, ...], done_text: str, note: str = "",
) -> Decision:
    """Say what is about to happen and ask for a yes; nothing is made until the caller agrees."""
    checked = allowed_requests(requests, s.problem, facts, turn.now, config)
    if checked is None:  # never offer what the facts forbid (a bug upstream; say nothing false)
        return Decision(
            replace(s, stage=Stage.ANYTHING_ELSE, options=()),
            t("I'm sorry, I can't arrange that for this order. Is there anything else I can help with?"),
            turn.understood.intent,
        )
    what = describe(checked, facts, config)
    if any(r.kind == "reverse_reship" for r in checked):
        what = t("Since the replacement hasn't left our warehouse yet, {what}", what=what)
        done = t("Done.") + " "
        done_text = t("Done. I've cancelled the replacement.") + " " + done_text.removeprefix(done)
    what = f"{what} {note}".strip()
    state = replace(s, stage=Stage.CONFIRM_ACTION, pending="remedy", proposal=checked,
                    proposal_text=done_text, options=())
    text = f"{lead} {what} {t(CONFIRM_QUESTION)}".strip()
    return Decision(state, text, turn.understood.intent)


def wrap_unconfirmed(s: DialogueState, turn: Turn, decision: Decision, config: DialogueConfig) -> Decision:
    """The invariant, applied to every decision: money requests not yet agreed to become a proposal."""
    money = tuple(r for r in decision.requests if r.kind in MONEY_KINDS)
    if decision.confirmed or not money:
        return decision
    facts = turn.order(money[0].order_id)
    if facts is None:
        return replace(decision, requests=tuple(r for r in decision.requests if r.kind not in MONEY_KINDS))
    rest = tuple(r for r in decision.requests if r.kind not in MONEY_KINDS)
    proposal = propose(s, turn, facts, config, "", money, decision.text)
    return replace(proposal, requests=rest + proposal.requests)


_REFUSALS = {  # msgids
    Refusal.NOT_SHIPPED: N_("This order hasn't left our warehouse yet."),
    Refusal.IN_TRANSIT: N_("This parcel is still on its way to you."),
    Refusal.AT_CUSTOMS: N_("This parcel is at customs, and still within the normal time there."),
    Refusal.NOT_DELIVERED: N_("The tracking doesn't show this parcel as delivered."),
    Refusal.SHIPPED: N_("It has already shipped, so it can't be cancelled."),
    Refusal.CANCELLED: N_("This order is cancelled."),
    Refusal.ALREADY_DONE: N_("That's already been done on this order."),
    Refusal.NOTHING_TO_REFUND: N_("Everything paid on this order has already been refunded."),
    Refusal.OVER_PAID: N_("That's more than was paid on this order."),
    Refusal.WINDOW_CLOSED: N_("The return window for this order has closed."),
    Refusal.NO_REMEDY: N_("There's nothing to refund or replace for this."),
}


def refusal_text(refusal: Refusal | None) -> str:
    """Why not, in one spoken sentence (in the current language)."""
    return t(_REFUSALS.get(refusal, N_("I can't arrange that for this order."))) if refusal else ""
