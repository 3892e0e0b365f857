"""Test peers for ``voice-agent serve``: the server as a subprocess, and a Media Streams caller.

The caller behaves like Twilio's side of a call over a real WebSocket (``websockets``): it sends
μ-law 8 kHz in 20 ms ``media`` messages in real time (silence between utterances), plays what it
receives into a virtual buffer at real-time speed, echoes each ``mark`` when the audio before it
has "played", and on ``clear`` drops the buffer and echoes pending marks at once, as Twilio does.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from websockets.asyncio.client import ClientConnection, connect

from agent.audio_files import read_wav
from agent.store import open_store
from agent.store.models import CallRecord
from agent.telephony.twilio import mulaw_decode, mulaw_encode, twilio_signature

ROOT = Path(__file__).resolve().parents[1]
CLIPS = ROOT / "benchmarks" / "scenarios" / "clips"
TOKEN = "test-auth-token"
SILENCE_MULAW = b"\xff" * 160
AUDIBLE = 300  # peak |sample| above which a 20 ms frame counts as agent speech (~-40 dBFS)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    proc: subprocess.Popen[bytes]
    port: int
    db_url: str
    log_path: Path

    @property
    def http(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws(self) -> str:
        return f"ws://127.0.0.1:{self.port}/twilio/stream"

    def health(self) -> dict:
        with urllib.request.urlopen(self.http + "/healthz", timeout=2) as r:
            return json.loads(r.read())

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace")

    def record(self, call_id: str) -> CallRecord | None:
        """The call's record in this server's store, detached (None while there is none)."""
        store = open_store(self.db_url)
        try:
            with store.session() as s:
                row = s.get(CallRecord, call_id)
                if row is not None:
                    s.expunge(row)
                return row
        finally:
            store.dispose()


def start_server(tmp: Path, *extra: str, token: str | None = TOKEN, timeout_s: float = 90.0) -> Server:
    """``voice-agent serve`` on a free port with a fresh demo store; waits for /healthz."""
    port = free_port()
    db_url = f"sqlite:///{tmp / 'serve.db'}"
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env.pop("TWILIO_AUTH_TOKEN", None)
    if token:
        env["TWILIO_AUTH_TOKEN"] = token
    log_path = tmp / "server.log"
    with log_path.open("wb") as out:
        verbose = ["-v"] if os.environ.get("VA_VERBOSE") else []  # debug logs, for diagnosis only
        proc = subprocess.Popen([sys.executable, "-m", "agent.cli", *verbose, "serve", "--port", str(port),
                                 "--db-url", db_url, *extra], cwd=ROOT, env=env, stdout=out,
                                stderr=subprocess.STDOUT)
    server = Server(proc, port, db_url, log_path)
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited {proc.returncode}:\n{server.log_text()[-3000:]}")
        with contextlib.suppress(OSError):
            if server.health()["status"] == "ok":
                return server
        time.sleep(0.3)
    proc.kill()
    raise RuntimeError("server did not come up")


def stop_server(server: Server, timeout_s: float = 20.0) -> int:
    """SIGTERM and wait; returns the exit code."""
    if server.proc.poll() is None:
        server.proc.send_signal(signal.SIGTERM)
        try:
            server.proc.wait(timeout_s)
        except subprocess.TimeoutExpired:
            server.proc.kill()
            server.proc.wait()
    return server.proc.returncode


def clip(name: str) -> np.ndarray:
    """A caller clip as int16 at 8 kHz."""
    return read_wav(CLIPS / name, rate_hz=8000)


def speech_bounds_s(pcm8k: np.ndarray) -> tuple[float, float]:
    """(onset, end) of the audible speech in a clip, in seconds from its start."""
    frames = pcm8k[: len(pcm8k) // 160 * 160].reshape(-1, 160)
    loud = np.nonzero(np.abs(frames.astype(np.int32)).max(axis=1) > 1000)[0]
    return (float(loud[0]) * 0.02, float(loud[-1] + 1) * 0.02) if len(loud) else (0.0, 0.0)


@dataclass
class Received:
    at: float  # time.monotonic() on arrival
    event: str
    audible: bool = False
    name: str = ""


@dataclass
class Caller:
    """One simulated Twilio call. Use ``async with Caller(url) as c``."""

    url: str
    token: str | None = TOKEN
    call_sid: str = ""
    parameters: dict[str, str] = field(default_factory=dict)  # the TwiML's <Parameter>s
    received: list[Received] = field(default_factory=list)
    echoed_marks: list[str] = field(default_factory=list)
    close_code: int | None = None
    _ws: ClientConnection | None = None
    _tx: deque[bytes] = field(default_factory=deque)
    _t0: float = 0.0
    _sent: int = 0
    _play_until: float = 0.0
    _marks: list[tuple[float, str]] = field(default_factory=list)
    _tasks: list[asyncio.Task[None]] = field(default_factory=list)

    async def __aenter__(self) -> Caller:
        headers = {"X-Twilio-Signature": twilio_signature(self.token, self.url)} if self.token else {}
        self._ws = await connect(self.url, additional_headers=headers, max_size=2**20)
        self.call_sid = self.call_sid or f"CA{os.urandom(16).hex()}"
        await self.send_json({"event": "connected", "protocol": "Call", "version": "1.0.0"})
        await self.send_json({"event": "start", "sequenceNumber": "1", "streamSid": "MZtest",
                              "start": {"streamSid": "MZtest", "callSid": self.call_sid,
                                        "accountSid": "ACtest", "tracks": ["inbound"],
                                        "customParameters": dict(self.parameters),
                                        "mediaFormat": {"encoding": "audio/x-mulaw",
                                                        "sampleRate": 8000, "channels": 1}}})
        self._t0 = time.monotonic()
        self._tasks = [asyncio.create_task(self._send_loop()), asyncio.create_task(self._recv_loop()),
                       asyncio.create_task(self._mark_loop())]
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.hang_up()

    async def send_json(self, msg: dict) -> None:
        assert self._ws is not None
        await self._ws.send(json.dumps(msg))

    async def hang_up(self) -> None:
        """``stop`` then close, as Twilio does when the caller hangs up."""
        for t in self._tasks:
            t.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks = []
        if self._ws is not None:
            with contextlib.suppress(Exception):
                await self.send_json({"event": "stop", "streamSid": "MZtest",
                                      "stop": {"callSid": self.call_sid}})
            with contextlib.suppress(Exception):
                await self._ws.close()
            self._ws = None

    def drop(self) -> None:
        """Lose the connection without a close handshake (a network failure)."""
        for t in self._tasks:
            t.cancel()
        assert self._ws is not None
        self._ws.transport.abort()
        self._ws = None

    async def say(self, pcm8k: np.ndarray) -> tuple[float, float]:
        """Queue a clip after what is queued; returns (speech onset, speech end) as monotonic
        times, and returns once the clip has been sent."""
        ulaw = mulaw_encode(pcm8k)
        chunks = [ulaw[i:i + 160].ljust(160, b"\xff") for i in range(0, len(ulaw), 160)]
        first = self._t0 + (self._sent + len(self._tx)) * 0.02
        self._tx.extend(chunks)
        onset, end = speech_bounds_s(pcm8k)
        await asyncio.sleep(max(0.0, first + len(chunks) * 0.02 - time.monotonic()))
        return first + onset, first + end

    async def dtmf(self, digits: str, gap_s: float = 0.25) -> float:
        """Send keypresses ``gap_s`` apart; returns when the last one was sent (monotonic)."""
        for i, d in enumerate(digits):
            if i:
                await asyncio.sleep(gap_s)
            await self.send_json({"event": "dtmf", "streamSid": "MZtest",
                                  "dtmf": {"track": "inbound_track", "digit": d}})
        return time.monotonic()

    # -- what came back ----------------------------------------------------------------------
    def events(self, kind: str, after: float = 0.0) -> list[Received]:
        return [r for r in self.received if r.event == kind and r.at >= after]

    def first_audio(self, after: float = 0.0) -> float | None:
        return next((r.at for r in self.received if r.audible and r.at >= after), None)

    async def wait_for(self, predicate, timeout_s: float):  # type: ignore[no-untyped-def]
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            value = predicate()
            if value:
                return value
            if self.close_code is not None:
                raise AssertionError(f"server closed the stream ({self.close_code})")
            await asyncio.sleep(0.02)
        raise AssertionError("timed out")

    async def quiet_after(self, t: float, quiet_s: float = 1.0, timeout_s: float = 30.0) -> float:
        """Wait until no agent audio has arrived for ``quiet_s`` (after ``t``); returns that time."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            last = max((r.at for r in self.received if r.audible), default=t)
            if time.monotonic() - max(last, t) >= quiet_s:
                return max(last, t)
            await asyncio.sleep(0.05)
        raise AssertionError("the agent did not stop talking")

    # -- loops -------------------------------------------------------------------------------
    async def _send_loop(self) -> None:
        while True:
            chunk = self._tx.popleft() if self._tx else SILENCE_MULAW
            await self.send_json({"event": "media", "streamSid": "MZtest",
                                  "media": {"track": "inbound", "chunk": str(self._sent),
                                            "timestamp": str(self._sent * 20),
                                            "payload": base64.b64encode(chunk).decode()}})
            self._sent += 1
            await asyncio.sleep(max(0.0, self._t0 + self._sent * 0.02 - time.monotonic()))

    async def _recv_loop(self) -> None:
        from websockets.exceptions import ConnectionClosed

        assert self._ws is not None
        try:
            async for raw in self._ws:
                now = time.monotonic()
                msg = json.loads(raw)
                event = msg.get("event", "")
                if event == "media":
                    pcm = mulaw_decode(base64.b64decode(msg["media"]["payload"]))
                    audible = bool(np.abs(pcm.astype(np.int32)).max() > AUDIBLE)
                    self.received.append(Received(now, "media", audible))
                    self._play_until = max(self._play_until, now) + len(pcm) / 8000
                elif event == "mark":
                    name = msg["mark"]["name"]
                    self.received.append(Received(now, "mark", name=name))
                    self._marks.append((max(self._play_until, now), name))
                elif event == "clear":
                    self.received.append(Received(now, "clear"))
                    self._play_until = now
                    self._marks = [(now, n) for _, n in self._marks]
                else:
                    self.received.append(Received(now, event))
        except ConnectionClosed as exc:
            self.close_code = exc.rcvd.code if exc.rcvd else 1006
        else:
            self.close_code = self._ws.close_code if self._ws else 1000

    async def _mark_loop(self) -> None:
        while True:
            now = time.monotonic()
            due = [m for m in self._marks if m[0] <= now]
            self._marks = [m for m in self._marks if m[0] > now]
            for _, name in due:
                await self.send_json({"event": "mark", "streamSid": "MZtest", "mark": {"name": name}})
                self.echoed_marks.append(name)
            await asyncio.sleep(0.02)
