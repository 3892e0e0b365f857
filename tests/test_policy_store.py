"""The policy against a real (SQLite) store: the verification limit across calls, the store's own
refund guard, and a change of mind made in one transaction."""

from __future__ import annotations

from datetime import timedelta

import pytest
from dialogue_fakes import scripted_call
from helpers import NOW

from agent.store import Store
from agent.store.actions import ActionRefused
from intents.policy.types import ActionRequest


def talk(store: Store, *lines: str):  # type: ignore[no-untyped-def]
    return scripted_call(store, *lines, now=NOW)


def test_wrong_answers_are_limited_per_order_across_calls(store: Store) -> None:
    # 3 wrong answers in the first call, 2 in the second: the limit (5 per 24 h) is reached
    _, r1 = talk(store, "stuck at customs", "10452", "11111", "22222", "33333", "no")
    _, r2 = talk(store, "stuck at customs", "10452", "44444", "55555")
    assert store.verify_failures_since("10452", NOW - timedelta(hours=24)) == 5
    # a third call: even the right answer is not checked any more; only a callback on file
    d, r3 = talk(store, "stuck at customs", "10452", "28013", "yes")
    assert "too many wrong answers" in r3[2].text and "number we have on file" in r3[2].text
    for reply in r3[2:]:
        assert "Madrid" not in reply.text and "twelve days" not in reply.text
    assert "on the number we have on file" in r3[4].text
    assert [(a.kind, a.order_id) for a in store.changes_for_call(d.call_id)] == [
        ("escalation", "10452"), ("callback", "10452")
    ]
    # other orders are not affected
    _, other = talk(store, "where is my order", "47119", "94107")
    assert "Los Angeles" in other[3].text


def test_the_limit_counts_only_inside_the_window(store: Store) -> None:
    for _ in range(5):
        store.record_verify_failure("10452", "old")
    later = NOW + timedelta(hours=25)
    assert store.verify_failures_since("10452", later - timedelta(hours=24)) == 0
    assert store.verify_failures_since("10452", NOW - timedelta(hours=24)) == 5


def test_unknown_orders_are_not_counted(store: Store) -> None:
    store.record_verify_failure("99999", "c")
    assert store.verify_failures_since("99999", NOW - timedelta(hours=24)) == 0


def test_store_refuses_a_refund_above_paid_minus_refunded(store: Store) -> None:
    with pytest.raises(ActionRefused):
        store.apply([ActionRequest("refund", "23871", 25.0, "EUR")], "c1")  # paid 24.90
    assert store.changes_for_call("c1") == []
    store.apply([ActionRequest("refund", "23871", 24.9, "EUR")], "c2")
    assert [a.amount for a in store.changes_for_call("c2")] == [24.9]


def test_change_of_mind_is_one_transaction(store: Store) -> None:
    store.apply([ActionRequest("reship", "31906", 129.0, "EUR")], "c1")
    made = store.apply(
        [ActionRequest("reverse_reship", "31906"), ActionRequest("refund", "31906", 129.0, "EUR")], "c2"
    )
    assert [a.kind for a, new in made] == ["reverse_reship", "refund"]
    facts = store.order_facts("31906")
    assert facts is not None and [c.kind for c in facts.changes] == ["refund"]
    # a failing second half rolls the reversal back
    store.apply([ActionRequest("reship", "80427", 149.0, "AUD")], "c3")
    with pytest.raises(ActionRefused):
        store.apply(
            [ActionRequest("reverse_reship", "80427"), ActionRequest("refund", "80427", 999.0, "AUD")], "c4"
        )
    again = store.order_facts("80427")
    assert again is not None and [c.kind for c in again.changes] == ["reship"]


def test_migrations_match_the_models(store: Store) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from agent.store.models import Base

    with store.engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
