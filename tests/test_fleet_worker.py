"""``voice-agent serve`` as one worker of a fleet, against real Media Streams clients.

The server runs as a subprocess (real models, a fresh demo store). A worker with room says so on
``/healthz`` (200); once full it answers 503 "full", and the next caller hears the busy notice,
gets a callback row, and the stream ends cleanly. SIGTERM drains: 503 "draining", new calls
refused, a call that ends by itself ends normally, a call still going at the drain limit hears an
apology and gets a callback, and the process exits 0.
"""

from __future__ import annotations

import asyncio
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from media_stream_caller import Caller, Server, start_server, stop_server
from sqlalchemy import select
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from agent.store import open_store
from agent.store.models import Callback

NUMBER = "+441632960123"


def _health(server: Server) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(server.http + "/healthz", timeout=2) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def _post(server: Server, path: str, data: bytes, headers: dict[str, str]) -> int:
    req = urllib.request.Request(server.http + path, data=data, method="POST", headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=5) as r:
            return r.status
    except urllib.error.HTTPError as exc:
        return exc.code


def _callbacks(server: Server) -> dict[str, Callback]:
    store = open_store(server.db_url)
    try:
        with store.session() as s:
            rows = list(s.scalars(select(Callback)))
            for r in rows:
                s.expunge(r)
            return {r.call_id: r for r in rows if r.call_id}
    finally:
        store.dispose()


async def _until(predicate, timeout_s: float, what: str):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        await asyncio.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def _in_team_hours(due: datetime) -> bool:
    local = due.replace(tzinfo=due.tzinfo or UTC).astimezone(ZoneInfo("Europe/London"))
    return local.weekday() <= 5 and 8 <= local.hour < 20 and local.minute == 0


@pytest.fixture(scope="module")
def one_call_worker(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    srv = start_server(tmp_path_factory.mktemp("fleet"), "--max-calls", "1", "--idle-timeout-s", "3")
    yield srv
    assert stop_server(srv) == 0, srv.log_text()[-3000:]


@pytest.mark.realtime
async def test_full_worker_says_so_and_busy_caller_gets_notice_and_callback(one_call_worker: Server) -> None:
    srv = one_call_worker
    status, body = _health(srv)
    assert (status, body["state"], body["free"], body["max_calls"], body["calls"]) == (200, "ok", 1, 1, 0)
    async with Caller(srv.ws, parameters={"from": "+15550001111"}) as first:
        await first.wait_for(lambda: first.first_audio(), 10.0)
        status, body = _health(srv)
        assert (status, body["state"], body["free"], body["calls"]) == (503, "full", 0, 1)
        # the browser page gets a clear 503 rather than a half-made peer connection
        offer = json.dumps({"sdp": "v=0", "type": "offer"}).encode()
        assert _post(srv, "/webrtc/offer", offer, {"Content-Type": "application/json"}) == 503
        t0 = time.monotonic()
        async with Caller(srv.ws, parameters={"from": NUMBER}) as busy:
            await _until(lambda: busy.close_code is not None, 40.0, "the busy call to end")
        notice_s = sum(0.02 for r in busy.received if r.event == "media")
        heard_s = sum(0.02 for r in busy.received if r.audible)
        print(f"busy notice: {notice_s:.1f} s of audio, stream closed after {time.monotonic() - t0:.1f} s")
        assert busy.close_code == 1000
        assert heard_s > 3.0  # a spoken sentence, not a click before hanging up
        assert "notice-end" in busy.echoed_marks  # closed only after the notice was heard
        assert first.close_code is None  # the admitted call goes on untouched
    callbacks = _callbacks(srv)
    row = callbacks[busy.call_sid]
    assert NUMBER in row.reason and row.due_at is not None and _in_team_hours(row.due_at)
    assert first.call_sid not in callbacks  # a served call gets no callback
    record = srv.record(busy.call_sid)
    assert record is not None and record.ended_at is not None and record.channel == "twilio"
    assert "busy" in record.transcript[0]["text"] and record.latency.get("overflow") is True
    assert NUMBER not in srv.log_text()  # the number goes to the store, never the log
    await _until(lambda: _health(srv)[0] == 200, 15.0, "the worker to have room again")


@pytest.mark.realtime
async def test_sigterm_drains_then_apologises_books_a_callback_and_exits_0(tmp_path: Path) -> None:
    srv = start_server(tmp_path, "--max-calls", "3", "--drain-timeout-s", "6", token=None)
    try:
        async with Caller(srv.ws, token=None, parameters={"from": NUMBER}) as stays, \
                Caller(srv.ws, token=None) as leaves:
            await stays.wait_for(lambda: stays.first_audio(), 10.0)
            await leaves.wait_for(lambda: leaves.first_audio(), 10.0)
            t_term = time.monotonic()
            srv.proc.send_signal(15)
            await _until(lambda: _health(srv) == (503, {**_health(srv)[1], "state": "draining"}), 2.0,
                         "healthz to say draining")
            with pytest.raises(InvalidStatus) as info:  # the front door retries it elsewhere
                async with connect(srv.ws):
                    pass
            assert info.value.response.status_code == 503
            webhook = urllib.parse.urlencode({"CallSid": "CA1", "From": NUMBER}).encode()
            assert _post(srv, "/twilio/voice", webhook, {}) == 503
            await asyncio.sleep(1.0)
            await leaves.hang_up()  # finishes inside the drain limit: an ordinary end
            await _until(lambda: stays.close_code is not None, 40.0, "the drained call to end")
            ended_after_s = time.monotonic() - t_term
            assert stays.close_code == 1000
            apology = [r for r in stays.received if r.audible and r.at > t_term + 5.5]
            assert sum(0.02 for _ in apology) > 3.0  # the apology was spoken, to the end
            assert "notice-end" in stays.echoed_marks
        print(f"drained call ended {ended_after_s:.1f} s after SIGTERM (limit 6 s)")
        assert ended_after_s >= 6.0  # served to the drain limit, not cut at the signal
        assert await asyncio.to_thread(srv.proc.wait, 30) == 0
        callbacks = _callbacks(srv)
        assert NUMBER in callbacks[stays.call_sid].reason
        assert _in_team_hours(callbacks[stays.call_sid].due_at)  # type: ignore[arg-type]
        assert leaves.call_sid not in callbacks
        for c in (stays, leaves):
            row = srv.record(c.call_sid)
            assert row is not None and row.ended_at is not None
        drained = srv.record(stays.call_sid)
        assert drained is not None and any(ch["kind"] == "callback" for ch in drained.changes)
    finally:
        stop_server(srv)
