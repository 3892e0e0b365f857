"""The SIP busy notice without SIP: the INVITE's facts, and playing a notice into a call's jitter
buffer at pjmedia's pace (a task stands in for pjmedia's clock thread, taking a frame per 20 ms)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import numpy as np
import pytest

from agent.telephony.sip import notice as sip_notice
from agent.telephony.sip.media import SINK_MAX_FRAMES, CallLink, invite_facts
from pipeline.devices import FRAME_BYTES

INVITE = (
    "INVITE sip:agent@127.0.0.1:5101 SIP/2.0\r\n"
    "Via: SIP/2.0/UDP 127.0.0.1:5088;branch=z9hG4bK1\r\n"
    "{from_line}\r\n"
    "To: <sip:agent@127.0.0.1:5088>\r\n"
    "{extra}"
    "Content-Type: application/sdp\r\n\r\n"
    "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nX-Voice-Agent-Overflow: 1\r\n"
)


def _invite(from_line: str, extra: str = "") -> str:
    return INVITE.format(from_line=from_line, extra=extra)


@pytest.mark.parametrize(("from_line", "number"), [
    ('From: "Maria" <sip:+441632960123@10.0.0.1>;tag=a1', "+441632960123"),
    ("f: <sip:0612345678@pbx.example;user=phone>;tag=b", "0612345678"),
    ("From: <tel:+1-555-010-9999>;tag=c", "+15550109999"),
    ("FROM: sipp <sip:sipp@127.0.0.1:5061>;tag=d", ""),  # a name, not a number
    ("From: <sip:123@127.0.0.1>;tag=e", ""),  # an extension: too short to call back
    ("From: <sip:+44+1632960123@x>;tag=f", ""),  # malformed
    ("From: <sip:12345678901234567@x>;tag=g", ""),  # longer than E.164 allows
])
def test_the_callers_number_comes_from_the_from_uri_when_it_is_one(from_line: str, number: str) -> None:
    assert invite_facts(_invite(from_line)) == (number, False)


def test_the_overflow_try_is_the_front_doors_header_not_a_line_of_the_body() -> None:
    line = "From: <sip:+441632960123@x>;tag=a"
    assert invite_facts(_invite(line, "X-Voice-Agent-Overflow: 1\r\n")) == ("+441632960123", True)
    assert invite_facts(_invite(line, "x-voice-agent-overflow:1\r\n"))[1] is True
    assert invite_facts(_invite(line, "X-Voice-Agent-Overflow: 0\r\n"))[1] is False
    assert invite_facts(_invite(line))[1] is False  # the same text in the SDP body does not count
    assert invite_facts("") == ("", False)
    assert invite_facts("\x00garbage\r\n\r\n") == ("", False)


async def _clauses(*seconds: float) -> AsyncIterator[np.ndarray]:
    for i, s in enumerate(seconds):
        yield np.full(int(16_000 * s), 1000 + i, dtype=np.int16)


async def _pjmedia(link: CallLink, taken: list[bytes], start_after_s: float = 0.0,
                   most_pending: list[int] | None = None) -> None:
    """pjmedia's clock: a frame every 20 ms once media flows (after ``start_after_s``)."""
    loop = asyncio.get_running_loop()
    start = loop.time() + start_after_s
    while True:
        if most_pending is not None:
            most_pending.append(link.sink.pending_frames)
        if loop.time() >= start:
            taken.append(link.sink.next_frame())
        await asyncio.sleep(0.02)


async def test_the_notice_plays_whole_at_pjmedias_pace_then_reports_heard() -> None:
    link = CallLink("c1", asyncio.get_running_loop())
    taken: list[bytes] = []
    pending: list[int] = []
    clock = asyncio.create_task(_pjmedia(link, taken, 0.3, pending))  # ringing, then media
    try:
        outcome = await sip_notice.play_to_sip(link, _clauses(0.4, 0.3))
    finally:
        clock.cancel()
    assert outcome == "heard"
    played = b"".join(f for f in taken if f != bytes(FRAME_BYTES))
    samples = np.frombuffer(played, dtype="<i2")
    # every sample of both clauses, none trimmed by the jitter buffer's limit, in order
    assert len(samples) == 16_000 * 7 // 10
    assert list(np.unique(samples)) == [1000, 1001] and samples[0] == 1000 and samples[-1] == 1001
    assert link.sink.pending_frames == 0
    assert max(pending) < SINK_MAX_FRAMES  # never written as far ahead as the trim limit


async def test_a_caller_who_hangs_up_stops_the_notice() -> None:
    link = CallLink("c2", asyncio.get_running_loop())
    taken: list[bytes] = []
    clock = asyncio.create_task(_pjmedia(link, taken))
    asyncio.get_running_loop().call_later(0.2, link.source.close)  # BYE from the caller
    try:
        outcome = await asyncio.wait_for(sip_notice.play_to_sip(link, _clauses(3.0)), 2.0)
    finally:
        clock.cancel()
    assert outcome == "hung-up"
    assert len(taken) < 50  # stopped well before the 3 s notice's end


async def test_no_media_is_a_timeout_not_a_hang(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sip_notice, "STALL_S", 0.3)
    link = CallLink("c3", asyncio.get_running_loop())
    outcome = await asyncio.wait_for(sip_notice.play_to_sip(link, _clauses(1.0)), 2.0)
    assert outcome == "timeout"
