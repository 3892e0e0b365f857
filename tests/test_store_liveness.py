"""Worker liveness in the store: beats, live-call snapshots, survivors closing a lost worker's calls.

SQLite with an injected clock; the same functions run on PostgreSQL in tests/test_store_postgres.py.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select
from test_store import ISSUE_FIXTURES

from agent.store import Store, open_store
from agent.store.liveness import Beat, lost_workers
from agent.store.models import Callback, CallRecord, Worker
from intents.policy.types import ActionRequest

T0 = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
SAID = [{"speaker": "agent", "text": "Hello, how can I help?"},
        {"speaker": "caller", "text": "my parcel never arrived"}]


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


def _open(tmp_path: Path, clock: Clock) -> Store:
    store = open_store(f"sqlite:///{tmp_path / 'fleet.db'}", clock=clock)
    store.load_fixtures(ISSUE_FIXTURES)
    return store


def _call(store: Store, call_id: str) -> CallRecord:
    with store.session() as s:
        row = s.get(CallRecord, call_id)
        assert row is not None
        s.expunge(row)
        return row


def _worker_state(store: Store, worker_id: str) -> str:
    with store.session() as s:
        row = s.get(Worker, worker_id)
        assert row is not None
        return row.state


def test_lost_workers_are_the_alive_ones_with_a_stale_beat_never_me() -> None:
    beats = [Beat("fresh", T0 - timedelta(seconds=3), "alive"),
             Beat("stale", T0 - timedelta(seconds=11), "alive"),
             Beat("edge", T0 - timedelta(seconds=10), "alive"),  # exactly at the limit: not yet
             Beat("gone", T0 - timedelta(seconds=99), "stopped"),
             Beat("already", T0 - timedelta(seconds=99), "lost"),
             Beat("me", T0 - timedelta(seconds=99), "alive")]
    assert lost_workers(beats, T0, 10.0, me="me") == ["stale"]
    assert lost_workers(beats, T0, 100.0) == []


def test_a_survivor_closes_a_lost_workers_calls_with_what_was_said_and_done(tmp_path: Path) -> None:
    clock = Clock()
    store = _open(tmp_path, clock)
    store.beat("w1")
    store.beat("w2")
    store.snapshot_call("c1", "w1", T0, "twilio", SAID[:1])
    store.apply([ActionRequest("coupon", "10452", 10, "EUR")], "c1")
    clock.advance(2)
    store.beat("w1")
    store.snapshot_call("c1", "w1", T0, "twilio", SAID)  # the latest snapshot wins
    store.snapshot_call("c2", "w2", T0, "sip", SAID[:1])
    row = _call(store, "c1")
    assert row.ended_at is None and row.worker_id == "w1" and row.end_reason is None
    # w1 dies; w2 keeps beating
    for _ in range(5):
        clock.advance(2)
        store.beat("w2")
        assert store.close_lost_calls(10.0, me="w2") == []  # 10 s not yet passed
    clock.advance(2)
    store.beat("w2")
    assert store.close_lost_calls(10.0, me="w2") == ["c1"]
    row = _call(store, "c1")
    assert row.ended_at == clock.now and row.end_reason == "worker_lost"
    assert row.transcript == SAID
    assert row.changes == [{"kind": "coupon", "order_id": "10452", "amount": 10.0, "currency": "EUR"}]
    assert _worker_state(store, "w1") == "lost"
    assert _call(store, "c2").ended_at is None  # the survivor's own call goes on
    assert store.close_lost_calls(10.0, me="w2") == []  # closed once, by whoever came first


def test_a_closed_call_is_never_reopened_by_a_late_snapshot(tmp_path: Path) -> None:
    clock = Clock()
    store = _open(tmp_path, clock)
    store.beat("w1")
    store.snapshot_call("c1", "w1", T0, "twilio", SAID[:1])
    store.record_call("c1", T0, T0 + timedelta(seconds=30), "twilio", SAID)
    store.snapshot_call("c1", "w1", T0, "twilio", SAID[:1])
    row = _call(store, "c1")
    assert row.end_reason == "ended" and row.ended_at is not None and row.transcript == SAID
    assert row.worker_id == "w1"  # the final record keeps whose call it was


def test_a_slow_worker_declared_lost_comes_back_and_closes_its_own_calls(tmp_path: Path) -> None:
    clock = Clock()
    store = _open(tmp_path, clock)
    store.beat("slow")
    store.beat("w2")
    store.snapshot_call("c1", "slow", T0, "twilio", SAID[:1])
    clock.advance(12)
    store.beat("w2")
    assert store.close_lost_calls(10.0, me="w2") == ["c1"]
    store.beat("slow")  # its event loop was only stalled
    assert _worker_state(store, "slow") == "alive"
    store.snapshot_call("c1", "slow", T0, "twilio", SAID)
    assert _call(store, "c1").ended_at is None  # live again
    store.record_call("c1", T0, clock.now, "twilio", SAID)
    assert _call(store, "c1").end_reason == "ended"


def test_a_worker_that_stopped_cleanly_is_never_declared_lost(tmp_path: Path) -> None:
    clock = Clock()
    store = _open(tmp_path, clock)
    store.beat("w1")
    store.beat("w2")
    store.worker_stopped("w1")
    clock.advance(60)
    store.beat("w2")
    assert store.close_lost_calls(10.0, me="w2") == []
    assert _worker_state(store, "w1") == "stopped"


def test_a_lost_call_with_a_number_gets_one_callback_and_the_number_leaves_the_call_row(
        tmp_path: Path) -> None:
    clock = Clock()
    store = _open(tmp_path, clock)
    due = T0 + timedelta(hours=20)

    def callback_for(number: str) -> ActionRequest:
        return ActionRequest("callback", None, reason=f"cut off; call {number}", due_at=due)

    store.beat("w1")
    store.snapshot_call("c1", "w1", T0, "twilio", SAID, callback_number="+441632960123")
    store.snapshot_call("c2", "w1", T0, "webrtc", SAID)  # the browser: no number, no callback
    store.snapshot_call("c3", "w1", T0, "twilio", SAID, callback_number="+441632960999")
    store.apply([ActionRequest("callback", None, reason="asked for one", due_at=due)], "c3")
    with store.session() as s:
        assert s.get(CallRecord, "c1").callback_number == "+441632960123"  # type: ignore[union-attr]
    clock.advance(11)
    store.beat("w2")
    assert store.close_lost_calls(10.0, "w2", callback_for) == ["c1", "c2", "c3"]
    with store.session() as s:
        callbacks = {c.call_id: c for c in s.scalars(select(Callback))}
        calls = {c.id: c for c in s.scalars(select(CallRecord))}
        assert set(callbacks) == {"c1", "c3"}
        assert "+441632960123" in callbacks["c1"].reason
        assert callbacks["c3"].reason == "asked for one"  # the call's own callback: not twice
        assert all(c.callback_number is None for c in calls.values())
        assert [ch["kind"] for ch in calls["c1"].changes] == ["callback"]


def test_a_call_closed_by_its_worker_keeps_no_number(tmp_path: Path) -> None:
    store = _open(tmp_path, Clock())
    store.snapshot_call("c1", "w1", T0, "twilio", SAID, callback_number="+441632960123")
    store.record_call("c1", T0, T0 + timedelta(seconds=9), "twilio", SAID)
    assert _call(store, "c1").callback_number is None
