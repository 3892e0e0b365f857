"""Text dialogues over the demo store: every situation, the four layers, actions in the store.

A keyword NLU (tests/dialogue_fakes.py) keeps these tests about the policy, not the NLU; the same
flows with the real NLU live in test_dialogue_nlu.py.
"""

from __future__ import annotations

import pytest
from dialogue_fakes import scripted_call
from helpers import NOW

from agent.store import Store
from intents.dialogue import RuleDialogue
from intents.policy.orders import address_heard
from intents.types import Reply


def talk(store: Store | None, *lines: str, call_id: str | None = None) -> tuple[RuleDialogue, list[Reply]]:
    return scripted_call(store, *lines, now=NOW, call_id=call_id)


def kinds(replies: list[Reply]) -> list[str]:
    return [a.kind for r in replies for a in r.actions]


def text(replies: list[Reply]) -> str:
    return " ".join(r.text for r in replies)


# -- layer 1 and 4 -------------------------------------------------------------------------------
def test_opener_names_agent_store_and_promise(store: Store) -> None:
    _, (hello,) = talk(store)
    assert hello.text.startswith("Hi, this is Alex from Northwind")
    assert "right now" in hello.text
    assert "how may i help" not in hello.text.lower()


def test_four_layers_in_a_whole_call(store: Store) -> None:
    _, r = talk(store, "my mugs arrived broken", "two three eight seven one", "75011", "yes please",
                "no thanks")
    assert "Alex" in r[0].text and "right now" in r[0].text  # opener with a promise
    assert r[1].text.startswith("So your item arrived damaged")  # restated
    assert "Shall I go ahead?" in r[3].text and not r[3].actions  # said first, then a yes
    solution = r[4].text
    assert "refunded" in solution and "within five business days" in solution  # what, when
    assert "don't need to send anything back" in solution  # what the caller does
    assert "any time" in r[5].text and r[5].end_call  # open door


def test_restated_problem_can_be_denied(store: Store) -> None:
    _, r = talk(store, "where is my order", "no")
    assert "got that wrong" in r[2].text


# -- logistics -----------------------------------------------------------------------------------
def test_customs_over_threshold_explains_and_refunds(store: Store) -> None:
    d, r = talk(store, "my parcel is stuck at customs", "one oh four five two", "28013", "a refund please",
                "yes please")
    assert "twelve days" in r[3].text and "peak-season" in r[3].text and "random inspection" in r[3].text
    assert "YunExpress website" in r[3].text and "replacement" in r[3].text
    assert kinds(r) == ["refund"]
    assert "thirty-nine euros and ninety cents" in r[4].text and "Shall I go ahead?" in r[4].text
    assert "refunded" in r[5].text and r[5].actions
    assert [(a.kind, a.order_id, a.amount, a.currency) for a in store.changes_for_call(d.call_id)] == [
        ("refund", "10452", 39.9, "EUR")
    ]


def test_customs_over_threshold_reship(store: Store) -> None:
    _, r = talk(store, "stuck at customs", "10452", "maria@example.com", "send a new one", "yes")
    assert kinds(r) == ["reship"]
    assert "replacement leaves our warehouse" in r[5].text


def test_short_customs_hold_reassures(store: Store) -> None:
    _, r = talk(store, "my parcel is at customs", "three four five six seven", "1000")
    assert "normal" in r[3].text and "Brussels" in r[3].text
    assert kinds(r) == []


def test_in_transit_gives_latest_event_and_date(store: Store) -> None:
    _, r = talk(store, "where is my order", "four seven one one nine", "94107")
    assert "Los Angeles" in r[3].text and "yesterday" in r[3].text
    assert "Tuesday, December the first" in r[3].text


def test_out_for_delivery(store: Store) -> None:
    _, r = talk(store, "where is my jacket", "58822", "D02 X285")
    assert "out for delivery" in r[3].text and "today" in r[3].text


def test_not_shipped_gives_dispatch_and_delivery_dates(store: Store) -> None:
    _, r = talk(store, "has my order shipped, what's the status", "12094", "ana.costa@example.com")
    assert "hasn't shipped yet" in r[3].text and "leaves our warehouse by" in r[3].text
    assert "reach you around" in r[3].text


def test_delivered_not_received_investigates_and_refunds(store: Store) -> None:
    _, r = talk(store, "it says delivered but i never got it", "55018", "sw1a 1aa", "refund", "yes")
    assert "front door" in r[3].text and "Wednesday, November the twenty-fifth" in r[3].text
    assert "investigation with Royal Mail" in r[3].text
    assert kinds(r) == ["investigation", "refund"]


def test_delivery_exception_opens_investigation(store: Store) -> None:
    _, r = talk(store, "what's the status of my order", "66781", "1012 ab")
    assert "address not found" in r[3].text.lower()
    assert kinds(r) == ["investigation"]


# -- quality -------------------------------------------------------------------------------------
def test_damaged_low_value_refund_plus_coupon_apology_first(store: Store) -> None:
    _, r = talk(store, "my mugs arrived broken", "23871", "+33 6 12 34 56 78", "yes please")
    proposal = r[3].text
    assert proposal.index("sorry") < proposal.index("refund") and "ten euros coupon" in proposal
    assert kinds(r) == ["refund", "coupon"] and not r[3].actions
    assert "ten euros coupon" in r[4].text


def test_damaged_high_value_offers_reship_with_return_label(store: Store) -> None:
    _, r = talk(store, "the grinder arrived damaged", "31906", "10115", "a replacement please", "yes")
    assert "prepaid return label" in r[3].text
    assert kinds(r) == ["reship", "return_label"]


def test_wrong_item_under_threshold(store: Store) -> None:
    _, r = talk(store, "you sent me the wrong size", "62240", "10001", "yes")
    assert "wrong item" in r[3].text
    assert kinds(r) == ["refund", "coupon"]


# -- returns, refunds, cancel, address -----------------------------------------------------------
def test_return_low_value_in_eu_window_refund_without_return(store: Store) -> None:
    _, r = talk(store, "i'd like to return my scarf", "70315", "20121", "yes")
    assert "don't need to send it back" in r[3].text
    assert kinds(r) == ["refund"]


def test_return_high_value_gets_insured_label(store: Store) -> None:
    _, r = talk(store, "i want to return the blender", "80427", "2000", "yes")
    assert "return-shipping insurance" in r[4].text
    assert kinds(r) == ["return_label"]


def test_return_after_window_is_refused_kindly(store: Store) -> None:
    _, r = talk(store, "can i return my lamp", "81533", "00-950")
    assert "return window closed" in r[3].text and "fourteen-day" in r[3].text
    assert kinds(r) == []


def test_refund_status_from_store(store: Store) -> None:
    _, r = talk(store, "where is my refund", "90618", "M5V 2T6")
    assert "nineteen Canadian dollars" in r[3].text and "two days" not in r[3].text
    assert "issued" in r[3].text


def test_cancel_before_dispatch_after_yes(store: Store) -> None:
    d, r = talk(store, "i want to cancel my order", "12094", "1100-148", "yes")
    assert "cancel order one two oh nine four" in r[3].text and "Shall I go ahead?" in r[3].text
    assert kinds(r) == ["refund"]
    facts = store.order_facts("12094")
    assert facts is not None and facts.cancelled
    _, again = talk(store, "cancel my order", "12094", "1100-148")
    assert "already cancelled" in again[3].text and kinds(again) == []


def test_cancel_after_dispatch_refused(store: Store) -> None:
    _, r = talk(store, "please cancel", "47119", "94107")
    assert "already shipped" in r[3].text and kinds(r) == []


def test_change_address_before_dispatch(store: Store) -> None:
    _, r = talk(
        store, "i need to change my address", "12094", "1100-148", "Rua Augusta 12, 1100-053 Lisboa", "yes"
    )
    assert "new address" in r[3].text
    assert "Rua Augusta" in r[4].text
    assert kinds(r) == ["address_change"]


def test_address_read_back_without_the_callers_lead_in(store: Store) -> None:
    _, r = talk(
        store, "i need to change my address", "12094", "1100-148", "It's Rua Augusta 12, 1100-053 Lisboa."
    )
    assert r[4].text == "I heard: Rua Augusta 12, 1100-053 Lisboa. Is that right?"


@pytest.mark.parametrize(("said", "address"), [
    ("Um, my new address is 5 High Street, London SW1A 1AA.", "5 High Street, London SW1A 1AA"),
    ("yes, it is 4 elm road, 10115 Berlin", "4 elm road, 10115 Berlin"),
    ("12 Main Street, Austin 78704", "12 Main Street, Austin 78704"),
])
def test_address_heard_drops_lead_in_words(said: str, address: str) -> None:
    assert address_heard(said) == address[:1].upper() + address[1:]


def test_change_address_after_dispatch_refused(store: Store) -> None:
    _, r = talk(store, "change my delivery address", "47119", "94107")
    assert "already shipped" in r[3].text and kinds(r) == []


# -- people and trouble --------------------------------------------------------------------------
def test_human_gets_escalation_and_callback_in_caller_time(store: Store) -> None:
    d, r = talk(store, "where is my order", "47119", "94107", "i want to talk to a person")
    assert kinds(r) == ["escalation", "callback"]
    assert "your time" in r[4].text and "twelve p m" not in r[4].text  # 17:00 UTC = noon in New York
    assert "noon" in r[4].text
    assert not r[4].end_call


def test_human_before_verification_reveals_nothing(store: Store) -> None:
    number = "it's plus four four seven seven zero zero nine zero zero one two three"
    _, r = talk(store, "get me a human", number)
    assert "What number" in r[1].text  # no caller id here: the number is asked, never assumed
    assert kinds(r) == ["escalation", "callback"]
    assert r[2].actions[0].order_id is None and "ending one two three" in r[2].text
    assert "your time" in r[2].text  # +44: London


class DownStore:
    def order_ids(self) -> list[str]:
        from agent.store import StoreUnavailable

        raise StoreUnavailable("down")

    order_facts = apply = record_call = order_ids  # type: ignore[assignment]


def test_store_down_apologises_offers_callback_keeps_call(store: Store) -> None:
    d, r = talk(DownStore(), "where is my order", "10452", "yes",  # type: ignore[arg-type]
                "+34 612 345 678")
    assert "can't reach our order system" in r[2].text
    assert "What number" in r[3].text
    assert "call you" in r[4].text and "your time" in r[4].text and not r[4].end_call
    assert len(d.unsaved) == 1 and d.unsaved[0].kind == "callback"
    d.store = store
    d.close(channel="text")
    assert kinds([Reply("", actions=tuple(store.changes_for_call(d.call_id)))]) == ["callback"]


def test_no_store_at_all_still_answers() -> None:
    _, r = talk(None, "where is my order", "10452")
    assert "can't reach our order system" in r[2].text


# -- keypad, barge-in, record ---------------------------------------------------------------------
def test_keypad_order_number(store: Store) -> None:
    d, _ = talk(store, "where is my order")
    assert d.on_dtmf("104") is None
    reply = d.on_dtmf("52#")
    assert reply is not None and "one oh four five two" in reply.text


def test_barge_in_is_recorded_and_call_record_saved(store: Store) -> None:
    d, r = talk(store, "where is my order")
    d.on_heard(r[1].text, "So you'd like")
    d.on_final("bye")
    d.close(channel="voice", latency={"p50_ms": 420})
    interrupted = [t for t in d.transcript if t.get("interrupted")]
    assert interrupted and interrupted[0]["heard"] == "So you'd like"


def test_after_goodbye_the_call_stays_ended(store: Store) -> None:
    d, r = talk(store, "bye", "hello?")
    assert r[1].end_call and r[2].end_call and d.ended


def test_implements_the_dialogue_manager_protocol(store: Store) -> None:
    from intents.dialogue import build_dialogue
    from intents.types import DialogueManager

    manager: DialogueManager = build_dialogue(store, now=lambda: NOW, call_id="proto")
    assert manager.greeting().text and manager.on_dtmf("1") is None
    manager.on_partial("where is")


def test_deadline_today_or_past_is_spoken_as_today() -> None:
    from datetime import timedelta

    from intents.policy.common import by_day
    from intents.policy.types import CustomerFacts, OrderFacts, Turn
    from intents.types import Intent, IntentResult

    facts = OrderFacts("1", CustomerFacts("C-1", "A"), NOW, "EUR", 10.0)
    turn = Turn("", IntentResult(Intent.OTHER, 1.0), NOW)
    assert by_day(NOW, turn, facts) == "today"  # not "by today"
    assert by_day(NOW - timedelta(days=2), turn, facts) == "today"  # overdue: not "by Sunday"
    assert by_day(NOW + timedelta(days=1), turn, facts) == "by tomorrow"
