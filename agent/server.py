"""``voice-agent serve``: one aiohttp server for phone (Twilio Media Streams), browser and health.

Routes: ``GET /healthz``; ``POST /twilio/voice`` (TwiML that connects the call to our socket);
``GET /twilio/stream`` (the Media Streams WebSocket); ``GET /`` (the browser page) with
``/static/*``; ``POST /webrtc/offer`` and ``POST /webrtc/hangup`` (SmallWebRTC signalling).

As one worker of a fleet (README "Scaling out"): ``/healthz`` reports the worker's state
(``ok``/``full``/``draining``) and load as JSON, 200 while it has room and 503 otherwise, for the
front door's health checks. A caller arriving when the worker is full hears a busy notice and gets
a callback (:mod:`agent.admission`).

SIGTERM or SIGINT drains: ``/healthz`` turns 503 "draining", new calls are refused (HTTP 503, so
the front door retries them on another worker), live calls may finish for ``drain_timeout_s``,
then the rest end with an apology and a booked callback (each writes its record), and the process
exits 0. A second signal ends the drain at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiohttp import WSMsgType, web

from agent.admission import WorkerState
from agent.calls import CallHost
from agent.telephony.twilio import MAX_MESSAGE_BYTES, twiml_connect_stream, valid_signature
from agent.telephony.twilio_call import StreamConnection, StreamLimits, handle_media_stream

log = logging.getLogger(__name__)

WEB_DIR = Path(__file__).parent / "web"
HOST_KEY = web.AppKey("host_calls", CallHost)
OPTIONS_KEY: web.AppKey[ServerOptions] = web.AppKey("options")
WEBRTC_KEY: web.AppKey[Any] = web.AppKey("webrtc")
STREAMS_KEY: web.AppKey[set[asyncio.Task[Any]]] = web.AppKey("streams")


@dataclass(frozen=True)
class ServerOptions:
    host: str = "127.0.0.1"
    port: int = 8080
    # The URL callers' providers use to reach us (e.g. https://voice.example.com behind a TLS
    # proxy). Signatures are computed over it, and the TwiML stream URL is built from it.
    public_url: str | None = None
    twilio_auth_token: str | None = None  # when set, every Twilio request must be signed
    stream_limits: StreamLimits = StreamLimits()
    shutdown_timeout_s: float = 5.0
    drain_timeout_s: float = 60.0  # SIGTERM: how long live calls may go on before they are ended


def _public_base(request: web.Request, options: ServerOptions) -> str:
    if options.public_url:
        return options.public_url.rstrip("/")
    # Behind a reverse proxy, trust its forwarded scheme/host: a forged header only changes
    # which URL the signature must match, and forging a signature needs the auth token anyway.
    proto = request.headers.get("X-Forwarded-Proto", request.scheme).split(",")[0].strip()
    host = request.headers.get("X-Forwarded-Host", request.host).split(",")[0].strip()
    return f"{proto}://{host}"


def _ws_base(http_base: str) -> str:
    if http_base.startswith("https://"):
        return "wss://" + http_base[len("https://"):]
    return "ws://" + http_base.removeprefix("http://")


async def healthz(request: web.Request) -> web.Response:
    """The worker's state and load; 200 only while it has room for one more call."""
    health = request.app[HOST_KEY].health()
    return web.json_response(health, status=200 if health["state"] == "ok" else 503,
                             headers={"Cache-Control": "no-store"})


async def twilio_voice(request: web.Request) -> web.Response:
    """The number's voice webhook: answer with TwiML that streams the call to us."""
    options = request.app[OPTIONS_KEY]
    base = _public_base(request, options)
    params = {k: v for k, v in (await request.post()).items() if isinstance(v, str)}
    if options.twilio_auth_token and not valid_signature(
            options.twilio_auth_token, request.headers.get("X-Twilio-Signature"),
            base + request.path_qs, params):
        log.warning("refused an unsigned or wrongly signed voice webhook")
        raise web.HTTPForbidden(text="invalid signature")
    if not request.app[HOST_KEY].accepting:
        raise web.HTTPServiceUnavailable(text="shutting down")
    # When full, the stream still connects: the caller hears the busy notice, never silence.
    caller = params.get("From", "")
    twiml = twiml_connect_stream(_ws_base(base) + "/twilio/stream", {"from": caller} if caller else None)
    return web.Response(text=twiml, content_type="text/xml")


async def twilio_stream(request: web.Request) -> web.StreamResponse:
    """One Media Streams WebSocket = one call, until either side hangs up."""
    options = request.app[OPTIONS_KEY]
    if options.twilio_auth_token and not valid_signature(
            options.twilio_auth_token, request.headers.get("X-Twilio-Signature"),
            _ws_base(_public_base(request, options)) + request.path_qs):
        log.warning("refused an unsigned or wrongly signed media stream")
        raise web.HTTPForbidden(text="invalid signature")
    if not request.app[HOST_KEY].accepting:  # draining: the front door retries another worker
        raise web.HTTPServiceUnavailable(text="draining")
    # aiohttp closes the socket with 1009 past max_msg_size, before any parsing.
    ws = web.WebSocketResponse(max_msg_size=MAX_MESSAGE_BYTES, heartbeat=None, autoping=True)
    await ws.prepare(request)

    async def recv() -> str | None:
        while True:
            msg = await ws.receive()
            if msg.type == WSMsgType.TEXT:
                return str(msg.data)
            if msg.type == WSMsgType.BINARY:
                return bytes(msg.data).decode("utf-8", "replace")  # parse_message rejects it
            if msg.type in (WSMsgType.CLOSE, WSMsgType.CLOSING, WSMsgType.CLOSED, WSMsgType.ERROR):
                return None

    async def close(code: int, reason: str) -> None:
        await ws.close(code=code, message=reason.encode())

    streams = request.app[STREAMS_KEY]
    me = asyncio.current_task()
    assert me is not None
    streams.add(me)
    try:
        await handle_media_stream(StreamConnection(recv, ws.send_str, close), request.app[HOST_KEY],
                                  options.stream_limits)
    finally:
        streams.discard(me)
    return ws


async def index(request: web.Request) -> web.FileResponse:
    return web.FileResponse(WEB_DIR / "index.html", headers={"Cache-Control": "no-store"})


async def webrtc_offer(request: web.Request) -> web.Response:
    """SDP offer in, SDP answer out; the call starts when the peer connection is up."""
    sessions = request.app[WEBRTC_KEY]
    try:
        body = await request.json()
        sdp, kind = str(body["sdp"]), str(body.get("type", "offer"))
    except (ValueError, KeyError, TypeError):
        raise web.HTTPBadRequest(text="expected JSON {sdp, type}") from None
    state = request.app[HOST_KEY].state()
    if state is not WorkerState.OK:  # the page says so; no half-open peer connection is made
        return web.json_response({"error": "busy", "state": state.value}, status=503)
    try:
        answer = await sessions.offer(sdp, kind)
    except Exception as exc:  # aiortc raises assorted errors on a bad SDP; none may crash us
        log.warning("refused a WebRTC offer (%s)", type(exc).__name__)
        raise web.HTTPBadRequest(text="invalid SDP offer") from None
    return web.json_response(answer)


async def webrtc_hangup(request: web.Request) -> web.Response:
    try:
        pc_id = str((await request.json())["pc_id"])
    except (ValueError, KeyError, TypeError):
        raise web.HTTPBadRequest(text="expected JSON {pc_id}") from None
    await request.app[WEBRTC_KEY].hang_up(pc_id)
    return web.json_response({"ok": True})


def build_app(host_calls: CallHost, options: ServerOptions) -> web.Application:
    """The aiohttp application over ``host_calls``; WebRTC is wired in only if aiortc imports."""
    from agent.telephony.webrtc_call import WebRtcSessions

    app = web.Application(client_max_size=256 * 1024)
    app[HOST_KEY] = host_calls
    app[OPTIONS_KEY] = options
    app[WEBRTC_KEY] = WebRtcSessions(host_calls)
    app[STREAMS_KEY] = set()
    app.router.add_get("/healthz", healthz)
    app.router.add_post("/twilio/voice", twilio_voice)
    app.router.add_get("/twilio/stream", twilio_stream)
    app.router.add_get("/", index)
    app.router.add_static("/static/", WEB_DIR)
    app.router.add_post("/webrtc/offer", webrtc_offer)
    app.router.add_post("/webrtc/hangup", webrtc_hangup)
    return app


def parse_port_range(text: str) -> tuple[int, int]:
    """``"4000-4999"`` → (4000, 4999); ValueError with a reason when it is not a range of UDP
    ports with room for a few calls (each takes two ports: RTP and RTCP)."""
    low, sep, high = text.partition("-")
    if not sep or not low.strip().isdigit() or not high.strip().isdigit():
        raise ValueError(f"expected LOW-HIGH, e.g. 4000-4999, not {text!r}")
    lo, hi = int(low), int(high)
    if not 1024 <= lo < hi <= 65535 or hi - lo < 7:
        raise ValueError(f"{text!r}: need 1024 <= LOW, LOW + 7 <= HIGH <= 65535")
    return lo, hi


def parse_host_port(text: str) -> tuple[str, int]:
    """``HOST:PORT`` → (host, port); raises ValueError with a readable message."""
    host, sep, port = text.rpartition(":")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError(f"expected HOST:PORT, got {text!r}")
    return host, int(port)


async def serve(host_calls: CallHost, options: ServerOptions, sip: str | None = None,
                ready: asyncio.Event | None = None, stop: asyncio.Event | None = None,
                sip_rtp_ports: tuple[int, int] = (4000, 4999)) -> int:
    """Serve until SIGTERM/SIGINT (or ``stop``); end live calls cleanly; returns the exit code."""
    stop = stop or asyncio.Event()
    hurry = asyncio.Event()  # a second signal: end the drain now
    loop = asyncio.get_running_loop()

    def on_signal() -> None:
        (hurry if stop.is_set() else stop).set()

    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError, RuntimeError):  # not the main thread
            loop.add_signal_handler(sig, on_signal)
    app = build_app(host_calls, options)
    runner = web.AppRunner(app, handle_signals=False, access_log=None,
                           shutdown_timeout=options.shutdown_timeout_s)
    await runner.setup()
    site = web.TCPSite(runner, options.host, options.port)
    await site.start()
    sip_task: asyncio.Task[None] | None = None
    sip_stop = asyncio.Event()
    if sip:
        from agent.telephony.sip import run_sip_server

        sip_host, sip_port = parse_host_port(sip)
        # SIP calls drain like the others: the SIP server stops only once the drain is over.
        sip_task = asyncio.create_task(run_sip_server(sip_host, sip_port, host_calls, sip_stop,
                                                      rtp_ports=sip_rtp_ports))
    keep_alive = asyncio.create_task(host_calls.keep_alive(), name="keep-alive")
    log.warning("serving on http://%s:%d (pid %d)", options.host, options.port, os.getpid())
    if ready is not None:
        ready.set()
    try:
        waits = [asyncio.create_task(stop.wait())] + ([sip_task] if sip_task else [])
        await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
        waits[0].cancel()
    finally:
        log.warning("draining: %d live calls, up to %.0f s", len(host_calls.calls),
                    options.drain_timeout_s)
        host_calls.accepting = False
        stop.set()
        drain = asyncio.create_task(host_calls.drain(options.drain_timeout_s))
        hurried = asyncio.create_task(hurry.wait())
        await asyncio.wait([drain, hurried], return_when=asyncio.FIRST_COMPLETED)
        hurried.cancel()
        if not drain.done():
            log.warning("second signal: ending the drain now")
            drain.cancel()
            await asyncio.gather(drain, return_exceptions=True)
        sip_stop.set()
        await app[WEBRTC_KEY].close_all()
        await host_calls.shutdown(options.shutdown_timeout_s)
        # Let each stream handler close its socket itself before the runner stops reading
        # connections: a close handshake started after that waits out aiohttp's 10 s timeout.
        # A drained call's handler first plays its apology (up to its length + a margin).
        registered: set[asyncio.Task[Any]] = app[STREAMS_KEY]
        streams = list(registered)
        if streams:
            await asyncio.wait(streams, timeout=options.shutdown_timeout_s + 20.0)
        await runner.cleanup()  # closes the sockets still open, after their calls ended
        if sip_task is not None:  # after drain apologies and busy notices (FAREWELL_MAX_S)
            with contextlib.suppress(asyncio.TimeoutError, asyncio.CancelledError):
                await asyncio.wait_for(sip_task, options.shutdown_timeout_s + 15.0)
        keep_alive.cancel()
        await asyncio.gather(keep_alive, return_exceptions=True)
        await host_calls.stopped()
    if sip_task is not None and sip_task.done() and not sip_task.cancelled() and sip_task.exception():
        log.error("the SIP server failed (%s)", type(sip_task.exception()).__name__)
        return 1
    return 0
