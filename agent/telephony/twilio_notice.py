"""Short notices on a Media Streams socket outside a call's pipeline: the busy notice (the worker
is full: a callback is booked and the call ends) and the drain apology (the worker is stopping).

Each clause is sent as soon as it is synthesised (the provider buffers and plays it in real time;
the fixed opening comes from the cache, so the caller hears it at once), then a ``mark``; the
provider echoes the mark when the caller has heard everything before it, and only then is the
socket closed, so the caller never hears a notice cut off, nor silence.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

import numpy as np

from agent.telephony.twilio import (
    Downsampler,
    Mark,
    ProtocolError,
    Stop,
    mark_message,
    media_message,
    mulaw_encode,
    parse_message,
)

if TYPE_CHECKING:
    from agent.calls import CallHost
    from agent.telephony.twilio_call import StreamConnection

log = logging.getLogger(__name__)

NOTICE_MARK = "notice-end"
FRAME_8K = 160  # 20 ms of μ-law at 8 kHz
HEARD_MARGIN_S = 3.0  # beyond the notice's length, how long to wait for its mark


def media_messages(stream_sid: str, pcm16k: np.ndarray, down: Downsampler) -> list[str]:
    """``media`` messages of 20 ms for ``pcm16k`` (int16 at 16 kHz) through ``down``."""
    pcm = pcm16k.astype(np.int16)
    ulaw = mulaw_encode(down.process(pcm[: len(pcm) // 2 * 2]))
    return [media_message(stream_sid, ulaw[i:i + FRAME_8K].ljust(FRAME_8K, b"\xff"))
            for i in range(0, len(ulaw), FRAME_8K)]


async def play_notice(conn: StreamConnection, stream_sid: str, clauses: AsyncIterator[np.ndarray]) -> str:
    """Send the notice clause by clause as each is ready, then its mark, and wait until it was
    heard; returns ``heard``, ``hung-up`` or ``timeout``."""
    down = Downsampler()
    length_s = 0.0
    async for pcm in clauses:
        for message in media_messages(stream_sid, pcm, down):
            await conn.send(message)
        length_s += len(pcm) / 16_000
    await conn.send(mark_message(stream_sid, NOTICE_MARK))

    async def heard() -> str:
        while True:
            raw = await conn.recv()
            if raw is None:
                return "hung-up"
            try:
                msg = parse_message(raw)
            except ProtocolError:
                continue  # a bad message changes nothing now: the notice is all that is left
            if isinstance(msg, Stop):
                return "hung-up"
            if isinstance(msg, Mark) and msg.name == NOTICE_MARK:
                return "heard"

    try:
        return await asyncio.wait_for(heard(), length_s + HEARD_MARGIN_S)
    except TimeoutError:
        return "timeout"


async def serve_busy_caller(conn: StreamConnection, host: CallHost, stream_sid: str, call_id: str,
                            caller_number: str) -> str:
    """The worker is full: book a callback, play the busy notice, end the call cleanly."""
    host.overflow_calls += 1
    try:
        text, booking = host.overflow_notice(call_id, caller_number, "twilio")
        try:
            outcome = await play_notice(conn, stream_sid, host.speak(text))
        finally:
            await booking  # the callback row exists before the line is closed (never raises)
    finally:
        host.overflow_calls -= 1
    log.info("busy caller: callback booked, notice %s", outcome, extra={"call_id": call_id})
    await conn.close(1000, "all agents busy")
    return "overflow"
