"""Browser calls over WebRTC: pipecat's SmallWebRTC connection (aiortc) adapted to our devices.

Only pipecat's :class:`SmallWebRTCConnection` is used (signalling, peer connection, data
channel); audio goes through :class:`WebRtcSource`/:class:`WebRtcSink` so the call runs the same
pipeline as the phone. The page gets its live transcript over the data channel as JSON:
``{"type": "partial"|"final"|"agent"|"heard"|"latency"|"ended", ...}``.
"""

from __future__ import annotations

import asyncio
import contextlib
import fractions
import logging
import time
from collections import deque
from typing import Any

import numpy as np
from aiortc import MediaStreamTrack
from aiortc.mediastreams import MediaStreamError
from av import AudioFrame, AudioResampler
from pipecat.transports.smallwebrtc.connection import SmallWebRTCConnection

from agent.call_stats import LogFollower, last_turn, summary
from agent.calls import CallHost, LiveCall
from pipeline.devices import FRAME_BYTES, FRAME_SAMPLES, PIPELINE_RATE_HZ
from pipeline.events import AgentAudioLogged, FinalLogged, PartialLogged, ReplyLogged

log = logging.getLogger(__name__)

MAX_QUEUED_IN_FRAMES = 50  # 1 s; beyond that the pipeline stalled and old audio is useless
MAX_QUEUED_OUT_FRAMES = 15  # 300 ms; the pacer and the track both run in real time
UI_POLL_S = 0.1


class WebRtcSource:
    """The browser's microphone as 20 ms 16 kHz frames (an ``AudioSource``)."""

    def __init__(self) -> None:
        self._queue: asyncio.Queue[bytes | None] = asyncio.Queue()
        self._resampler = AudioResampler(format="s16", layout="mono", rate=PIPELINE_RATE_HZ)
        self._pending = bytearray()
        self._ended = False

    async def pump(self, track: Any) -> None:
        """Read ``track`` until it ends; then the source ends. Cancellable (ends the source)."""
        try:
            while True:
                frame = await track.recv()
                for out in self._resampler.resample(frame):
                    self._pending += out.to_ndarray().astype(np.int16).tobytes()
                while len(self._pending) >= FRAME_BYTES:
                    if self._queue.qsize() >= MAX_QUEUED_IN_FRAMES:
                        self._queue.get_nowait()
                    self._queue.put_nowait(bytes(self._pending[:FRAME_BYTES]))
                    del self._pending[:FRAME_BYTES]
        except MediaStreamError:
            pass
        finally:
            self.end()

    def end(self) -> None:
        if not self._ended:
            self._ended = True
            self._queue.put_nowait(None)

    async def read_frame(self) -> bytes | None:
        """The next frame as the browser sends it (real time); None once the peer is gone."""
        frame = await self._queue.get()
        if frame is None:
            self._queue.put_nowait(None)
        return frame


class WebRtcSink(MediaStreamTrack):
    """The agent's voice as an outgoing aiortc audio track (and an ``AudioSink``).

    aiortc pulls :meth:`recv` every 20 ms; it gets the pacer's frames, or silence when none wait.
    """

    kind = "audio"

    def __init__(self) -> None:
        super().__init__()
        self._frames: deque[bytes] = deque()
        self._start: float | None = None
        self._pts = 0

    def write_frame(self, pcm: bytes, call_ms: float) -> None:
        if len(self._frames) >= MAX_QUEUED_OUT_FRAMES:
            self._frames.popleft()  # keep latency bounded if the two clocks drift apart
        self._frames.append(pcm)

    def clear(self) -> None:
        self._frames.clear()

    async def recv(self) -> AudioFrame:
        if self.readyState != "live":
            raise MediaStreamError
        if self._start is None:
            self._start = time.monotonic()
        wait = self._start + self._pts / PIPELINE_RATE_HZ - time.monotonic()
        if wait > 0:
            await asyncio.sleep(wait)
        pcm = self._frames.popleft() if self._frames else bytes(FRAME_BYTES)
        frame = AudioFrame.from_ndarray(np.frombuffer(pcm, dtype=np.int16)[None, :], format="s16",
                                        layout="mono")
        frame.sample_rate = PIPELINE_RATE_HZ
        frame.pts = self._pts
        frame.time_base = fractions.Fraction(1, PIPELINE_RATE_HZ)
        self._pts += FRAME_SAMPLES
        return frame


async def _show(conn: SmallWebRTCConnection, live: LiveCall, vad_stop_ms: float) -> None:
    """Push the call's transcript and latencies to the page as they happen. Cancellable."""
    follower = LogFollower(live.pipeline.log)
    while True:
        for e in follower.new_events():
            if isinstance(e, PartialLogged):
                conn.send_app_message({"type": "partial", "text": e.text})
            elif isinstance(e, FinalLogged) and e.text:
                conn.send_app_message({"type": "final", "text": e.text})
            elif isinstance(e, ReplyLogged) and e.text:
                conn.send_app_message({"type": "agent", "id": e.reply_id, "text": e.text})
            elif isinstance(e, AgentAudioLogged):
                if e.kind == "cut":
                    conn.send_app_message({"type": "heard", "id": e.reply_id, "text": e.heard_text})
                if e.kind in ("started", "paused", "cut"):
                    conn.send_app_message({"type": "latency", **last_turn(live.pipeline.log, vad_stop_ms)})
                    live.extra.update(summary(live.pipeline.log, vad_stop_ms))
        await asyncio.sleep(UI_POLL_S)


class WebRtcSessions:
    """The server's browser calls, by peer-connection id. Use from the event loop."""

    def __init__(self, host: CallHost) -> None:
        self._host = host
        self._conns: dict[str, SmallWebRTCConnection] = {}
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self._gone: dict[str, asyncio.Event] = {}  # set when the peer left or must leave

    async def offer(self, sdp: str, kind: str) -> dict[str, Any]:
        """Answer an SDP offer; the call starts once ICE connects and ends with the peer."""
        conn = SmallWebRTCConnection()
        sink = WebRtcSink()
        await conn.initialize(sdp=sdp, type=kind)
        conn.replace_audio_track(sink)
        answer = conn.get_answer()
        pc_id = answer["pc_id"]
        self._conns[pc_id] = conn
        connected = asyncio.Event()
        gone = self._gone[pc_id] = asyncio.Event()

        @conn.event_handler("connected")
        async def _connected(_conn: SmallWebRTCConnection) -> None:
            connected.set()

        for state in ("disconnected", "closed", "failed"):
            conn.add_event_handler(state, lambda *_: gone.set())
        await conn.connect()  # marks the connection wanted; "connected" fires when ICE is up
        self._tasks[pc_id] = asyncio.create_task(self._run(pc_id, conn, sink, connected, gone),
                                                 name=f"webrtc-{pc_id[-8:]}")
        return answer

    async def _run(self, pc_id: str, conn: SmallWebRTCConnection, sink: WebRtcSink,
                   connected: asyncio.Event, gone: asyncio.Event) -> None:
        source = WebRtcSource()
        pump: asyncio.Task[None] | None = None
        show: asyncio.Task[None] | None = None
        try:
            waits = {asyncio.create_task(connected.wait()), asyncio.create_task(gone.wait())}
            done, pending = await asyncio.wait(waits, timeout=conn.connection_timeout_secs,
                                               return_when=asyncio.FIRST_COMPLETED)
            for w in pending:
                w.cancel()
            track = conn.audio_input_track() if connected.is_set() and not gone.is_set() else None
            if track is None:
                log.warning("browser peer never connected; dropped")
                return
            try:
                live = self._host.open_call(source, sink, channel="browser")
            except RuntimeError:
                return
            pump = asyncio.create_task(source.pump(track))
            show = asyncio.create_task(_show(conn, live, self._host.config.vad.stop_ms))
            hang_up = asyncio.Event()
            gone_task = asyncio.create_task(gone.wait())
            gone_task.add_done_callback(lambda _: hang_up.set())
            try:
                await self._host.run_call(live, hang_up)
            finally:
                gone_task.cancel()
                live.extra.update(summary(live.pipeline.log, self._host.config.vad.stop_ms))
                conn.send_app_message({"type": "ended"})
                await asyncio.sleep(0.2)  # let the last data-channel messages leave
        finally:
            for task in (pump, show):
                if task is not None:
                    task.cancel()
            await asyncio.gather(*(t for t in (pump, show) if t is not None), return_exceptions=True)
            sink.stop()
            with contextlib.suppress(Exception):
                await conn.disconnect()
            self._conns.pop(pc_id, None)
            self._tasks.pop(pc_id, None)
            self._gone.pop(pc_id, None)

    async def hang_up(self, pc_id: str) -> None:
        """The page's hang-up button: end that call (its record is written, then the peer closed)."""
        gone = self._gone.get(pc_id)
        if gone is not None:
            gone.set()

    async def close_all(self, timeout_s: float = 5.0) -> None:
        """Server shutdown: end every browser call and wait for their records; cancel stragglers."""
        for gone in self._gone.values():
            gone.set()
        tasks = list(self._tasks.values())
        if tasks:
            _, late = await asyncio.wait(tasks, timeout=timeout_s)
            for t in late:
                t.cancel()
