"""Layer 3 of the script: the solution for each situation, once the caller is verified.

Pure functions of (state, turn, config) to :class:`Decision`. Every solution says what happens,
when, and what the caller must do; changes already made on the order (in any call) are reported as
done instead of being made twice.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from intents.policy import orders as orders
from intents.policy import remedy as rem
from intents.policy.common import already, by_day, day, day_time, money, offer, ok, reason, store_down
from intents.policy.config import DialogueConfig
from intents.policy.types import ActionRequest, Decision, DialogueState, OrderFacts, Stage, Turn
from intents.script import say_amount, say_code_end, say_days, say_number, say_place
from intents.types import Intent

IN_TRANSIT = ("in_transit", "out_for_delivery")
NOT_SHIPPED = ("label_created",)


def solve(s: DialogueState, turn: Turn, config: DialogueConfig, lead: str = "") -> Decision:
    """The solution for ``s.problem`` on the verified order ``s.order_id``."""
    facts = turn.order(s.order_id)
    if facts is None or not s.verified:
        return store_down(s, config)
    handler = _SITUATIONS.get(s.problem or Intent.ORDER_STATUS, _status)
    decision = handler(s, turn, config, facts)
    return replace(decision, text=lead + decision.text) if lead else decision


def _eta(facts: OrderFacts, turn: Turn, config: DialogueConfig) -> str:
    ship = facts.shipment
    if ship is not None and ship.eta is not None:
        return day(ship.eta, turn, facts)
    base = max(facts.placed_at, turn.now)
    return day(base + timedelta(days=config.policy.transit_days), turn, facts)


def _hold_days(facts: OrderFacts, turn: Turn) -> int:
    return rem.hold_days(facts, turn.now)


def _latest(facts: OrderFacts, turn: Turn) -> str:
    ship = facts.shipment
    if ship is None or not ship.events:
        return ""
    ev = ship.events[-1]
    what = ev.description.rstrip(".")
    what = what[:1].lower() + what[1:]
    return f"The latest scan was {day(ev.at, turn, facts)}, in {say_place(ev.location)}: {what}."


def _status(s: DialogueState, turn: Turn, config: DialogueConfig, facts: OrderFacts) -> Decision:
    """Where is my parcel: latest event in plain words and the expected date."""
    ship = facts.shipment
    if facts.cancelled:
        return ok(s, "This order was cancelled, so nothing is on its way.", turn)
    if ship is None or ship.status in NOT_SHIPPED:
        dispatch = max(facts.placed_at + timedelta(days=config.policy.dispatch_days), turn.now)
        return ok(
            s,
            f"It hasn't shipped yet. It leaves our warehouse {by_day(dispatch, turn, facts)}, "
            f"and should reach you around {_eta(facts, turn, config)}. "
            "You'll get the tracking number by email; you don't need to do anything.",
            turn,
        )
    if ship.status in IN_TRANSIT:
        if ship.status == "out_for_delivery":
            when = "It's out for delivery, so it should reach you today."
        else:
            here = (
                ship.events[-1].location.upper().endswith(facts.customer.country.upper())
                if ship.events
                else False
            )
            verb = "reach you" if here else "clear customs and reach you"
            when = f"It should {verb} by {_eta(facts, turn, config)}."
        return ok(
            s,
            f"It's on its way with {ship.carrier}. {_latest(facts, turn)} {when} "
            "You don't need to do anything.",
            turn,
        )
    if ship.status == "customs_hold":
        return _customs(s, turn, config, facts)
    if ship.status == "delivered":
        when = day_time(ship.delivered_at, turn, facts) if ship.delivered_at else "recently"
        place = f", {ship.delivery_place}" if ship.delivery_place else ""
        return ok(
            s,
            f"It was delivered {when}{place}. If you can't find it, tell me, "
            "and I'll open an investigation with the carrier.",
            turn,
        )
    if ship.status == "returned":
        return offer(
            s,
            f"The parcel came back to our warehouse. {_latest(facts, turn)} "
            "I can send it again, or refund you in full. Which would you prefer?",
            turn,
        )
    return _lost(s, turn, config, facts, "There's a problem with the delivery. " + _latest(facts, turn))


def _customs(s: DialogueState, turn: Turn, config: DialogueConfig, facts: OrderFacts) -> Decision:
    """Held at customs: reassure under the threshold; over it explain, give the channel, offer a remedy."""
    ship = facts.shipment
    if ship is None or ship.status != "customs_hold":
        return _status(s, turn, config, facts)
    held = _hold_days(facts, turn)
    place = say_place(ship.events[-1].location) if ship.events else "your country"
    since = day(ship.events[-1].at, turn, facts) if ship.events else "recently"
    if held <= config.policy.customs_hold_days:
        return ok(
            s,
            f"It's at customs in {place}, since {since}. "
            "That's normal; most parcels clear within a week. "
            f"It should reach you by {_eta(facts, turn, config)}. You don't need to do anything.",
            turn,
        )
    done = already(facts, turn, config)
    explain = (
        f"I'm sorry, it's been held at customs in {place} for {say_days(held)}. "
        "That's usually a peak-season backlog, or a random inspection. "
        f"You can follow it on the {ship.carrier} website, "
        f"with the tracking number {say_code_end(ship.tracking_number)}. "
        f"If customs need anything from you, {ship.carrier} will email you."
    )
    if done is not None:
        return ok(s, f"{explain} {done}", turn)
    return offer(
        s,
        f"{explain} I can send a replacement right away, or refund you in full. Which would you prefer?",
        turn,
    )


def _lost(s: DialogueState, turn: Turn, config: DialogueConfig, facts: OrderFacts, lead: str) -> Decision:
    """Open a carrier investigation (once) and offer a reship or a refund."""
    ship = facts.shipment
    carrier = ship.carrier if ship is not None else "the carrier"
    days = say_number(config.policy.investigation_days)
    opened = facts.has("investigation")
    requests: tuple[ActionRequest, ...] = ()
    if opened is not None:
        inv = (
            f"The investigation with {carrier} is already open, since {day(opened.created_at, turn, facts)}."
        )
    else:
        inv = f"I've opened an investigation with {carrier}; they answer within {days} working days."
        requests = (ActionRequest("investigation", facts.id, reason=lead.strip() or "not received"),)
    done = already(facts, turn, config)
    if done is not None:
        return ok(s, f"{lead} {inv} {done}".strip(), turn, *requests)
    return offer(
        s,
        f"{lead} {inv} Meanwhile, I can send a replacement now, or refund you in full. "
        "Which would you prefer?".strip(),
        turn,
        *requests,
    )


def _not_received(s: DialogueState, turn: Turn, config: DialogueConfig, facts: OrderFacts) -> Decision:
    """Delivered but not received: where and when, an investigation, a reship or a refund."""
    ship = facts.shipment
    if ship is None or ship.status != "delivered":
        decision = _status(s, turn, config, facts)
        return replace(decision, text="The tracking doesn't show it as delivered yet. " + decision.text)
    when = day_time(ship.delivered_at, turn, facts) if ship.delivered_at else "recently"
    place = f", {ship.delivery_place}" if ship.delivery_place else ""
    return _lost(s, turn, config, facts, f"I see it was marked delivered {when}{place}.")


def _damaged(s: DialogueState, turn: Turn, config: DialogueConfig, facts: OrderFacts) -> Decision:
    """Damaged or wrong: only for a delivered parcel. Apologise first; under the threshold propose a
    refund plus a coupon (keep the item), else a replacement or a refund with a return label."""
    check = rem.check_remedy("refund", s.problem, facts, turn.now, config)
    if check.refusal in _NOT_ARRIVED:
        # The parcel can't have arrived damaged: this is a logistics question, answered as one.
        ship = facts.shipment
        customs = ship is not None and ship.status == "customs_hold"
        s = replace(s, problem=Intent.CUSTOMS_DELAY if customs else Intent.ORDER_STATUS)
        why = f"{rem.refusal_text(check.refusal)} So it can't be the parcel that arrived {_what(s, facts)}. "
        decision = _status(s, turn, config, facts)
        return replace(decision, text=why + decision.text, state=replace(decision.state, last_reason=why))
    sorry = (
        "I'm so sorry we sent the wrong item."
        if s.problem is Intent.WRONG_ITEM
        else "I'm so sorry about that."
    )
    done = already(facts, turn, config)
    if done is not None:
        return ok(s, f"{sorry} {done}", turn)
    if facts.total < config.policy.coupon_threshold:
        coupon = say_amount(config.policy.coupon_value, facts.currency)
        requests = (
            ActionRequest("refund", facts.id, check.refundable, facts.currency, reason=reason(s)),
            ActionRequest("coupon", facts.id, config.policy.coupon_value, facts.currency, reason="goodwill"),
        )
        done_text = (
            f"Done. I've refunded {money(facts, check.refundable)}; it reaches your card within "
            f"{say_number(config.policy.refund_days)} business days. I've also added a {coupon} coupon "
            "to your account, for your next order. You don't need to send anything back."
        )
        return rem.propose(s, turn, facts, config, sorry, requests, done_text,
                           note="You keep the item; there's nothing to send back.")
    return offer(
        s,
        f"{sorry} I can send you a replacement, or refund you in full. "
        "Either way, I'll email you a prepaid return label, so it costs you nothing. Which would you prefer?",
        turn,
    )


_NOT_ARRIVED = (
    rem.Refusal.NOT_SHIPPED, rem.Refusal.IN_TRANSIT, rem.Refusal.AT_CUSTOMS, rem.Refusal.NOT_DELIVERED
)


def _what(s: DialogueState, facts: OrderFacts) -> str:
    return "wrong" if s.problem is Intent.WRONG_ITEM else "damaged"


def remedy(s: DialogueState, turn: Turn, config: DialogueConfig, picked: str) -> Decision:
    """Propose the remedy the caller picked (refund or reship), with a return label for damaged
    items, once its preconditions hold; the caller's yes makes it (see :mod:`intents.policy.remedy`)."""
    facts = turn.order(s.order_id)
    if facts is None:
        return store_down(s, config)
    check = rem.check_remedy(picked, s.problem, facts, turn.now, config)
    if not check.allowed:
        done = already(facts, turn, config)
        if check.refusal is rem.Refusal.ALREADY_DONE and done is not None:
            return ok(s, done, turn)
        why = rem.refusal_text(check.refusal)
        if check.refusal is rem.Refusal.NO_REMEDY:
            return Decision(
                replace(s, stage=Stage.AWAIT_PROBLEM, problem=None, options=(), last_reason=why),
                "I can't refund or replace this order as it is. What went wrong with it? For example, "
                "it arrived damaged, it's the wrong item, or you'd like to return it.",
                turn.understood.intent,
            )
        return ok(replace(s, last_reason=why), f"I'm sorry, I can't do that. {why}", turn)
    p = config.policy
    wants_return = s.problem in (Intent.DAMAGED_ITEM, Intent.WRONG_ITEM)
    requests = []
    if picked == "refund":
        requests.append(ActionRequest("refund", facts.id, check.refundable, facts.currency, reason=reason(s)))
        text = (
            f"Done. I've refunded {money(facts, check.refundable)}. "
            f"It reaches your card within {say_number(p.refund_days)} business days."
        )
    else:
        requests.append(ActionRequest("reship", facts.id, facts.total, facts.currency, reason=reason(s)))
        leaves = turn.now + timedelta(days=p.reship_days)
        arrives = leaves + timedelta(days=p.transit_days)
        text = (
            f"Done. A replacement leaves our warehouse {by_day(leaves, turn, facts)}, and should reach you "
            f"around {day(arrives, turn, facts)}. You'll get the new tracking number by email."
        )
    if wants_return and facts.has("return_label") is None:
        requests.append(ActionRequest("return_label", facts.id, reason=reason(s)))
        text += (
            " I've emailed you a prepaid return label; "
            "just drop the item at a post office within fourteen days."
        )
    else:
        text += " You don't need to do anything else."
    return rem.propose(s, turn, facts, config, "", tuple(requests), text)


_SITUATIONS = {
    Intent.ORDER_STATUS: _status,
    Intent.CUSTOMS_DELAY: _customs,
    Intent.DELIVERED_NOT_RECEIVED: _not_received,
    Intent.DAMAGED_ITEM: _damaged,
    Intent.WRONG_ITEM: _damaged,
    Intent.RETURN_REQUEST: orders.return_request,
    Intent.REFUND_STATUS: orders.refund_status,
    Intent.CANCEL_ORDER: orders.cancel,
    Intent.CHANGE_ADDRESS: orders.change_address,
}
