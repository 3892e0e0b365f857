"""One Twilio Media Streams WebSocket as one call: the audio adapters and the stream's lifetime.

The WebSocket is reached through :class:`StreamConnection` (three coroutines), so this module
does not depend on the web framework. :func:`handle_media_stream` waits for ``start``, opens the
call on the :class:`~agent.calls.CallHost`, feeds ``media`` to the pipeline, forwards ``dtmf``,
sends the agent's audio back paced by the pipeline's playout, and always ends the call record,
whatever ends the stream (``stop``, a dropped socket, silence, a protocol error, shutdown).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import time
import uuid
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from statistics import median
from typing import Any

import numpy as np

from agent.admission import Admission
from agent.call_stats import LogFollower, summary
from agent.calls import CallHost, CallRefused, LiveCall
from agent.telephony.twilio import (
    Connected,
    Downsampler,
    Dtmf,
    Mark,
    Media,
    ProtocolError,
    Start,
    Stop,
    Upsampler,
    clear_message,
    mark_message,
    media_message,
    mulaw_decode,
    mulaw_encode,
    parse_message,
)
from pipeline.devices import FRAME_BYTES
from pipeline.events import AgentAudioLogged, CallLog

log = logging.getLogger(__name__)

MAX_QUEUED_IN_FRAMES = 50  # 1 s of caller audio; more means the pipeline stalled: drop the oldest
MAX_QUEUED_OUT = 250  # 5 s of outgoing messages; more means the peer stopped reading
_CALL_ID_RE = re.compile(r"[A-Za-z0-9_-]{1,64}")


@dataclass(frozen=True)
class StreamLimits:
    start_timeout_s: float = 10.0  # a socket that sends no ``start`` by then is closed
    idle_timeout_s: float = 10.0  # Twilio sends media every 20 ms; this much silence = dropped


@dataclass(frozen=True)
class StreamConnection:
    """The WebSocket as three coroutines. ``recv`` returns None once the socket is closed."""

    recv: Callable[[], Awaitable[str | None]]
    send: Callable[[str], Awaitable[None]]
    close: Callable[[int, str], Awaitable[None]]


class StreamSource:
    """Caller audio from ``media`` payloads, as 20 ms 16 kHz frames (an ``AudioSource``)."""

    def __init__(self) -> None:
        self._queue: asyncio.Queue[bytes | None] = asyncio.Queue()
        self._up = Upsampler()
        self._pending = bytearray()
        self._ended = False
        self.dropped_frames = 0

    def feed(self, mulaw: bytes) -> None:
        """Decode, resample and queue; never blocks (drops the oldest frame past 1 s queued)."""
        if self._ended:
            return
        self._pending += self._up.process(mulaw_decode(mulaw)).tobytes()
        while len(self._pending) >= FRAME_BYTES:
            if self._queue.qsize() >= MAX_QUEUED_IN_FRAMES:
                self._queue.get_nowait()
                self.dropped_frames += 1
            self._queue.put_nowait(bytes(self._pending[:FRAME_BYTES]))
            del self._pending[:FRAME_BYTES]

    def end(self) -> None:
        """The caller is gone: ``read_frame`` returns None from now on (after queued audio)."""
        if not self._ended:
            self._ended = True
            self._queue.put_nowait(None)

    async def read_frame(self) -> bytes | None:
        """Waits for the next frame, as fast as the provider sends them; cancellable."""
        frame = await self._queue.get()
        if frame is None:
            self._queue.put_nowait(None)  # every later read sees the end too
        return frame


class StreamSink:
    """The agent's voice as ``media`` messages, with a ``mark`` after each reply (an ``AudioSink``).

    Silent frames outside a reply are not sent: the provider plays silence by itself, and the
    marks then tell exactly when the caller finished hearing each reply.
    """

    def __init__(self, stream_sid: str) -> None:
        self._sid = stream_sid
        self._down = Downsampler()
        self._out: deque[tuple[str, str]] = deque()  # (event, JSON text)
        self._wake = asyncio.Event()
        self._closing = False
        self._follower: LogFollower | None = None
        self._log: CallLog | None = None
        self._figures: dict[str, Any] | None = None
        self._vad_stop_ms = 0.0
        self._in_reply = False
        self._pending_marks: dict[str, tuple[int, float]] = {}  # name → (reply id, sent at, s)
        self._cleared_marks: set[str] = set()
        self.heard_replies: list[int] = []  # replies whose mark came back: heard to the end
        self.cut_replies: list[int] = []  # replies whose mark came back only because of a clear
        self.mark_lags_ms: list[float] = []
        self.clears_sent = 0
        self.dropped_messages = 0

    def attach(self, call_log: CallLog, figures: dict[str, Any], vad_stop_ms: float) -> None:
        """Follow ``call_log`` for reply ends; keep latency ``figures`` (the call's extra) current."""
        self._log, self._follower, self._figures = call_log, LogFollower(call_log), figures
        self._vad_stop_ms = vad_stop_ms

    def write_frame(self, pcm: bytes, call_ms: float) -> None:
        """Queue one 20 ms frame (320 samples at 16 kHz → 160 μ-law bytes). Never blocks."""
        self._check_log()
        samples = np.frombuffer(pcm, dtype=np.int16)
        if not self._in_reply and not samples.any():
            return
        self._send("media", media_message(self._sid, mulaw_encode(self._down.process(samples))))

    def clear(self) -> None:
        """Barge-in: drop what is queued here and tell the provider to drop its buffer, now."""
        self._out = deque(m for m in self._out if m[0] != "media")
        self._cleared_marks |= self._pending_marks.keys()
        self._in_reply = False
        self.clears_sent += 1
        self._send("clear", clear_message(self._sid))

    def on_mark(self, name: str) -> None:
        """The provider played everything sent before mark ``name`` (or dropped it on ``clear``)."""
        pending = self._pending_marks.pop(name, None)
        if pending is None:
            return
        reply_id, sent_at = pending
        if name in self._cleared_marks:
            self._cleared_marks.discard(name)
            self.cut_replies.append(reply_id)
            return
        self.heard_replies.append(reply_id)
        self.mark_lags_ms.append(round((time.monotonic() - sent_at) * 1000.0, 1))
        if self._figures is not None:
            self._figures["mark_lag_p50_ms"] = round(median(self.mark_lags_ms), 1)

    def flush_log(self) -> None:
        """Send the marks for replies that ended since the last frame (call teardown)."""
        self._check_log()

    async def drain(self, send: Callable[[str], Awaitable[None]]) -> None:
        """Send queued messages in order until :meth:`close`; ends when closed and empty.

        Cancellable; a send error propagates (the socket is gone)."""
        while True:
            while self._out:
                await send(self._out.popleft()[1])
            if self._closing:
                return
            self._wake.clear()
            await self._wake.wait()

    def close(self) -> None:
        self._closing = True
        self._wake.set()

    def _send(self, event: str, message: str) -> None:
        if self._closing:
            return
        if len(self._out) >= MAX_QUEUED_OUT:
            self._out.popleft()
            self.dropped_messages += 1
        self._out.append((event, message))
        self._wake.set()

    def _check_log(self) -> None:
        # Playout logs a frame's events right after writing it, so the events seen here belong to
        # frames already queued: a reply's mark lands just after its last audio.
        if self._follower is None:
            return
        changed = False
        for event in self._follower.new_events():
            if not isinstance(event, AgentAudioLogged):
                continue
            changed = True
            if event.kind == "started":
                self._in_reply = True
            elif event.kind == "finished":
                self._in_reply = False
                name = f"reply-{event.reply_id}"
                self._pending_marks[name] = (event.reply_id, time.monotonic())
                self._send("mark", mark_message(self._sid, name))
            elif event.kind == "cut":
                self._in_reply = False
        if changed and self._figures is not None and self._log is not None:
            self._figures.update(summary(self._log, self._vad_stop_ms))


async def _wait_start(conn: StreamConnection) -> Start | None:
    """Messages up to ``start``; None if the socket closed first. Raises ProtocolError."""
    while True:
        raw = await conn.recv()
        if raw is None:
            return None
        msg = parse_message(raw)
        if isinstance(msg, Start):
            return msg
        if not isinstance(msg, Connected):
            raise ProtocolError(f"'{type(msg).__name__.lower()}' before 'start'")


async def _read(conn: StreamConnection, live: LiveCall, source: StreamSource, sink: StreamSink,
                limits: StreamLimits) -> str:
    """Dispatch messages until the stream ends; returns why it ended. Cancellable."""
    extra = {"call_id": live.call_id}
    while True:
        try:
            raw = await asyncio.wait_for(conn.recv(), limits.idle_timeout_s)
        except TimeoutError:
            log.warning("no message for %.0f s: treating the stream as dropped", limits.idle_timeout_s,
                        extra=extra)
            return "idle"
        if raw is None:
            return "socket-closed"
        try:
            msg = parse_message(raw)
        except ProtocolError as exc:
            if str(exc).startswith("unknown event"):
                # Providers add events over time; one we do not know is no reason to drop a call.
                log.info("ignored a message: %s", exc, extra=extra)
                continue
            log.warning("protocol error, ending the call: %s", exc, extra=extra)
            await conn.close(1007, "invalid message")
            return "protocol-error"
        if isinstance(msg, Media):
            if msg.track in ("inbound", "inbound_track"):
                source.feed(msg.payload)
        elif isinstance(msg, Dtmf):
            await live.pipeline.send_dtmf(msg.digit)
        elif isinstance(msg, Mark):
            sink.on_mark(msg.name)
        elif isinstance(msg, Stop):
            return "stop"
        elif isinstance(msg, Start):
            log.warning("second 'start' on one stream ignored", extra=extra)


async def handle_media_stream(conn: StreamConnection, host: CallHost,
                              limits: StreamLimits | None = None) -> str:
    """Serve one Media Streams socket from ``connected`` to its end; returns how it ended.

    Never raises for peer behaviour: a bad stream is logged and closed. If this coroutine is
    cancelled (server shutdown), the call task still closes the pipeline and writes the record.
    """
    limits = limits or StreamLimits()
    try:
        start = await asyncio.wait_for(_wait_start(conn), limits.start_timeout_s)
    except TimeoutError:
        log.warning("no 'start' within %.0f s: closing the stream", limits.start_timeout_s)
        await conn.close(1008, "no start message")
        return "no-start"
    except ProtocolError as exc:
        log.warning("refused a stream: %s", exc)
        await conn.close(1007, "invalid message")
        return "protocol-error"
    if start is None:
        return "socket-closed"
    problem = start.format_problem()
    if problem:
        log.warning("refused a stream: %s", problem)
        await conn.close(1003, "unsupported media format")
        return "bad-format"
    source, sink = StreamSource(), StreamSink(start.stream_sid)
    # The provider's CallSid as our call id lets logs and records be matched with its console.
    call_id = start.call_sid if _CALL_ID_RE.fullmatch(start.call_sid) else None
    if call_id in host.calls:
        call_id = None
    # The caller's number, for a callback: our TwiML passes the webhook's From as a parameter.
    caller_number = start.custom_parameters.get("from", "")[:32]
    admission = host.admission()
    if admission is Admission.OVERFLOW:
        from agent.telephony.twilio_notice import serve_busy_caller

        return await serve_busy_caller(conn, host, start.stream_sid,
                                       call_id or uuid.uuid4().hex[:12], caller_number)
    try:
        if admission is not Admission.ADMIT:
            raise CallRefused(host.state())
        live = host.open_call(source, sink, channel="twilio", call_id=call_id,
                              caller_number=caller_number)
    except CallRefused as exc:
        log.warning("refused a stream: worker %s", exc.state.value)
        await conn.close(1013, "try again later")
        return "refused"
    sink.attach(live.pipeline.log, live.extra, host.config.vad.stop_ms)
    hang_up = asyncio.Event()
    call = asyncio.create_task(host.run_call(live, hang_up), name=f"twilio-call-{live.call_id}")
    writer = asyncio.create_task(sink.drain(conn.send), name=f"twilio-send-{live.call_id}")
    reader = asyncio.create_task(_read(conn, live, source, sink, limits),
                                 name=f"twilio-recv-{live.call_id}")
    outcome = "agent-hung-up"
    try:
        done, _ = await asyncio.wait({call, reader, writer}, return_when=asyncio.FIRST_COMPLETED)
        if reader in done:
            outcome = reader.result()
        elif writer in done:
            outcome = "send-failed"
    finally:
        source.end()
        hang_up.set()
        await asyncio.gather(call, return_exceptions=True)
        sink.flush_log()
        sink.close()
        # The goodbye's mark and any last audio go out before the socket closes; 1 s at most.
        with contextlib.suppress(Exception):
            await asyncio.wait_for(writer, 1.0)
        reader.cancel()
        writer.cancel()
        await asyncio.gather(reader, writer, return_exceptions=True)
        if live.farewell and outcome == "agent-hung-up":  # ended by a drain, the caller still here
            from agent.telephony.twilio_notice import play_notice

            with contextlib.suppress(Exception):
                outcome = "drained-" + await play_notice(conn, start.stream_sid,
                                                         host.speak(live.farewell))
        with contextlib.suppress(Exception):
            await conn.close(1000, "call ended")
        log.info("media stream ended: %s (heard %d replies, %d cut, %d clears, %d frames dropped)",
                 outcome, len(sink.heard_replies), len(sink.cut_replies), sink.clears_sent,
                 source.dropped_frames + sink.dropped_messages, extra={"call_id": live.call_id})
    return outcome
