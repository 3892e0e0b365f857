"""Layer 3 of the script: the solution for each situation, once the caller is verified.

Pure functions of (state, turn, config) to :class:`Decision`. Every solution says what happens,
when, and what the caller must do; changes already made on the order (in any call) are reported as
done instead of being made twice.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from intents.i18n import N_, current_language, t
from intents.i18n.spoken import say_amount, say_code_end, say_days, say_number, say_place
from intents.policy import orders as orders
from intents.policy import remedy as rem
from intents.policy.common import already, by_day, day, day_time, money, offer, ok, reason, store_down
from intents.policy.config import DialogueConfig
from intents.policy.types import ActionRequest, Decision, DialogueState, OrderFacts, Stage, Turn
from intents.types import Intent

IN_TRANSIT = ("in_transit", "out_for_delivery")
# A tracking event said by its status in other languages (the carrier's description is English).
_EVENTS = {
    "label_created": N_("label created"), "in_transit": N_("in transit"),
    "out_for_delivery": N_("out for delivery"), "customs_hold": N_("held at customs"),
    "delivered": N_("delivered"), "exception": N_("a delivery problem"), "returned": N_("returned to sender"),
}
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
    if current_language() != "en" and ev.status in _EVENTS:  # the carrier's text is English data
        what = t(_EVENTS[ev.status])
    return t("The latest scan was {day}, in {place}: {what}.", day=day(ev.at, turn, facts),
             place=say_place(ev.location), what=what)


def _status(s: DialogueState, turn: Turn, config: DialogueConfig, facts: OrderFacts) -> Decision:
    """Where is my parcel: latest event in plain words and the expected date."""
    ship = facts.shipment
    if facts.cancelled:
        return ok(s, t("This order was cancelled, so nothing is on its way."), turn)
    if ship is None or ship.status in NOT_SHIPPED:
        dispatch = max(facts.placed_at + timedelta(days=config.policy.dispatch_days), turn.now)
        return ok(
            s,
            t("It hasn't shipped yet. It leaves our warehouse {by_day}, "
              "and should reach you around {eta}. "
              "You'll get the tracking number by email; you don't need to do anything.",
              by_day=by_day(dispatch, turn, facts), eta=_eta(facts, turn, config)),
            turn,
        )
    if ship.status in IN_TRANSIT:
        if ship.status == "out_for_delivery":
            when = t("It's out for delivery, so it should reach you today.")
        else:
            here = (
                ship.events[-1].location.upper().endswith(facts.customer.country.upper())
                if ship.events
                else False
            )
            eta = _eta(facts, turn, config)
            when = (t("It should reach you by {eta}.", eta=eta) if here
                    else t("It should clear customs and reach you by {eta}.", eta=eta))
        return ok(
            s,
            t("It's on its way with {carrier}.", carrier=ship.carrier) + f" {_latest(facts, turn)} {when} "
            + t("You don't need to do anything."),
            turn,
        )
    if ship.status == "customs_hold":
        return _customs(s, turn, config, facts)
    if ship.status == "delivered":
        when = day_time(ship.delivered_at, turn, facts) if ship.delivered_at else t("recently")
        place = f", {ship.delivery_place}" if ship.delivery_place else ""
        return ok(
            s,
            t("It was delivered {when}{place}. If you can't find it, tell me, "
              "and I'll open an investigation with the carrier.", when=when, place=place),
            turn,
        )
    if ship.status == "returned":
        return offer(
            s,
            t("The parcel came back to our warehouse.") + f" {_latest(facts, turn)} "
            + t("I can send it again, or refund you in full. Which would you prefer?"),
            turn,
        )
    trouble = t("There's a problem with the delivery.") + " " + _latest(facts, turn)
    return _lost(s, turn, config, facts, trouble)


def _customs(s: DialogueState, turn: Turn, config: DialogueConfig, facts: OrderFacts) -> Decision:
    """Held at customs: reassure under the threshold; over it explain, give the channel, offer a remedy."""
    ship = facts.shipment
    if ship is None or ship.status != "customs_hold":
        return _status(s, turn, config, facts)
    held = _hold_days(facts, turn)
    place = say_place(ship.events[-1].location) if ship.events else t("your country")
    since = day(ship.events[-1].at, turn, facts) if ship.events else t("recently")
    if held <= config.policy.customs_hold_days:
        return ok(
            s,
            t("It's at customs in {place}, since {since}. "
              "That's normal; most parcels clear within a week. "
              "It should reach you by {eta}. You don't need to do anything.",
              place=place, since=since, eta=_eta(facts, turn, config)),
            turn,
        )
    done = already(facts, turn, config)
    explain = t(
        "I'm sorry, it's been held at customs in {place} for {days}. "
        "That's usually a peak-season backlog, or a random inspection. "
        "You can follow it on the {carrier} website, "
        "with the tracking number {tracking}. "
        "If customs need anything from you, {carrier} will email you.",
        place=place, days=say_days(held), carrier=ship.carrier, tracking=say_code_end(ship.tracking_number),
    )
    if done is not None:
        return ok(s, f"{explain} {done}", turn)
    return offer(
        s,
        f"{explain} "
        + t("I can send a replacement right away, or refund you in full. Which would you prefer?"),
        turn,
    )


def _lost(s: DialogueState, turn: Turn, config: DialogueConfig, facts: OrderFacts, lead: str) -> Decision:
    """Open a carrier investigation (once) and offer a reship or a refund."""
    ship = facts.shipment
    carrier = ship.carrier if ship is not None else t("the carrier")
    days = say_number(config.policy.investigation_days)
    opened = facts.has("investigation")
    requests: tuple[ActionRequest, ...] = ()
    if opened is not None:
        inv = t("The investigation with {carrier} is already open, since {since}.", carrier=carrier,
                since=day(opened.created_at, turn, facts))
    else:
        inv = t("I've opened an investigation with {carrier}; they answer within {days} working days.",
                carrier=carrier, days=days)
        requests = (ActionRequest("investigation", facts.id, reason=lead.strip() or "not received"),)
    done = already(facts, turn, config)
    if done is not None:
        return ok(s, f"{lead} {inv} {done}".strip(), turn, *requests)
    return offer(
        s,
        (f"{lead} {inv} " + t("Meanwhile, I can send a replacement now, or refund you in full. "
                              "Which would you prefer?")).strip(),
        turn,
        *requests,
    )


def _not_received(s: DialogueState, turn: Turn, config: DialogueConfig, facts: OrderFacts) -> Decision:
    """Delivered but not received: where and when, an investigation, a reship or a refund."""
    ship = facts.shipment
    if ship is None or ship.status != "delivered":
        decision = _status(s, turn, config, facts)
        not_yet = t("The tracking doesn't show it as delivered yet.")
        return replace(decision, text=not_yet + " " + decision.text)
    when = day_time(ship.delivered_at, turn, facts) if ship.delivered_at else t("recently")
    place = f", {ship.delivery_place}" if ship.delivery_place else ""
    marked = t("I see it was marked delivered {when}{place}.", when=when, place=place)
    return _lost(s, turn, config, facts, marked)


def _damaged(s: DialogueState, turn: Turn, config: DialogueConfig, facts: OrderFacts) -> Decision:
    """Damaged or wrong: only for a delivered parcel. Apologise first; under the threshold propose a
    refund plus a coupon (keep the item), else a replacement or a refund with a return label."""
    check = rem.check_remedy("refund", s.problem, facts, turn.now, config)
    if check.refusal in _NOT_ARRIVED:
        # The parcel can't have arrived damaged: this is a logistics question, answered as one.
        ship = facts.shipment
        customs = ship is not None and ship.status == "customs_hold"
        s = replace(s, problem=Intent.CUSTOMS_DELAY if customs else Intent.ORDER_STATUS)
        why = rem.refusal_text(check.refusal) + " " + _what(s, facts) + " "
        decision = _status(s, turn, config, facts)
        return replace(decision, text=why + decision.text, state=replace(decision.state, last_reason=why))
    sorry = (
        t("I'm so sorry we sent the wrong item.")
        if s.problem is Intent.WRONG_ITEM
        else t("I'm so sorry about that.")
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
        done_text = t(
            "Done. I've refunded {amount}; it reaches your card within "
            "{days} business days. I've also added a {coupon} coupon "
            "to your account, for your next order. You don't need to send anything back.",
            amount=money(facts, check.refundable), days=say_number(config.policy.refund_days), coupon=coupon,
        )
        return rem.propose(s, turn, facts, config, sorry, requests, done_text,
                           note=t("You keep the item; there's nothing to send back."))
    return offer(
        s,
        f"{sorry} " + t("I can send you a replacement, or refund you in full. "
                        "Either way, I'll email you a prepaid return label, so it costs you nothing. "
                        "Which would you prefer?"),
        turn,
    )


_NOT_ARRIVED = (
    rem.Refusal.NOT_SHIPPED, rem.Refusal.IN_TRANSIT, rem.Refusal.AT_CUSTOMS, rem.Refusal.NOT_DELIVERED
)


def _what(s: DialogueState, facts: OrderFacts) -> str:
    """Why the problem can't be what the caller said: whole sentences (the adjective agrees)."""
    if s.problem is Intent.WRONG_ITEM:
        return t("So it can't be the parcel that arrived wrong.")
    return t("So it can't be the parcel that arrived damaged.")


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
                t("I can't refund or replace this order as it is. What went wrong with it? For example, "
                  "it arrived damaged, it's the wrong item, or you'd like to return it."),
                turn.understood.intent,
            )
        return ok(replace(s, last_reason=why), t("I'm sorry, I can't do that.") + f" {why}", turn)
    p = config.policy
    wants_return = s.problem in (Intent.DAMAGED_ITEM, Intent.WRONG_ITEM)
    requests = []
    if picked == "refund":
        requests.append(ActionRequest("refund", facts.id, check.refundable, facts.currency, reason=reason(s)))
        text = t(
            "Done. I've refunded {amount}. "
            "It reaches your card within {days} business days.",
            amount=money(facts, check.refundable), days=say_number(p.refund_days),
        )
    else:
        requests.append(ActionRequest("reship", facts.id, facts.total, facts.currency, reason=reason(s)))
        leaves = turn.now + timedelta(days=p.reship_days)
        arrives = leaves + timedelta(days=p.transit_days)
        text = t(
            "Done. A replacement leaves our warehouse {by_day}, and should reach you "
            "around {eta}. You'll get the new tracking number by email.",
            by_day=by_day(leaves, turn, facts), eta=day(arrives, turn, facts),
        )
    if wants_return and facts.has("return_label") is None:
        requests.append(ActionRequest("return_label", facts.id, reason=reason(s)))
        text += " " + t(
            "I've emailed you a prepaid return label; "
            "just drop the item at a post office within fourteen days."
        )
    else:
        text += " " + t("You don't need to do anything else.")
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
