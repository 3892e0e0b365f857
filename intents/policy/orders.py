"""Layer 3 for the order itself: returns, refund status, cancellation, change of address."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import timedelta

from intents.i18n import t
from intents.i18n.spoken import say_code_end, say_days, say_digits, say_number
from intents.policy import remedy as rem
from intents.policy.common import already, by_day, day, money, ok, store_down
from intents.policy.config import DialogueConfig
from intents.policy.types import ActionRequest, Decision, DialogueState, OrderFacts, Stage, Turn

NOT_SHIPPED = ("label_created",)


def return_request(s: DialogueState, turn: Turn, config: DialogueConfig, facts: OrderFacts) -> Decision:
    """Return request: within the country's window refund without return (low value) or a label."""
    p = config.policy
    ship = facts.shipment
    window = p.return_window(facts.customer.country)
    if ship is None or ship.status in NOT_SHIPPED:
        return ask_cancel(
            s, turn, facts, t("It hasn't shipped yet, so instead of a return I can simply cancel it.")
        )
    if ship.status != "delivered":
        return ok(
            s,
            t("It's still on its way. Once it arrives, you have {days} to return it. "
              "Just call us then.", days=say_days(window)),
            turn,
        )
    delivered = ship.delivered_at or (ship.events[-1].at if ship.events else facts.placed_at)
    age = (turn.now - delivered).days
    deadline = delivered + timedelta(days=window)
    if age > window:
        return ok(
            s,
            t("I'm sorry; it was delivered {delivered}, and the {days}-day "
              "return window closed {closed}. So I can't take it back as a return. "
              "If something is wrong with the item, tell me and I'll look at it.",
              delivered=day(delivered, turn, facts), days=say_number(window),
              closed=day(deadline, turn, facts)),
            turn,
        )
    label = facts.has("return_label")
    done = already(facts, turn, config)
    if done is not None or label is not None:
        sent = day(label.created_at, turn, facts) if label else t("earlier")
        text = done or t("I already emailed you a prepaid return label, {when}.", when=sent)
        return ok(s, text, turn)
    if facts.total <= p.refund_without_return_max:
        left = rem.refundable(facts)
        return rem.propose(
            s, turn, facts, config, t("Good news: you don't need to send it back."),
            (ActionRequest("refund", facts.id, left, facts.currency, reason="return without shipping back"),),
            t("Done. I've refunded {amount}; it reaches your card within "
              "{days} business days. Please keep the item.", amount=money(facts, left),
              days=say_number(p.refund_days)),
            note=t("You keep the item."),
        )
    return rem.propose(
        s, turn, facts, config, "",
        (ActionRequest("return_label", facts.id, reason="return request, insured"),),
        t("Done. I've emailed you a prepaid return label, with return-shipping insurance, so it costs you "
          "nothing. Please drop the parcel at a post office by {deadline}. Your refund of "
          "{amount} follows within {days} business days of it reaching us.",
          deadline=day(deadline, turn, facts), amount=money(facts), days=say_number(p.refund_days)),
        note=t("It's insured and costs you nothing."),
    )


def refund_status(s: DialogueState, turn: Turn, config: DialogueConfig, facts: OrderFacts) -> Decision:
    """Where is my refund: answer from the store."""
    refund = facts.has("refund")
    if refund is not None:
        arrives = refund.created_at + timedelta(days=config.policy.refund_days + 2)
        return ok(
            s,
            t("A refund of {amount} was issued {issued}. "
              "It should be on your card by {arrives}. You don't need to do anything.",
              amount=money(facts, refund.amount), issued=day(refund.created_at, turn, facts),
              arrives=day(arrives, turn, facts)),
            turn,
        )
    if facts.has("return_label") is not None:
        return ok(
            s,
            t("We're waiting for your return to reach us. Your refund follows within "
              "{days} business days of its arrival.", days=say_number(config.policy.refund_days)),
            turn,
        )
    return Decision(
        replace(s, stage=Stage.AWAIT_PROBLEM, problem=None),
        t("I don't see a refund on this order yet. What happened with it?"),
        turn.understood.intent,
    )


def ask_cancel(s: DialogueState, turn: Turn, facts: OrderFacts, lead: str) -> Decision:
    return Decision(
        replace(s, stage=Stage.CONFIRM_ACTION, pending="cancel"),
        f"{lead} "
        + t("I'll cancel order {digits} and refund the full {amount} to your card.",
            digits=say_digits(facts.id), amount=money(facts))
        + f" {t(rem.CONFIRM_QUESTION)}",
        turn.understood.intent,
    )


def cancel(s: DialogueState, turn: Turn, config: DialogueConfig, facts: OrderFacts) -> Decision:
    """Cancel only before dispatch."""
    if facts.cancelled:
        return ok(s, t("This order is already cancelled.") + " " + (already(facts, turn, config) or ""), turn)
    ship = facts.shipment
    if ship is None or ship.status in NOT_SHIPPED:
        return ask_cancel(s, turn, facts, t("It hasn't shipped yet, so I can cancel it."))
    window = config.policy.return_window(facts.customer.country)
    return ok(
        s,
        t("It has already shipped, so I can't cancel it now. Once it arrives, you can return it within "
          "{days}, and we'll refund you.", days=say_days(window)),
        turn,
    )


def change_address(s: DialogueState, turn: Turn, config: DialogueConfig, facts: OrderFacts) -> Decision:
    """Change the address only before dispatch."""
    ship = facts.shipment
    if facts.cancelled:
        return ok(s, t("This order was cancelled, so there's nothing to redirect."), turn)
    if ship is None or ship.status in NOT_SHIPPED:
        return Decision(
            replace(s, stage=Stage.AWAIT_ADDRESS),
            t("It hasn't shipped yet, so I can change it. What's the new address, with the postcode?"),
            turn.understood.intent,
        )
    return ok(
        s,
        t("It has already shipped with {carrier}, so I can't change the address from here. "
          "{carrier} can redirect it; use the tracking number "
          "{tracking} on their website.", carrier=ship.carrier, tracking=say_code_end(ship.tracking_number)),
        turn,
    )


def confirm(s: DialogueState, turn: Turn, config: DialogueConfig) -> Decision:
    """The caller said yes to the pending cancel or address change."""
    facts = turn.order(s.order_id)
    if facts is None:
        return store_down(s, config)
    if s.pending == "cancel":
        check = rem.check_remedy("cancel", s.problem, facts, turn.now, config, facts.total)
        if not check.allowed:
            return ok(s, t("I'm sorry, I can't cancel it now.") + f" {rem.refusal_text(check.refusal)}", turn)
        return ok(
            s,
            t("Done. Order {digits} is cancelled, and I've refunded the full {amount}. "
              "It reaches your card within {days} business days.", digits=say_digits(facts.id),
              amount=money(facts), days=say_number(config.policy.refund_days)),
            turn,
            ActionRequest(
                "cancel", facts.id, check.refundable, facts.currency, reason="cancelled before dispatch"
            ),
            confirmed=True,
        )
    dispatch = max(facts.placed_at + timedelta(days=config.policy.dispatch_days), turn.now)
    return ok(
        s,
        t("Done. Your parcel will go to the new address. "
          "It still leaves our warehouse {by_day}.", by_day=by_day(dispatch, turn, facts)),
        turn,
        ActionRequest("address_change", facts.id, reason=s.new_address),
    )


# What callers say before the address itself ("It's 12 Main Street", "Um, the new one is ...").
_ADDRESS_LEAD = re.compile(
    r"^(?:(?:um|uh|er|so|okay|ok|yes|yeah|sure|right|well)[,.]?\s+)*"
    r"(?:(?:it's|it is|that's|that is|(?:my|the) new (?:address|one) is|(?:my|the) address is)[,:]?\s+)?",
    re.IGNORECASE,
)


# The same lead-ins in the other served languages ("Die neue Adresse ist ...", "新しい住所は...").
_ADDRESS_LEAD_OTHER = re.compile(
    r"^(?:新しい)?住所は[、,]?\s*"  # first: the rest of the pattern may match nothing
    r"|^(?:(?:ähm|äh|also|ja|euh|alors|oui|eh|pues|sí|si|ehm|allora|ecco)[,.]?\s+)*"
    r"(?:(?:(?:die|meine) (?:neue )?adresse (?:ist|lautet)|(?:la|ma) nouvelle adresse est|c'est"
    r"|(?:la|mi) nueva direcci[óo]n es|(?:il|il mio) nuovo indirizzo [èe])[,:]?\s+)?",
    re.IGNORECASE,
)


def address_heard(text: str) -> str:
    """The address in the caller's words, without the lead-in and the final period."""
    t = text.strip().rstrip(".。")
    rest = _ADDRESS_LEAD.sub("", t, count=1)
    if rest == t:
        rest = re.sub(r"(?:です|でございます)$", "", _ADDRESS_LEAD_OTHER.sub("", t, count=1))
    return rest[:1].upper() + rest[1:] if rest else t
