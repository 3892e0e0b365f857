"""``voice-agent serve`` against real Media Streams clients over loopback WebSockets.

The server runs as a subprocess (the real command, real models, a fresh demo store); callers
stream scenario clips as μ-law 8 kHz in real time. Figures are printed (``pytest -s``) and
written to ``/tmp/voice-agent-twilio-figures.json``.
"""

from __future__ import annotations

import asyncio
import base64
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from statistics import median
from typing import Any

import pytest
from media_stream_caller import Caller, Server, clip, start_server, stop_server
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from agent.store.models import CallRecord
from agent.telephony.twilio import twilio_signature

FIGURES: dict[str, object] = {}
FIGURES_PATH = Path("/tmp/voice-agent-twilio-figures.json")


def _note(key: str, value: object) -> None:
    FIGURES[key] = value
    FIGURES_PATH.write_text(json.dumps(FIGURES, indent=2))
    print(f"{key}: {value}")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    # This module tests the stream protocol and concurrency, not admission (tests/test_admission.py,
    # tests/test_fleet_worker.py): room for the 1 + 6 streams of the bad-stream test at once.
    srv = start_server(tmp_path_factory.mktemp("serve"), "--start-timeout-s", "2", "--idle-timeout-s", "3",
                       "--max-calls", "8")
    yield srv
    assert stop_server(srv) == 0, srv.log_text()[-3000:]


async def _wait_record(server: Server, call_id: str, timeout_s: float = 10.0) -> CallRecord:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        row = server.record(call_id)
        if row is not None and row.ended_at is not None:
            return row
        await asyncio.sleep(0.2)
    raise AssertionError(f"no closed call record for {call_id}")


def _post(url: str, params: dict[str, str], signature: str | None) -> tuple[int, str]:
    req = urllib.request.Request(url, data=urllib.parse.urlencode(params).encode(), method="POST")
    if signature is not None:
        req.add_header("X-Twilio-Signature", signature)
    try:
        with urllib.request.urlopen(req, timeout=5) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, ""


def test_serve_rejects_a_bad_sip_address(capsys: pytest.CaptureFixture[str]) -> None:
    from agent.cli import main

    assert main(["serve", "--sip", "no-port-here"]) == 2
    assert "HOST:PORT" in capsys.readouterr().err


# -- webhook and handshake ---------------------------------------------------------------------

async def test_voice_webhook_needs_a_valid_signature(server: Server) -> None:
    url = server.http + "/twilio/voice"
    params = {"CallSid": "CA123", "From": "+15551230000", "To": "+15559870000"}
    assert _post(url, params, None)[0] == 403
    assert _post(url, params, "bm90IGEgc2lnbmF0dXJl")[0] == 403
    assert _post(url, {**params, "From": "+1999"}, twilio_signature("test-auth-token", url, params))[0] == 403
    status, twiml = _post(url, params, twilio_signature("test-auth-token", url, params))
    assert status == 200
    # the caller's number travels to the stream, for a callback if every agent is busy
    assert (f'<Connect><Stream url="ws://127.0.0.1:{server.port}/twilio/stream">'
            '<Parameter name="from" value="+15551230000"/></Stream></Connect>') in twiml
    with pytest.raises(InvalidStatus) as info:
        async with connect(server.ws):
            pass
    assert info.value.response.status_code == 403


# -- one whole call ----------------------------------------------------------------------------

@pytest.mark.realtime
async def test_call_greeting_reply_dtmf_marks_and_record(server: Server) -> None:
    async with Caller(server.ws) as c:
        t_start = time.monotonic()
        greeting_at = await c.wait_for(lambda: c.first_audio(), 5.0)
        await c.wait_for(lambda: "reply-1" in c.echoed_marks, 20.0)  # greeting played to the end
        _, end = await c.say(clip("smoke-ask.wav"))  # one sentence: one turn
        reply_at = await c.wait_for(lambda: c.first_audio(after=end), 6.0)
        await c.quiet_after(reply_at)
        pressed = time.monotonic()
        hash_at = await c.dtmf("47119#")
        keypad_reply_at = await c.wait_for(lambda: c.first_audio(after=hash_at), 6.0)
        quiet = await c.quiet_after(keypad_reply_at)
        await c.wait_for(lambda: len(c.echoed_marks) >= 3, 5.0)
        assert (c.first_audio(after=pressed) or 0.0) >= hash_at - 0.05  # no reply to single digits
        assert quiet > keypad_reply_at
    row = await _wait_record(server, c.call_sid)
    _note("greeting_first_audio_s", round(greeting_at - t_start, 3))
    _note("response_first_audio_after_speech_end_s", round(reply_at - end, 3))
    _note("dtmf_reply_first_audio_after_hash_s", round(keypad_reply_at - hash_at, 3))
    _note("single_call_record_latency", row.latency)
    assert row.channel == "twilio"
    agent_lines = [t["text"] for t in row.transcript if t["speaker"] == "agent"]
    caller_lines = [t["text"] for t in row.transcript if t["speaker"] == "caller"]
    # tiny.en over a telephone band mishears words ("where my power is"); the gist must be there
    assert caller_lines and "where" in " ".join(caller_lines).lower()
    assert any("four seven one one nine" in line.lower() for line in agent_lines), agent_lines
    assert {"reply-1", "reply-2", "reply-3"} <= set(c.echoed_marks)
    assert "mark_lag_p50_ms" in row.latency and "response_p50_ms" in row.latency


@pytest.mark.realtime
async def test_barge_in_sends_clear_and_silences_the_agent(server: Server) -> None:
    async with Caller(server.ws) as c:
        first = await c.wait_for(lambda: c.first_audio(), 5.0)
        await asyncio.sleep(max(0.0, first + 1.0 - time.monotonic()))  # 1 s into the greeting
        say = asyncio.create_task(c.say(clip("barge-in-sorry-refund.wav")))
        await asyncio.sleep(0.05)
        clear = await c.wait_for(lambda: c.events("clear"), 5.0)
        onset, _ = await say
        audible_after = [r.at for r in c.received if r.audible and r.at >= onset]
        silent_at = max(audible_after, default=onset)
        reply_at = await c.wait_for(lambda: c.first_audio(after=clear[0].at + 0.3), 8.0)
    row = await _wait_record(server, c.call_sid)
    clear_ms = round((clear[0].at - onset) * 1000)
    silent_ms = round((silent_at - onset) * 1000)
    _note("barge_in_clear_after_onset_ms", clear_ms)
    _note("barge_in_last_agent_audio_after_onset_ms", silent_ms)
    _note("barge_in_record_latency", row.latency)
    assert silent_ms < 500  # paused within a few frames of speech onset
    assert 0 < clear_ms < 1500  # confirmed and cleared at the provider
    assert reply_at > clear[0].at
    assert "interruption_max_ms" in row.latency


# -- bad input ---------------------------------------------------------------------------------

def _sig(server: Server) -> dict[str, str]:
    return {"X-Twilio-Signature": twilio_signature("test-auth-token", server.ws)}


START: dict[str, Any] = {"event": "start", "streamSid": "MZbad", "start": {
    "callSid": "CAbad", "accountSid": "AC", "tracks": ["inbound"],
    "mediaFormat": {"encoding": "audio/x-mulaw", "sampleRate": 8000, "channels": 1}}}


async def _close_code(server: Server, messages: list[str], wait_s: float = 5.0) -> int | None:
    """Send ``messages``, then listen; the server's close code, or None if it stayed open."""
    async with connect(server.ws, additional_headers=_sig(server), max_size=2**20) as ws:
        try:
            for m in messages:
                await ws.send(m)
            async with asyncio.timeout(wait_s):
                async for _ in ws:
                    pass
        except TimeoutError:
            return None
        except ConnectionClosed:
            pass
        return ws.close_code


def _media(payload: str) -> str:
    return json.dumps({"event": "media", "streamSid": "MZbad",
                       "media": {"track": "inbound", "chunk": "1", "timestamp": "0", "payload": payload}})


@pytest.mark.realtime
async def test_bad_streams_are_refused_and_other_calls_go_on(server: Server) -> None:
    start = json.dumps(START)
    good_media = _media(base64.b64encode(b"\xff" * 160).decode())
    async with Caller(server.ws) as good:
        await good.wait_for(lambda: good.first_audio(), 5.0)
        codes = await asyncio.gather(
            _close_code(server, [start, "{not json"]),
            _close_code(server, [start, _media("%%%not-base64%%%")]),
            _close_code(server, [start, _media(base64.b64encode(bytes(10_000)).decode())]),
            _close_code(server, [start, json.dumps({"event": "media", "pad": "x" * 100_000})]),
            _close_code(server, [good_media]),  # media before start
            _close_code(server, [json.dumps({**START, "start": {**START["start"], "mediaFormat": {
                "encoding": "audio/x-l16", "sampleRate": 16000, "channels": 1}}})]),
            _close_code(server, [], wait_s=5.0),  # never sends start
            _close_code(server, [start, json.dumps({"event": "surprise"}), good_media], wait_s=1.5),
        )
        assert codes == [1007, 1007, 1007, 1009, 1007, 1003, 1008, None]
        async with Caller(server.ws) as dropped:
            await dropped.wait_for(lambda: dropped.first_audio(), 5.0)
            dropped.drop()
        await good.wait_for(lambda: "reply-1" in good.echoed_marks, 20.0)
        assert good.close_code is None
        # the dropped call (socket gone without a close frame) ends and closes its record
        row = await _wait_record(server, dropped.call_sid, timeout_s=10.0)
        assert row.channel == "twilio"
        assert server.health()["calls"] == 1  # only the good call is left
    log = server.log_text()
    assert "no 'start' within" in log and "protocol error" in log and "unsupported media format" in log
    assert "+15551230000" not in log and "parcel" not in log.lower()  # nothing personal in the log


# -- load --------------------------------------------------------------------------------------

LOAD_CALLS = 4
# One-sentence questions, so that each is one turn and "response" means the same for every call.
LOAD_CLIPS = ["smoke-ask.wav", "barge-in-ask.wav", "cough-knock-ask.wav", "phone-ask.wav"]


async def _load_call(server: Server, i: int) -> dict[str, float]:
    await asyncio.sleep(i * 0.7)  # callers do not all dial in the same 20 ms
    async with Caller(server.ws) as c:
        t0 = time.monotonic()
        greeting = await c.wait_for(lambda: c.first_audio(), 10.0)
        await c.wait_for(lambda: "reply-1" in c.echoed_marks, 30.0)
        _, end = await c.say(clip(LOAD_CLIPS[i % len(LOAD_CLIPS)]))
        reply = await c.wait_for(lambda: c.first_audio(after=end), 15.0)
        await c.quiet_after(reply, quiet_s=0.8)
        assert c.close_code is None
    row = await _wait_record(server, c.call_sid)
    return {"greeting_s": greeting - t0, "response_s": reply - end,
            "server_response_ms": float(row.latency.get("response_max_ms", -1))}


@pytest.mark.realtime
async def test_load_four_concurrent_calls(server: Server) -> None:
    t0 = time.monotonic()
    async with asyncio.timeout(120):
        results = await asyncio.gather(*(_load_call(server, i) for i in range(LOAD_CALLS)))
    responses = sorted(r["response_s"] for r in results)
    greetings = sorted(r["greeting_s"] for r in results)
    _note("load", {
        "calls": LOAD_CALLS, "wall_s": round(time.monotonic() - t0, 1),
        "response_s": [round(x, 3) for x in responses],
        "response_p50_s": round(median(responses), 3), "response_max_s": round(responses[-1], 3),
        "greeting_first_audio_s": [round(x, 3) for x in greetings],
        "server_logged_response_ms": sorted(r["server_response_ms"] for r in results)})
    assert len(results) == LOAD_CALLS  # none dropped: every call got its greeting and a reply
    assert responses[-1] < 6.0


# -- shutdown ----------------------------------------------------------------------------------

@pytest.mark.realtime
async def test_sigterm_ends_live_calls_and_exits_0(tmp_path: Path) -> None:
    # No drain time: live calls end at once, with the apology (tests/test_fleet_worker.py drains).
    srv = start_server(tmp_path, "--drain-timeout-s", "0", token=None)
    try:
        async with Caller(srv.ws, token=None) as c:
            await c.wait_for(lambda: c.first_audio(), 5.0)
            t = time.monotonic()
            srv.proc.send_signal(15)
            deadline = time.monotonic() + 30
            while c.close_code is None and time.monotonic() < deadline:
                await asyncio.sleep(0.05)
            assert c.close_code in (1000, 1001), c.close_code
            _note("sigterm_stream_closed_after_s", round(time.monotonic() - t, 2))
        assert await asyncio.to_thread(srv.proc.wait, 15) == 0
        row = srv.record(c.call_sid)
        assert row is not None and row.ended_at is not None
    finally:
        stop_server(srv)
