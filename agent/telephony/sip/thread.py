"""The SIP thread: the pjsua2 endpoint and every pjsua2 object, created, used and destroyed on
one pjlib-registered thread (issue 15: an object freed anywhere else corrupted the heap).

It polls pjsip (``libHandleEvents``), runs the commands the event loop posts (answer, hang up),
hangs up callers whose RTP stopped, and frees each call's native objects in order, on itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import queue
import threading
import time
import uuid
from collections.abc import Callable
from typing import Any

from agent.telephony.sip.media import (
    CODEC_PRIORITY,
    CallLink,
    build_pj_classes,
    destroy_native,
    invite_facts,
    pj_log_writer,
    redact,
)
from pipeline.devices import FRAME_MS, PIPELINE_RATE_HZ

log = logging.getLogger("agent.telephony.sip")

# Events are polled this often (ms); also the latency of a command from the event loop.
POLL_MS = 10
# How long (s) shutdown waits for BYE transactions before destroying the library anyway.
HANGUP_GRACE_S = 2.0
# How often (s) the SIP thread looks for calls whose RTP has stopped.
RTP_CHECK_S = 1.0
# How long (s) a disconnected call's pjsua2 object is kept before its C++ side is deleted: pjsua
# looks a Call up from its media thread (DTMF) without our lock, so deletion waits until the
# call's media has certainly been torn down.
CALL_GRACE_S = 1.0


class SipThread(threading.Thread):
    """The pjsua2 endpoint and every pjsua2 object, used only from this thread (and pjmedia's)."""

    def __init__(self, host: str, port: int, loop: asyncio.AbstractEventLoop,
                 on_call: Callable[[CallLink], None], public_address: str | None,
                 rtp_ports: tuple[int, int], max_calls: int, rtp_timeout_s: float) -> None:
        super().__init__(name="sip", daemon=True)
        self.host, self.port, self.loop, self.on_call = host, port, loop, on_call
        self.public_address, self.rtp_ports, self.max_calls = public_address, rtp_ports, max_calls
        self.rtp_timeout_s = rtp_timeout_s
        self.started: asyncio.Future[None] = loop.create_future()
        self.finished: asyncio.Future[None] = loop.create_future()
        self._commands: queue.SimpleQueue[Callable[[], None]] = queue.SimpleQueue()
        self._stopping = threading.Event()
        self._calls: dict[str, Any] = {}
        self._dead: list[Any] = []  # disconnected, to be freed on the next poll
        self._graveyard: list[tuple[float, Any]] = []  # (delete after, call) once freed

    # --- from the event loop ---
    def submit(self, fn: Callable[[], None]) -> None:
        """Run ``fn`` on the SIP thread within ``POLL_MS``."""
        self._commands.put(fn)

    def stop(self) -> None:
        self._stopping.set()

    def _resolve(self, fut: asyncio.Future[None], exc: BaseException | None = None) -> None:
        def done() -> None:
            if fut.done():
                return
            if exc is None:
                fut.set_result(None)
            else:
                fut.set_exception(exc)

        with contextlib.suppress(RuntimeError):
            self.loop.call_soon_threadsafe(done)

    # --- on this thread ---
    def run(self) -> None:
        import pjsua2 as pj  # run_sip_server() checked that it imports

        self._pj = pj
        self._port_cls, self._call_cls, account_cls = build_pj_classes(pj, self)
        ep = pj.Endpoint()
        account = None
        reason: str | None = None
        try:
            ep.libCreate()
            ep.libInit(self._ep_config(pj))
            tcfg = pj.TransportConfig()
            tcfg.port, tcfg.boundAddress = self.port, self.host
            if self.public_address:
                tcfg.publicAddress = self.public_address
            ep.transportCreate(pj.PJSIP_TRANSPORT_UDP, tcfg)
            ep.libStart()
            ep.audDevManager().setNullDev()  # no sound card: pjmedia's clock thread drives audio
            for codec in ep.codecEnum2():
                ep.codecSetPriority(codec.codecId, CODEC_PRIORITY.get(codec.codecId.split("/")[0].upper(), 0))
            account = account_cls()
            account.create(self._account_config(pj))
        except Exception as exc:  # pj.Error: bad address, port in use, ...
            reason = str(getattr(exc, "reason", None) or exc)  # pjsua2.Error carries .reason
        if reason is not None:
            # Raised outside the except block: an exception chained to pj.Error would keep this
            # frame, and with it the endpoint, alive in whatever thread drops the error last.
            self._destroy(ep, account)
            self._resolve(self.started, OSError(f"SIP: cannot listen on udp {self.host}:{self.port}: "
                                                f"{redact(reason)}"))
            self._resolve(self.finished)
            return
        self._resolve(self.started)
        try:
            next_check = time.monotonic() + RTP_CHECK_S
            while not self._stopping.is_set():
                ep.libHandleEvents(POLL_MS)
                self._run_commands()
                if time.monotonic() >= next_check:
                    next_check = time.monotonic() + RTP_CHECK_S
                    if self.rtp_timeout_s > 0:
                        self._check_rtp()
                    self._bury(time.monotonic())
            self._hang_up_all(ep)
        finally:
            self._destroy(ep, account)
            self._resolve(self.finished)

    def _ep_config(self, pj: Any) -> Any:
        cfg = pj.EpConfig()
        cfg.uaConfig.threadCnt = 0  # no pjsip worker: this thread polls, so callbacks land here
        cfg.uaConfig.mainThreadOnly = False
        cfg.uaConfig.maxCalls = self.max_calls
        cfg.uaConfig.userAgent = "voice-agent"
        cfg.medConfig.clockRate = PIPELINE_RATE_HZ
        cfg.medConfig.sndClockRate = PIPELINE_RATE_HZ
        cfg.medConfig.audioFramePtime = FRAME_MS
        cfg.medConfig.noVad = True  # keep RTP flowing; silence suppression confuses some trunks
        cfg.medConfig.ecTailLen = 0  # our pipeline has its own echo handling
        cfg.logConfig.consoleLevel = 2  # the writer only sees levels <= consoleLevel
        cfg.logConfig.level = 2  # errors and warnings only, through _PjLog (redacted)
        self._writer = pj_log_writer(pj)
        cfg.logConfig.writer = self._writer
        cfg.logConfig.decor = 0
        return cfg

    def _account_config(self, pj: Any) -> Any:
        cfg = pj.AccountConfig()
        cfg.idUri = f"sip:agent@{self.public_address or self.host}:{self.port}"
        mt = cfg.mediaConfig.transportConfig
        mt.port, mt.portRange = self.rtp_ports[0], self.rtp_ports[1] - self.rtp_ports[0] + 1
        if self.host not in ("0.0.0.0", "::", ""):
            mt.boundAddress = self.host
        if self.public_address:
            mt.publicAddress = self.public_address
        return cfg

    def incoming(self, account: Any, pj_call_id: int, message: str = "") -> None:
        """An INVITE that pjsip accepted (a codec in common): ring, and let the loop build it."""
        number, overflow_try = invite_facts(message)
        link = CallLink(uuid.uuid4().hex[:12], self.loop, number, overflow_try)
        call = self._call_cls(account, pj_call_id, link)
        self._calls[link.call_id] = call
        log.info("incoming SIP call", extra={"call_id": link.call_id})
        self._answer(call, 180)
        try:
            self.loop.call_soon_threadsafe(self.on_call, link)
        except RuntimeError:
            self._answer(call, 503)

    def answer(self, call_id: str, code: int) -> None:
        call = self._calls.get(call_id)
        if call is not None and not call.disconnected:
            self._answer(call, code)

    def hang_up(self, call_id: str) -> None:
        call = self._calls.get(call_id)
        if call is not None and not call.disconnected:
            prm = self._pj.CallOpParam(True)  # no code: BYE when answered, 603 Decline before
            with contextlib.suppress(Exception):
                call.hangup(prm)

    def _answer(self, call: Any, code: int) -> None:
        prm = self._pj.CallOpParam()
        prm.statusCode = code
        try:
            if code < 300:
                call.answer(prm)
            else:
                call.hangup(prm)
        except Exception as exc:  # the caller cancelled meanwhile
            log.warning("SIP answer %s failed (%s)", code, type(exc).__name__,
                        extra={"call_id": call.link.call_id})

    def reap(self, call: Any) -> None:
        """A disconnected call: freed on the next poll, never inside its own callback."""
        self._dead.append(call)

    def _run_commands(self) -> None:
        while True:
            try:
                fn = self._commands.get_nowait()
            except queue.Empty:
                break
            try:
                fn()
            except Exception:
                log.exception("SIP command failed")
        while self._dead:
            self._free(self._dead.pop())

    def _free(self, call: Any) -> None:
        """Forget a call: its conference port goes now, its Call object after ``CALL_GRACE_S``."""
        self._calls.pop(call.link.call_id, None)
        call.link.source.close()
        port, call.port = call.port, None
        if port is not None:
            destroy_native(port)  # no pjmedia callback reaches it after this returns
        self._graveyard.append((time.monotonic() + CALL_GRACE_S, call))

    def _bury(self, now: float, everything: bool = False) -> None:
        """Delete the C++ side of freed calls whose grace period is over (all, at shutdown)."""
        keep = []
        for deadline, call in self._graveyard:
            if everything or now >= deadline:
                destroy_native(call)
            else:
                keep.append((deadline, call))
        self._graveyard = keep

    def _check_rtp(self) -> None:
        """Hang up calls whose caller vanished without a BYE (no RTP for ``rtp_timeout_s``)."""
        now = time.monotonic()
        for call_id, call in list(self._calls.items()):
            if call.disconnected or call.audio_index is None:
                continue  # not answered yet, on hold, or gone
            try:
                packets = call.getStreamStat(call.audio_index).rtcp.rxStat.pkt
            except Exception:  # the stream is being re-created (re-INVITE)
                continue
            if packets != call.rx_packets:
                call.rx_packets, call.rx_seen_at = packets, now
            elif now - call.rx_seen_at > self.rtp_timeout_s:
                log.warning("no RTP from the caller for %.0f s: hanging up", now - call.rx_seen_at,
                            extra={"call_id": call_id})
                call.audio_index = None  # once
                self.hang_up(call_id)

    def _hang_up_all(self, ep: Any) -> None:
        for call_id in list(self._calls):
            self.hang_up(call_id)
        # A wall-clock deadline: on a loaded machine each poll can wait long for the GIL, and
        # counting polls stretched this grace to tens of seconds (seen in the SIP soak).
        deadline = time.monotonic() + HANGUP_GRACE_S
        while any(not c.disconnected for c in self._calls.values()) and time.monotonic() < deadline:
            ep.libHandleEvents(POLL_MS)
        self._run_commands()

    def _destroy(self, ep: Any, account: Any) -> None:
        """Delete every pjsua2 object we own, in order, on this thread, while the library lives.

        Each C++ object is deleted explicitly (``destroy_native``) rather than left to Python's
        reference counting or collector: those would run the destructor in whichever thread drops
        the object last, possibly after ``libDestroy()`` and while pjmedia calls into it. The
        Python proxies that remain are inert and may be collected anywhere.
        """
        for call in [*self._calls.values(), *self._dead]:
            self._free(call)
        self._calls.clear()
        self._dead.clear()
        self._bury(time.monotonic(), everything=True)
        if account is not None:
            with contextlib.suppress(Exception):
                account.shutdown()
            destroy_native(account)
        try:
            ep.libDestroy()  # also deletes the log writer, which C++ owns since libInit
        except Exception as exc:
            log.warning("SIP library shutdown failed (%s)", type(exc).__name__)
        # Calls that libDestroy itself hung up never reach us (their user data is gone); anything
        # reaped meanwhile was already deleted above.
        self._dead.clear()
        destroy_native(ep)
