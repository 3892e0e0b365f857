"""A worker killed mid-call: a surviving worker closes the call in the shared store.

Two real ``voice-agent serve`` processes share one store (a SQLite file here; PostgreSQL in the
fleet). A Media Streams caller talks to worker A; A is SIGKILLed (no drain, no record written by
it). Worker B, beating beside it, declares A lost after ``fleet.worker_lost_after_s`` (10 s) and
closes the call with what was said, ``end_reason`` "worker_lost", within the issue's 30 s, and
books a callback to the caller's number.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from pathlib import Path

import pytest
from media_stream_caller import Caller, Server, clip, start_server, stop_server
from sqlalchemy import select

from agent.store import open_store
from agent.store.models import Callback, Worker

NUMBER = "+441632960177"


def _callback_reasons(db_url: str, call_id: str) -> list[str]:
    store = open_store(db_url)
    try:
        with store.session() as s:
            return [c.reason for c in s.scalars(select(Callback).where(Callback.call_id == call_id))]
    finally:
        store.dispose()


def _worker_states(db_url: str) -> list[str]:
    store = open_store(db_url)
    try:
        with store.session() as s:
            return sorted(w.state for w in s.scalars(select(Worker)))
    finally:
        store.dispose()


async def _until(predicate, timeout_s: float, what: str):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = await asyncio.to_thread(predicate)
        if value:
            return value
        await asyncio.sleep(0.25)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.mark.realtime
async def test_a_survivor_closes_a_killed_workers_call_within_30_s(tmp_path: Path) -> None:
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
    a = start_server(tmp_path / "a", token=None)
    b: Server | None = None
    try:
        b = start_server(tmp_path / "b", "--db-url", a.db_url, token=None)
        caller = Caller(a.ws, token=None, parameters={"from": NUMBER})
        await caller.__aenter__()
        await caller.wait_for(lambda: caller.first_audio(), 15.0)
        await caller.say(clip("smoke-ask.wav"))
        # the live call is in the store, open, with what was said so far
        row = await _until(lambda: (r := a.record(caller.call_sid)) is not None
                           and any(t.get("speaker") == "caller" for t in r.transcript) and r,
                           20.0, "a snapshot with the caller's words")
        assert row.ended_at is None and row.end_reason is None
        said = len(row.transcript)
        a.proc.kill()  # SIGKILL: nothing of A's shutdown runs
        t_kill = time.monotonic()
        a.proc.wait(10)
        with contextlib.suppress(Exception):
            caller.drop()
        row = await _until(lambda: (r := a.record(caller.call_sid)) is not None
                           and r.ended_at is not None and r, 30.0, "a survivor to close the call")
        closed_after_s = time.monotonic() - t_kill
        print(f"call closed by the survivor {closed_after_s:.1f} s after the kill")
        assert row.end_reason == "worker_lost" and row.callback_number is None
        reasons = _callback_reasons(a.db_url, caller.call_sid)
        assert len(reasons) == 1 and NUMBER in reasons[0]  # the caller will be called back
        assert [c["kind"] for c in row.changes] == ["callback"]
        assert len(row.transcript) >= said and row.transcript[0]["speaker"] == "agent"
        assert b.health()["lost_calls_closed"] == 1
        assert _worker_states(a.db_url) == ["alive", "lost"]
        assert "lost worker" in b.log_text()
        assert NUMBER not in b.log_text()  # the number goes to the store, never the log
    finally:
        if a.proc.poll() is None:
            a.proc.kill()
        if b is not None:
            assert stop_server(b) == 0, b.log_text()[-3000:]
    assert _worker_states(a.db_url) == ["lost", "stopped"]  # B stopped cleanly
