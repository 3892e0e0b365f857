"""The pure precondition check, the confirmation invariant, callbacks, caller text and postcodes."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from intents.policy.address import postcode_in
from intents.policy.callback import say_slot, slot, zone_of_number, zone_of_text
from intents.policy.config import DialogueConfig
from intents.policy.decide import step
from intents.policy.remedy import Refusal, check_remedy, refundable, wrap_unconfirmed
from intents.policy.text import clean_caller_text
from intents.policy.types import (
    ActionRequest,
    ChangeFacts,
    CustomerFacts,
    Decision,
    DialogueState,
    EventFacts,
    OrderFacts,
    ShipmentFacts,
    Stage,
    Turn,
)
from intents.types import Intent, IntentResult

NOW = datetime(2026, 11, 27, 15, 0, tzinfo=UTC)  # a Friday
CFG = DialogueConfig()
ANA = CustomerFacts("C-1", "Ana", "ana@example.com", "+351912345678", "PT", "1100-148", "en", "Europe/Lisbon")


def order(
    status: str | None, total: float = 35.0, days_in_status: int = 2, changes: tuple[ChangeFacts, ...] = ()
) -> OrderFacts:
    ship = None
    if status is not None:
        at = NOW - timedelta(days=days_in_status)
        events = (EventFacts(at, "Lisbon, PT", status, "an event"),)
        delivered = at if status == "delivered" else None
        ship = ShipmentFacts("CTT", "RR1", status, None, delivered, "", events)
    return OrderFacts("12094", ANA, NOW - timedelta(days=20), "EUR", total, (), ship, changes)


def change(kind: str, amount: float | None = None, days_ago: float = 0.0) -> ChangeFacts:
    return ChangeFacts(kind, amount, "EUR", "", NOW - timedelta(days=days_ago))


# -- preconditions ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("status", "refusal"),
    [
        (None, Refusal.NOT_SHIPPED),
        ("label_created", Refusal.NOT_SHIPPED),
        ("in_transit", Refusal.IN_TRANSIT),
        ("out_for_delivery", Refusal.IN_TRANSIT),
        ("customs_hold", Refusal.AT_CUSTOMS),
        ("exception", Refusal.NOT_DELIVERED),
        ("delivered", None),
    ],
)
def test_damaged_item_needs_a_delivered_parcel(status: str | None, refusal: Refusal | None) -> None:
    for kind in ("refund", "reship", "coupon"):
        check = check_remedy(kind, Intent.DAMAGED_ITEM, order(status), NOW, CFG)
        assert check.allowed is (refusal is None) and check.refusal is refusal, kind


def test_customs_remedy_only_after_the_hold_threshold() -> None:
    short = order("customs_hold", days_in_status=CFG.policy.customs_hold_days)
    long = order("customs_hold", days_in_status=CFG.policy.customs_hold_days + 1)
    assert check_remedy("refund", Intent.CUSTOMS_DELAY, short, NOW, CFG).refusal is Refusal.AT_CUSTOMS
    assert check_remedy("refund", Intent.CUSTOMS_DELAY, long, NOW, CFG).allowed


def test_only_an_unshipped_order_can_be_cancelled() -> None:
    assert check_remedy("cancel", Intent.CANCEL_ORDER, order("label_created"), NOW, CFG).allowed
    shipped = check_remedy("cancel", Intent.CANCEL_ORDER, order("in_transit"), NOW, CFG)
    assert shipped.refusal is Refusal.SHIPPED
    cancelled = replace(order("label_created"), cancelled=True)
    assert check_remedy("cancel", Intent.CANCEL_ORDER, cancelled, NOW, CFG).refusal is Refusal.CANCELLED


def test_refund_never_above_paid_minus_refunded() -> None:
    facts = order("delivered", total=35.0)
    assert check_remedy("refund", Intent.DAMAGED_ITEM, facts, NOW, CFG, amount=35.0).allowed
    over = check_remedy("refund", Intent.DAMAGED_ITEM, facts, NOW, CFG, amount=35.01)
    assert over.refusal is Refusal.OVER_PAID
    assert refundable(replace(facts, changes=(change("refund", 10.0),))) == 25.0


def test_one_remedy_per_problem() -> None:
    refunded = order("delivered", changes=(change("refund", 35.0),))
    for kind in ("refund", "reship", "cancel"):
        assert check_remedy(kind, Intent.DAMAGED_ITEM, refunded, NOW, CFG).allowed is False


def test_refund_after_an_unsent_replacement_is_a_change_of_mind() -> None:
    fresh = order("delivered", changes=(change("reship", 35.0, days_ago=0.5),))
    check = check_remedy("refund", Intent.DAMAGED_ITEM, fresh, NOW, CFG)
    assert check.allowed and check.replaces == "reship"
    sent = order("delivered", changes=(change("reship", 35.0, days_ago=CFG.policy.reship_days + 1),))
    assert check_remedy("refund", Intent.DAMAGED_ITEM, sent, NOW, CFG).refusal is Refusal.ALREADY_DONE


def test_a_received_parcel_with_no_stated_problem_has_no_remedy() -> None:
    assert check_remedy("refund", None, order("delivered"), NOW, CFG).refusal is Refusal.NO_REMEDY
    assert check_remedy("refund", Intent.ORDER_STATUS, order("exception"), NOW, CFG).allowed


def test_return_needs_delivery_inside_the_window() -> None:
    inside = order("delivered", days_in_status=CFG.policy.return_window("PT"))
    outside = order("delivered", days_in_status=CFG.policy.return_window("PT") + 1)
    assert check_remedy("return_label", Intent.RETURN_REQUEST, inside, NOW, CFG).allowed
    late = check_remedy("return_label", Intent.RETURN_REQUEST, outside, NOW, CFG)
    assert late.refusal is Refusal.WINDOW_CLOSED
    assert check_remedy("reship", Intent.RETURN_REQUEST, inside, NOW, CFG).refusal is Refusal.NO_REMEDY


# -- confirmation invariant ---------------------------------------------------------------------------
def test_unconfirmed_money_requests_become_a_question() -> None:
    facts = order("delivered")
    t = Turn("", IntentResult(Intent.OTHER, 1.0), NOW, orders=(facts,))
    s = DialogueState(problem=Intent.DAMAGED_ITEM, order_id=facts.id, verified=True)
    raw = Decision(s, "Done.", requests=(ActionRequest("refund", facts.id, 35.0, "EUR"),
                                         ActionRequest("investigation", facts.id)))
    wrapped = wrap_unconfirmed(s, t, raw, CFG)
    assert [r.kind for r in wrapped.requests] == ["investigation"]  # not money: made now
    assert "Shall I go ahead?" in wrapped.text and wrapped.state.stage is Stage.CONFIRM_ACTION
    assert [r.kind for r in wrapped.state.proposal] == ["refund"]
    confirmed = replace(raw, confirmed=True)
    assert wrap_unconfirmed(s, t, confirmed, CFG) is confirmed


def test_a_yes_rechecks_the_facts_before_paying() -> None:
    facts = order("delivered")
    s = DialogueState(stage=Stage.CONFIRM_ACTION, pending="remedy", problem=Intent.DAMAGED_ITEM,
                      order_id=facts.id, verified=True,
                      proposal=(ActionRequest("refund", facts.id, 35.0, "EUR"),), proposal_text="Done.")
    meanwhile = replace(facts, changes=(change("refund", 35.0),))  # another call refunded it
    d = step(s, Turn("yes", IntentResult(Intent.AFFIRM, 1.0), NOW, orders=(meanwhile,)), CFG)
    assert d.requests == () and "already done" in d.text
    d = step(s, Turn("yes", IntentResult(Intent.AFFIRM, 1.0), NOW, orders=(facts,)), CFG)
    assert [r.kind for r in d.requests] == ["refund"] and d.confirmed


def test_a_no_moves_nothing() -> None:
    facts = order("delivered")
    s = DialogueState(stage=Stage.CONFIRM_ACTION, pending="remedy", order_id=facts.id, verified=True,
                      proposal=(ActionRequest("refund", facts.id, 35.0, "EUR"),), proposal_text="Done.")
    d = step(s, Turn("no", IntentResult(Intent.DENY, 1.0), NOW, orders=(facts,)), CFG)
    assert d.requests == () and d.state.proposal == () and d.state.stage is Stage.ANYTHING_ELSE


# -- callbacks ----------------------------------------------------------------------------------------
def test_slot_is_inside_team_hours_and_caller_waking_hours() -> None:
    late = datetime(2026, 11, 27, 21, 30, tzinfo=UTC)  # Friday night
    start = slot(late, "Europe/Madrid", CFG)
    assert start == datetime(2026, 11, 28, 8, 0, tzinfo=UTC)  # Saturday 08:00 London, 09:00 Madrid
    assert say_slot(start, "Europe/Madrid", late) == "tomorrow between nine and ten in the morning"
    sunday = slot(datetime(2026, 11, 28, 20, 30, tzinfo=UTC), "Europe/London", CFG)
    assert sunday.weekday() == 0 and sunday.hour == 8  # no Sunday shift: Monday 08:00
    sydney = slot(NOW, "Australia/Sydney", CFG)  # 02:00 in Sydney now; team and caller overlap 08-10 UTC
    assert 8 <= sydney.astimezone(UTC).hour < 10
    local_hour = sydney.astimezone(__import__("zoneinfo").ZoneInfo("Australia/Sydney")).hour
    assert CFG.callbacks.caller_first_hour <= local_hour < CFG.callbacks.caller_last_hour


def test_zone_from_number_and_from_words() -> None:
    assert zone_of_number("+34 612 345 678") == "Europe/Madrid"
    assert zone_of_number("0044 7700 900123") == "Europe/London"
    assert zone_of_number("+1 415 555 0100") is None  # several zones: asked
    assert zone_of_number("612 345 678") is None
    assert zone_of_text("I'm in San Francisco") == "America/Los_Angeles"
    assert zone_of_text("near Lisbon") == "Europe/Lisbon"
    assert zone_of_text("Germany") == "Europe/Berlin"
    assert zone_of_text("no idea") is None


# -- caller text and addresses ------------------------------------------------------------------------
def test_caller_text_is_stripped_and_bounded() -> None:
    assert clean_caller_text("\x1b[2J\x1b[31mhello\x1b[0m\x07 there\u202e\x00") == "hello there"
    assert clean_caller_text("\x1b]0;title\x07where is it") == "where is it"
    long = clean_caller_text("word " * 1000, 100)
    assert len(long) <= 100 and long.endswith("word")


@pytest.mark.parametrize(
    ("address", "country", "ok"),
    [
        ("Rua Nova 5, 1100-148 Lisboa", "PT", True),
        ("Rua Nova 5, Lisboa 99999", "PT", False),
        ("10 Downing St, London SW1A 2AA", "GB", True),
        ("12 Main Street, Chicago 60610", "US", True),
        ("12 Main Street, Chicago", "US", False),
        ("Damrak 1, 1012 LG Amsterdam", "NL", True),
        ("1 Main St, Toronto M5V 2T6", "CA", True),
    ],
)
def test_postcode_must_fit_the_country(address: str, country: str, ok: bool) -> None:
    assert (postcode_in(address, country) is not None) is ok
