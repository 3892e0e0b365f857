"""The busy notice on a SIP call: the worker is full, so the caller hears why, a callback to
their number is booked, and the agent hangs up (issue 16, admission control on the SIP side).

Behind Kamailio (``fleet.sip_failover``) a full worker answers 503 so the front door tries the
next worker; only the front door's last try, marked with ``X-Voice-Agent-Overflow: 1`` once every
worker refused, gets the notice. A worker reached directly plays it at once.

The notice is written into the call's jitter buffer at pjmedia's pace (never more than a few
frames ahead, since the buffer trims what runs ahead: see ``SINK_MAX_FRAMES``), so it plays whole
from the moment media flows; the BYE follows only once the last frame has left.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from typing import TYPE_CHECKING

import numpy as np

from agent.telephony.sip.media import SINK_MAX_FRAMES, CallLink
from pipeline.devices import FRAME_BYTES, FRAME_MS

if TYPE_CHECKING:
    from agent.calls import CallHost

log = logging.getLogger("agent.telephony.sip")

AHEAD_FRAMES = SINK_MAX_FRAMES - 2  # written ahead of pjmedia: under the trim limit
TAIL_MS = 300  # silence after the notice, so the last word is not cut by the BYE
STALL_S = 5.0  # no frame taken by pjmedia for this long (no media): give up


async def _until_hung_up(link: CallLink) -> None:
    while await link.source.read_frame() is not None:
        pass  # the caller's audio is not listened to during the notice


async def play_to_sip(link: CallLink, clauses: AsyncIterator[np.ndarray]) -> str:
    """Play ``clauses`` (int16 PCM at 16 kHz, as :meth:`CallHost.speak` yields them) into the
    call; returns ``heard`` (played to the end), ``hung-up`` (the caller left, or the server is
    stopping) or ``timeout`` (media never flowed, or stalled for ``STALL_S``)."""
    gone = asyncio.ensure_future(_until_hung_up(link))
    stopping = asyncio.ensure_future(link.hang_up.wait())
    loop = asyncio.get_running_loop()
    progress_at = loop.time()

    async def room(limit: int) -> str | None:
        nonlocal progress_at
        pending = link.sink.pending_frames
        while link.sink.pending_frames > limit:
            if gone.done() or stopping.done():
                return "hung-up"
            if link.sink.pending_frames < pending:
                pending, progress_at = link.sink.pending_frames, loop.time()
            elif loop.time() - progress_at > STALL_S:
                return "timeout"
            await asyncio.sleep(FRAME_MS / 2000)
        progress_at = loop.time()
        return None

    async def frames() -> AsyncIterator[bytes]:
        async for pcm in clauses:
            data = pcm.astype("<i2").tobytes()
            for i in range(0, len(data), FRAME_BYTES):
                yield data[i:i + FRAME_BYTES].ljust(FRAME_BYTES, b"\0")
        for _ in range(TAIL_MS // FRAME_MS):
            yield bytes(FRAME_BYTES)

    try:
        async for frame in frames():
            stop = await room(AHEAD_FRAMES - 1)
            if stop:
                return stop
            link.sink.write_frame(frame, 0.0)
        return await room(0) or "heard"
    finally:
        for t in (gone, stopping):
            t.cancel()
        await asyncio.gather(gone, stopping, return_exceptions=True)


async def serve_busy_sip_caller(host: CallHost, link: CallLink, hang_up: Callable[[], None]) -> str:
    """The worker is full: book a callback, play the busy notice, hang up; returns how the
    notice went. The callback row exists before the BYE is sent; nothing here raises."""
    host.overflow_calls += 1
    outcome = "failed"
    try:
        text, booking = host.overflow_notice(link.call_id, link.caller_number, "sip")
        try:
            outcome = await play_to_sip(link, host.speak(text))
        finally:
            await booking  # never raises
    except Exception as exc:  # noqa: BLE001 - synthesis failed: the callback is still booked
        log.warning("SIP busy notice failed (%s)", type(exc).__name__, extra={"call_id": link.call_id})
    finally:
        host.overflow_calls -= 1
        hang_up()
    log.info("busy SIP caller: callback booked, notice %s", outcome, extra={"call_id": link.call_id})
    return outcome
