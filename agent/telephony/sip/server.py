"""SIP calls without a registrar: a pjsua2 user agent that answers every INVITE with the call pipeline.

``run_sip_server()`` owns one pjsua2 endpoint for its lifetime. pjsua2 is not asyncio-aware and
its objects must be used from threads pjlib knows, so everything SIP happens on one dedicated
thread ("sip") that polls pjsip (``libHandleEvents``) and runs commands posted by the event loop;
pjmedia's own clock thread drives the audio ports. That thread is :mod:`agent.telephony.sip.thread`;
the pjsua2 classes and the audio hand-over live in :mod:`agent.telephony.sip.media`, the busy
notice and the drain apology in :mod:`agent.telephony.sip.notice`. The event loop owns
the calls (:class:`~agent.calls.CallHost` is not thread-safe); the threads talk only through
``call_soon_threadsafe`` one way and a command queue the other.

Codecs: PCMU and PCMA (G.722 as well when offered), telephone-event (RFC 4733) for DTMF. pjsip
itself refuses an offer without a common codec with 488 Not Acceptable Here before the call
reaches us, so such an INVITE never builds a pipeline and other calls are unaffected.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from agent.admission import Admission, sip_admission
from agent.calls import CallHost
from agent.telephony.sip.media import CallLink
from agent.telephony.sip.notice import play_to_sip, serve_busy_sip_caller
from agent.telephony.sip.thread import SipThread

log = logging.getLogger("agent.telephony.sip")

# Stopping the SIP server waits this long for drain apologies and busy notices to end (~8 s each).
FAREWELL_MAX_S = 15.0


async def run_sip_server(host: str, port: int, host_calls: CallHost, stop: asyncio.Event, *,
                         public_address: str | None = None, rtp_ports: tuple[int, int] = (4000, 4999),
                         max_calls: int = 4, rtp_timeout_s: float = 60.0,
                         ready: asyncio.Event | None = None) -> None:
    """Answer SIP calls on UDP ``host:port`` (no registrar) until ``stop`` is set.

    Every INVITE with a common codec (PCMU, PCMA, G.722) is answered 200 OK and runs as a call of
    ``host_calls`` on channel ``"sip"``; one without gets 488 from pjsip. A caller's BYE ends the
    pipeline and writes the call record; the agent's goodbye sends a BYE. RTP uses UDP ports in
    ``rtp_ports`` (inclusive); ``public_address`` is the address to advertise in SIP/SDP when behind
    NAT. At most ``max_calls`` calls at once (more get 486 Busy Here). A call whose caller sends no
    RTP for ``rtp_timeout_s`` seconds (vanished without a BYE) is hung up; 0 disables the check.
    ``ready``, if given, is set once the UDP port is bound and INVITEs are being answered.

    Raises OSError at start if the address cannot be bound (one server per process: pjsua2's
    endpoint is a singleton), RuntimeError if pjsua2 is not installed or the SIP thread dies.
    When ``stop`` is set (or this task is cancelled), live calls are hung up and their records
    written (up to ~5 s), then the pjsua2 library is destroyed and its thread joined before
    returning (or re-raising the cancellation).
    """
    try:
        import pjsua2  # noqa: F401  (used on the SIP thread; fail here, not there)
    except ImportError as exc:
        raise RuntimeError("SIP needs pjsua2: pip install pjsua2-python==2.15.1.post1") from exc
    loop = asyncio.get_running_loop()
    tasks: dict[str, tuple[CallLink, asyncio.Task[None]]] = {}
    lives: dict[str, Any] = {}  # call id -> LiveCall: stopping waits for drain apologies

    def on_call(link: CallLink) -> None:  # on the loop, for each INVITE pjsip accepted
        # Full: behind a front door that fails over, 503 lets it try the next worker, and its
        # last try gets the notice; reached directly, the notice at once (agent/admission.py).
        decision = sip_admission(len(host_calls.calls), host_calls.overflow_calls, host_calls.limits,
                                 not host_calls.accepting, host_calls.config.fleet.sip_failover,
                                 link.overflow_try)
        if decision is Admission.OVERFLOW:
            thread.submit(lambda: thread.answer(link.call_id, 200))
            tasks[link.call_id] = (link, loop.create_task(busy(link), name=f"sip-busy-{link.call_id}"))
            return
        try:
            live = host_calls.open_call(link.source, link.sink, "sip", call_id=link.call_id,
                                        caller_number=link.caller_number)
        except Exception as exc:  # shutting down (RuntimeError), or the dialogue could not be built
            log.warning("SIP call refused with 503 (%s)", type(exc).__name__,
                        extra={"call_id": link.call_id})
            thread.submit(lambda: thread.answer(link.call_id, 503))
            return
        lives[link.call_id] = live
        link.on_dtmf = lambda digit: _dtmf(live.pipeline, digit, link.call_id)
        thread.submit(lambda: thread.answer(link.call_id, 200))
        tasks[link.call_id] = (link, loop.create_task(run(live, link), name=f"sip-{link.call_id}"))

    async def busy(link: CallLink) -> None:
        try:
            await serve_busy_sip_caller(host_calls, link,
                                        lambda: thread.submit(lambda: thread.hang_up(link.call_id)))
        finally:
            tasks.pop(link.call_id, None)

    async def run(live: Any, link: CallLink) -> None:
        try:
            await host_calls.run_call(live, link.hang_up)
            if live.farewell:  # drained: the apology, then BYE
                outcome = await play_to_sip(link, host_calls.speak(live.farewell))
                log.info("drained SIP call: apology %s", outcome, extra={"call_id": link.call_id})
        finally:
            thread.submit(lambda: thread.hang_up(link.call_id))  # the agent said goodbye, or stop
            tasks.pop(link.call_id, None)
            lives.pop(link.call_id, None)
            log.info("SIP call audio: %d playout underruns, %d caller frames dropped",
                     link.sink.underruns, link.source.dropped_frames, extra={"call_id": link.call_id})

    thread = SipThread(host, port, loop, on_call, public_address, rtp_ports, max_calls, rtp_timeout_s)
    thread.start()
    try:
        await thread.started
        log.info("SIP listening on udp %s:%s", host, port)
        if ready is not None:
            ready.set()
        stopping: asyncio.Future[Any] = asyncio.ensure_future(stop.wait())
        finished: asyncio.Future[Any] = thread.finished
        try:
            await asyncio.wait([stopping, finished], return_when=asyncio.FIRST_COMPLETED)
        finally:
            stopping.cancel()
        if not stop.is_set():  # the SIP thread died on its own: say so rather than look alive
            raise RuntimeError("the SIP thread stopped unexpectedly")
    finally:
        await _shut_down(thread, tasks, lives)


async def _shut_down(thread: SipThread, tasks: dict[str, tuple[CallLink, asyncio.Task[None]]],
                     lives: dict[str, Any]) -> None:
    # A drained call's apology (and a busy notice) plays to its end first: ~10 s at most.
    last_words = [task for call_id, (_link, task) in tasks.items()
                  if getattr(lives.get(call_id), "farewell", "") or task.get_name().startswith("sip-busy-")]
    if last_words:
        await asyncio.wait(last_words, timeout=FAREWELL_MAX_S)
    for link, _task in list(tasks.values()):
        link.hang_up.set()
    pending = [task for _link, task in tasks.values()]
    if pending:
        _done, late = await asyncio.wait(pending, timeout=5.0)
        for task in late:  # run_call() is cancellation-safe: the record is still written
            task.cancel()
        await asyncio.gather(*late, return_exceptions=True)
    thread.stop()
    await asyncio.shield(thread.finished)
    thread.join(timeout=1.0)
    log.info("SIP stopped")


_dtmf_tasks: set[asyncio.Task[None]] = set()


def _dtmf(pipeline: Any, digit: str, call_id: str) -> None:
    async def send() -> None:
        try:
            await pipeline.send_dtmf(digit)
        except ValueError:  # A-D and other keys the dialogue has no use for
            log.info("ignored DTMF key", extra={"call_id": call_id})

    task = asyncio.get_running_loop().create_task(send())
    _dtmf_tasks.add(task)
    task.add_done_callback(_dtmf_tasks.discard)
