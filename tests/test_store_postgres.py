"""The store on a real PostgreSQL (``VOICE_AGENT_TEST_PG_URL``, e.g. ``postgresql://u:p@localhost/db``).

Skipped without the URL on a developer machine; with ``CI`` set a missing URL is a failure, so CI
can't go green without having run these. The database is wiped (the store's tables) before each test.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from dialogue_fakes import scripted_call
from sqlalchemy import select, text

from agent.store import FixtureError, Store, open_store
from agent.store.models import Base, CallRecord
from intents.policy.types import ActionRequest

NOW = datetime(2026, 11, 27, 15, 0, tzinfo=UTC)
PG_URL = os.environ.get("VOICE_AGENT_TEST_PG_URL", "")

pytestmark = pytest.mark.postgres


def _require_url() -> str:
    if PG_URL:
        return PG_URL
    if os.environ.get("CI"):
        pytest.fail("CI is set but VOICE_AGENT_TEST_PG_URL is not: the PostgreSQL store tests must run in CI")
    pytest.skip("VOICE_AGENT_TEST_PG_URL not set (PostgreSQL store tests)")


@pytest.fixture
def pg() -> Iterator[Store]:
    url = _require_url()
    store = open_store(url, clock=lambda: NOW)
    Base.metadata.drop_all(store.engine)
    with store.engine.begin() as conn:
        conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
    store.dispose()
    store = open_store(url, clock=lambda: NOW)  # migrates the empty database
    yield store
    store.dispose()


def test_migrated_and_seeded(pg: Store) -> None:
    assert pg.engine.dialect.name == "postgresql"
    assert pg.seed_demo() > 0
    assert len(pg.order_ids()) >= 12
    facts = pg.order_facts("10452")
    assert facts is not None and facts.total == pytest.approx(39.90) and facts.currency == "EUR"
    assert facts.shipment is not None and facts.shipment.events[-1].at.tzinfo is not None
    assert pg.seed_demo() == 0


def test_bad_fixtures_load_nothing(pg: Store) -> None:
    with pytest.raises(FixtureError, match="field 'customer'"):
        pg.load_fixtures(
            {
                "customers": [{"id": "C-1", "name": "A"}],
                "orders": [
                    {"id": "1", "customer": "C-2", "placed_at": "2026-11-01", "currency": "EUR", "total": 1}
                ],
            }
        )
    assert pg.order_ids() == []


def test_concurrent_refunds_pay_once(pg: Store) -> None:
    pg.seed_demo()
    request = ActionRequest("refund", "23871", 24.9, "EUR", "damaged")
    results: list[bool] = []
    barrier = threading.Barrier(4)

    def worker(n: int) -> None:
        barrier.wait()
        results.extend(created for _, created in pg.apply([request], f"call-{n}"))

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [False, False, False, True]
    facts = pg.order_facts("23871")
    assert facts is not None and [c.kind for c in facts.changes] == ["refund"]


def test_a_whole_call_on_postgres(pg: Store) -> None:
    pg.seed_demo()
    d, r = scripted_call(pg, "my mugs arrived broken", "23871", "75011", "yes please", "bye", now=NOW)
    assert [a.kind for x in r for a in x.actions] == ["refund", "coupon"]
    d.close(channel="text")
    changes = pg.changes_for_call(d.call_id)
    assert [(a.kind, a.order_id, a.currency) for a in changes] == [
        ("refund", "23871", "EUR"),
        ("coupon", "23871", "EUR"),
    ]
    _, again = scripted_call(pg, "my mugs arrived broken", "23871", "75011", now=NOW)
    assert "already done" in again[3].text


def test_verification_limit_and_change_of_mind_on_postgres(pg: Store) -> None:
    from datetime import timedelta

    pg.seed_demo()
    for _ in range(5):
        pg.record_verify_failure("10452", "c-guess")
    assert pg.verify_failures_since("10452", NOW - timedelta(hours=24)) == 5
    _, r = scripted_call(pg, "stuck at customs", "10452", "28013", now=NOW)
    assert "too many wrong answers" in r[2].text and "Madrid" not in r[3].text
    pg.apply([ActionRequest("reship", "31906", 129.0, "EUR")], "c1")
    made = pg.apply(
        [ActionRequest("reverse_reship", "31906"), ActionRequest("refund", "31906", 129.0, "EUR")], "c2"
    )
    assert [a.kind for a, _ in made] == ["reverse_reship", "refund"]
    facts = pg.order_facts("31906")
    assert facts is not None and [c.kind for c in facts.changes] == ["refund"]


def test_survivors_sweeping_at_once_close_each_lost_call_exactly_once(pg: Store) -> None:
    """Survivor a is closing the lost worker's calls (its transaction still open) when survivor
    b sweeps: b skips what a holds, without waiting for it and without closing anything twice."""
    from concurrent.futures import ThreadPoolExecutor

    from agent.store import liveness

    pg.seed_demo()
    pg.beat("dead")
    said = [{"speaker": "agent", "text": "Hello"}]
    for n in range(6):
        pg.snapshot_call(f"lost-{n}", "dead", NOW, "sip", said)
    pg.apply([ActionRequest("coupon", "23871", 5, "EUR")], "lost-0")
    later = NOW + timedelta(seconds=30)
    a, b = (open_store(_require_url(), clock=lambda: later) for _ in range(2))
    try:
        with ThreadPoolExecutor(1) as pool, a.session() as s:
            first = liveness.close_lost_calls(s, later, 10.0, me="a")
            second = pool.submit(b.close_lost_calls, 10.0, "b").result(timeout=5)
        assert first == [f"lost-{n}" for n in range(6)]
        assert second == []
        assert b.close_lost_calls(10.0, me="b") == []  # and after a committed: nothing left
    finally:
        a.dispose()
        b.dispose()
    with pg.session() as s:
        rows = {r.id: r for r in s.scalars(select(CallRecord))}
        assert all(r.end_reason == "worker_lost" and r.transcript == said for r in rows.values())
        assert rows["lost-0"].changes[0]["kind"] == "coupon"
