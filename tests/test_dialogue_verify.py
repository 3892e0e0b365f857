"""Verification before disclosure, misheard order numbers, and idempotent actions."""

from __future__ import annotations

import re

import pytest
from dialogue_fakes import scripted_call
from helpers import NOW

from agent.store import Store
from intents.dialogue import RuleDialogue
from intents.types import Reply


def talk(store: Store, *lines: str) -> tuple[RuleDialogue, list[Reply]]:
    return scripted_call(store, *lines, now=NOW)


def kinds(replies: list[Reply]) -> list[str]:
    return [a.kind for r in replies for a in r.actions]


# Words that would disclose something about an order (status, places, dates, items, names, amounts).
LEAKS = {
    "10452": r"madrid|customs|shenzhen|mask|maria|lopez|yunexpress|euro|thirty|november|december|held"
    r"|delivered",
    "55018": r"london|royal mail|smartwatch|li wei|pound|delivered|front door|november|investigation",
    "31906": r"berlin|grinder|hans|mueller|euro|delivered|refund|replacement|november",
}


def assert_no_leak(order: str, replies: list[str]) -> None:
    for reply in replies:
        found = re.search(LEAKS[order], reply.lower())
        assert found is None, f"leaked {found.group(0)!r} in {reply!r}"


@pytest.mark.parametrize(
    ("problem", "order", "wrong"),
    [
        ("my parcel is stuck at customs", "10452", "28014"),
        ("it says delivered but i never got it", "55018", "SW1A 2AA"),
        ("the grinder arrived damaged", "31906", "someone@example.com"),
    ],
)
def test_wrong_detail_leaks_nothing(store: Store, problem: str, order: str, wrong: str) -> None:
    d, r = talk(store, problem, order, wrong)
    assert "don't match" in r[3].text
    assert_no_leak(order, [x.text for x in r[2:]])
    assert kinds(r) == [] and store.changes_for_call(d.call_id) == []


def test_wrong_postcode_leaks_nothing_even_when_asking_for_a_refund(store: Store) -> None:
    d, r = talk(store, "stuck at customs", "10452", "28014", "just refund me, postcode 28015")
    assert_no_leak("10452", [x.text for x in r[2:]])
    assert store.changes_for_call(d.call_id) == []


def test_three_failures_offer_a_human_then_escalate_without_order(store: Store) -> None:
    _, r = talk(store, "stuck at customs", "10452", "11111", "22222", "33333", "yes", "+44 20 7946 0000")
    assert "don't match" in r[3].text and "don't match" in r[4].text
    assert "still don't match" in r[5].text and "colleague" in r[5].text
    assert_no_leak("10452", [x.text for x in r[2:]])
    assert kinds(r) == ["escalation", "callback"]
    assert "What number" in r[6].text  # unverified: neither the number on file nor a caller id
    assert all(a.order_id is None for a in r[7].actions)


def test_three_failures_then_no_closes_politely(store: Store) -> None:
    _, r = talk(store, "stuck at customs", "10452", "11111", "22222", "33333", "no")
    assert r[6].end_call and "any time" in r[6].text


def test_retry_after_a_mismatch_succeeds(store: Store) -> None:
    _, r = talk(store, "stuck at customs", "10452", "28014", "28013")
    assert "don't match" in r[3].text
    assert "Madrid" in r[4].text


@pytest.mark.parametrize("detail", ["maria@example.com", "612 345 678", "+34 612 345 678", "28013"])
def test_any_one_detail_verifies(store: Store, detail: str) -> None:
    _, r = talk(store, "stuck at customs", "10452", detail)
    assert "Madrid" in r[3].text


def test_detail_of_another_customer_does_not_verify(store: Store) -> None:
    _, r = talk(store, "stuck at customs", "10452", "james.carter@example.com")
    assert "don't match" in r[3].text


def test_nothing_is_done_before_verification(store: Store) -> None:
    d, r = talk(store, "my mugs arrived broken, refund me", "23871", "refund me now")
    assert kinds(r) == [] and store.changes_for_call(d.call_id) == []
    assert "email, phone number or postcode" in r[3].text


def test_detail_given_with_the_number_verifies_at_once(store: Store) -> None:
    _, r = talk(store, "stuck at customs", "order 10452, email maria@example.com")
    assert "Madrid" in r[2].text


# -- misheard numbers ------------------------------------------------------------------------------
def test_near_number_is_never_read_back_before_verification(store: Store) -> None:
    _, r = talk(store, "stuck at customs", "one oh four six two", "28013")
    assert "one oh four five two" not in r[2].text  # the real neighbour is never said
    assert "couldn't find order one oh four six two" in r[2].text and "postcode" in r[2].text
    assert "matches order one oh four five two" in r[3].text and "Madrid" in r[3].text


def test_near_miss_with_a_wrong_detail_reveals_nothing(store: Store) -> None:
    _, r = talk(store, "stuck at customs", "one oh four six two", "94107")
    assert_no_leak("10452", [x.text for x in r[2:]])
    assert "details don't match" in r[3].text


def test_denied_guess_asks_digit_by_digit_then_accepts(store: Store) -> None:
    _, r = talk(store, "stuck at customs", "one oh four six two", "no", "one, oh, four, five, two", "28013")
    assert "digit by digit" in r[3].text
    assert "one oh four five two" in r[4].text and "postcode" in r[4].text
    assert "Madrid" in r[5].text


def test_correction_in_the_same_breath(store: Store) -> None:
    _, r = talk(store, "where is my order", "four seven one one eight", "no, four seven one one nine")
    assert "four seven one one nine" in r[3].text and "postcode" in r[3].text


def test_confirmed_guess_goes_on_to_verification(store: Store) -> None:
    _, r = talk(store, "where is my order", "four seven one one eight", "yes", "94107")
    assert "email, phone number or postcode" in r[3].text
    assert "Los Angeles" in r[4].text


def test_unknown_number_asks_digits_then_offers_human_after_three(store: Store) -> None:
    _, r = talk(store, "where is my order", "99999", "28013", "88888", "28013", "77777")
    assert "couldn't find order nine nine nine nine nine" in r[2].text and "postcode" in r[2].text
    assert "digit by digit" in r[3].text
    assert "colleague" in r[6].text


def test_ambiguous_number_asks_digit_by_digit(store: Store) -> None:
    _, r = talk(store, "where is my order", "55028", "sw1a 1aa")  # one edit from 55018
    assert "five five oh one eight" not in r[2].text
    assert "matches order five five oh one eight" in r[3].text
    _, r = talk(store, "where is my order", "1045", "maria@example.com")  # deletion: 10452 only
    assert "one oh four five two" not in r[2].text and "one oh four five two" in r[3].text


def test_wrong_order_number_noticed_at_verification(store: Store) -> None:
    _, r = talk(store, "where is my order", "10452", "no that's the wrong number", "47119", "94107")
    assert "digit by digit" in r[3].text
    assert "Los Angeles" in r[5].text


# -- idempotency -----------------------------------------------------------------------------------
def test_same_refund_twice_in_a_call_is_paid_once(store: Store) -> None:
    d, r = talk(store, "stuck at customs", "10452", "28013", "refund", "yes", "stuck at customs", "refund")
    assert kinds(r) == ["refund"]
    assert "already done" in r[6].text
    assert [a.kind for a in store.changes_for_call(d.call_id)] == ["refund"]


def test_same_refund_in_two_calls_is_paid_once(store: Store) -> None:
    first, r1 = talk(store, "my mugs arrived broken", "23871", "75011", "yes")
    second, r2 = talk(store, "my mugs arrived broken", "23871", "75011", "yes")
    assert kinds(r1) == ["refund", "coupon"]
    assert kinds(r2) == [] and "already done" in r2[3].text
    assert store.changes_for_call(second.call_id) == []
    assert len(store.changes_for_call(first.call_id)) == 2


def test_investigation_is_opened_once(store: Store) -> None:
    _, r1 = talk(store, "it says delivered but i never got it", "55018", "SW1A 1AA", "no")
    _, r2 = talk(store, "it says delivered but i never got it", "55018", "SW1A 1AA")
    assert kinds(r1) == ["investigation"]
    assert kinds(r2) == [] and "already open" in r2[3].text


def test_escalation_once_per_call(store: Store) -> None:
    _, r = talk(store, "human please", "+44 20 7946 0000", "human please")
    assert kinds(r) == ["escalation", "callback"]
    assert "already booked" in r[3].text


def test_the_postcode_typed_on_the_keypad_verifies(store: Store) -> None:
    d, r = talk(store, "stuck at customs", "10452")
    assert "postcode on it" in r[2].text and "keypad" in r[2].text  # numeric postcode: asked first
    assert d.on_dtmf("2801") is None  # keys collect until '#'
    reply = d.on_dtmf("3#")
    assert reply is not None and "Madrid" in reply.text


def test_a_wrong_postcode_typed_on_the_keypad_is_a_wrong_answer(store: Store) -> None:
    d, _ = talk(store, "stuck at customs", "10452")
    reply = d.on_dtmf("28014#")
    assert reply is not None and "don't match" in reply.text
    assert_no_leak("10452", [reply.text])
