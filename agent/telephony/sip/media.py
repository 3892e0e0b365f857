"""One SIP call's moving parts: audio hand-over between pjmedia and the pipeline, pjsua2 classes.

Audio flows between a SIP call's pjmedia port (pjmedia's clock thread) and a call pipeline (asyncio).

pjmedia drives the port from its own clock thread, 20 ms at a time; the pipeline reads caller audio
with ``await source.read_frame()`` and its playout pacer writes agent audio with
``sink.write_frame()`` on the event loop. The two clocks are independent, so:

- caller audio is handed to the loop with ``call_soon_threadsafe`` and waits in a bounded queue;
- agent audio waits in a small jitter buffer (a ``deque``, whose append/popleft are atomic under
  the GIL) that is primed to a couple of frames and trimmed when the clocks drift apart.

Both ends carry 16-bit little-endian mono PCM at ``PIPELINE_RATE_HZ``: the pjsua conference bridge
runs at that rate and resamples G.711's 8 kHz itself, so no resampling happens here.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import time
from collections import deque
from collections.abc import Callable
from typing import Any

from pipeline.devices import FRAME_BYTES, FRAME_MS, PIPELINE_RATE_HZ

log = logging.getLogger("agent.telephony.sip")

# Highest first; everything else pjsua knows (speex, iLBC, GSM, opus, ...) is disabled.
CODEC_PRIORITY = {"PCMU": 255, "PCMA": 254, "G722": 253}

# Caller audio waiting for the pipeline: 50 frames = 1 s. More means the loop is stalled; the
# oldest audio is dropped so the agent hears the present, not a growing backlog.
SOURCE_MAX_FRAMES = 50
# Agent audio waiting for pjmedia: start playing once 2 frames (40 ms) are buffered, which absorbs
# the event loop's scheduling jitter; above 6 frames (120 ms) the loop's clock has run ahead of
# pjmedia's and the buffer is cut back to the target, so added latency stays bounded.
SINK_PRIME_FRAMES = 2
SINK_MAX_FRAMES = 6

SILENCE = bytes(FRAME_BYTES)


class SipAudioSource:
    """The caller's voice from a SIP call, as an :class:`~pipeline.devices.AudioSource`.

    ``feed()`` and ``close()`` may be called from any thread; ``read_frame()`` runs on ``loop``.
    """

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        # Created off-loop on purpose: since Python 3.10 a Queue binds to the running loop on
        # first use, and every use below happens on ``loop``.
        self._queue: asyncio.Queue[bytes | None] = asyncio.Queue()
        self._partial = bytearray()  # touched only by the feeding (pjmedia) thread
        self._ended = False
        self.dropped_frames = 0

    def feed(self, pcm: bytes) -> None:
        """Queue caller PCM of any length (16 kHz int16 mono); emitted in 20 ms frames."""
        self._partial += pcm
        while len(self._partial) >= FRAME_BYTES:
            frame = bytes(self._partial[:FRAME_BYTES])
            del self._partial[:FRAME_BYTES]
            self._post(self._put, frame)

    def close(self) -> None:
        """The caller is gone: ``read_frame()`` returns None once queued audio is read."""
        self._post(self._put, None)

    def _post(self, fn: object, arg: bytes | None) -> None:
        # The loop may already be closed while pjmedia delivers a last frame during shutdown.
        with contextlib.suppress(RuntimeError):
            self._loop.call_soon_threadsafe(fn, arg)  # type: ignore[arg-type]

    def _put(self, frame: bytes | None) -> None:
        if frame is not None and self._queue.qsize() >= SOURCE_MAX_FRAMES:
            with contextlib.suppress(asyncio.QueueEmpty):
                self._queue.get_nowait()
                self.dropped_frames += 1
        self._queue.put_nowait(frame)

    async def read_frame(self) -> bytes | None:
        """The next 20 ms of caller PCM (640 bytes), waiting for pjmedia to deliver it; None
        from the moment the caller hung up. Cancelling the wait loses nothing."""
        if self._ended:
            return None
        frame = await self._queue.get()
        if frame is None:
            self._ended = True
        return frame


class SipAudioSink:
    """The agent's voice into a SIP call, as an :class:`~pipeline.devices.AudioSink`.

    ``write_frame()``/``clear()`` run on the event loop; ``next_frame()`` on pjmedia's thread.
    """

    def __init__(self) -> None:
        self._frames: deque[bytes] = deque()
        self._priming = True
        self.underruns = 0

    def write_frame(self, pcm: bytes, call_ms: float) -> None:
        """Buffer one 20 ms frame for pjmedia; never blocks (drops the oldest when far ahead)."""
        self._frames.append(pcm)
        if len(self._frames) > SINK_MAX_FRAMES:
            while len(self._frames) > SINK_PRIME_FRAMES:
                try:
                    self._frames.popleft()
                except IndexError:  # pjmedia's thread emptied it in between
                    break

    def clear(self) -> None:
        """Barge-in: drop everything not yet handed to pjmedia (at most ~120 ms)."""
        self._frames.clear()

    @property
    def pending_frames(self) -> int:
        """20 ms frames written but not yet handed to pjmedia."""
        return len(self._frames)

    def next_frame(self) -> bytes:
        """The frame pjmedia sends next: buffered agent audio, or silence while (re)priming."""
        if self._priming:
            if len(self._frames) < SINK_PRIME_FRAMES:
                return SILENCE
            self._priming = False
        try:
            frame = self._frames.popleft()
        except IndexError:
            self._priming = True
            self.underruns += 1
            return SILENCE
        return frame if len(frame) == FRAME_BYTES else frame[:FRAME_BYTES].ljust(FRAME_BYTES, b"\0")


_REDACT = re.compile(r"(?:sips?|tel):[^\s>;,\"']+|\+?\d[\d\- ]{5,}\d")


def redact(text: str) -> str:
    """pjsip's own log lines carry URIs and numbers: strip them before they reach our logs."""
    return _REDACT.sub("<redacted>", text.strip())


# The header Kamailio adds to its last try when every worker refused (deploy/kamailio.cfg): the
# worker then plays the busy notice instead of answering 503.
OVERFLOW_HEADER = "X-Voice-Agent-Overflow"
_FROM = re.compile(r"^(?:From|f)\s*:(.*)$", re.IGNORECASE | re.MULTILINE)
_FROM_USER = re.compile(r"<?(?:sips?|tel):(\+?[0-9][0-9().\- ]{4,30})(?:@|;|>|$)", re.IGNORECASE)
_OVERFLOW = re.compile(rf"^{OVERFLOW_HEADER}\s*:\s*1\s*$", re.IGNORECASE | re.MULTILINE)


def invite_facts(message: str) -> tuple[str, bool]:
    """From an INVITE's text: the caller's number (the From URI's user part when it is a phone
    number, digits and a leading + only; else "") and whether it is the front door's overflow
    try. Header names are case-insensitive, as SIP says; anything malformed gives ("", False)."""
    number = ""
    head = message.split("\r\n\r\n", 1)[0].split("\n\n", 1)[0]
    found = _FROM.search(head)
    if found:
        user = _FROM_USER.search(found.group(1).strip())
        if user:
            digits = re.sub(r"[^0-9+]", "", user.group(1))
            if 5 <= len(digits.lstrip("+")) <= 15 and "+" not in digits[1:]:
                number = digits
    return number, bool(_OVERFLOW.search(head))


class CallLink:
    """What the SIP thread and the event loop share about one call."""

    def __init__(self, call_id: str, loop: asyncio.AbstractEventLoop, caller_number: str = "",
                 overflow_try: bool = False) -> None:
        self.call_id = call_id
        self.loop = loop
        self.source = SipAudioSource(loop)
        self.sink = SipAudioSink()
        self.hang_up = asyncio.Event()  # set on the loop only
        self.on_dtmf: Callable[[str], None] | None = None  # set on the loop once the call runs
        self.caller_number = caller_number  # for callbacks; never logged
        self.overflow_try = overflow_try  # the front door found every worker full


def destroy_native(obj: Any) -> None:
    """Delete ``obj``'s C++ side now, on the calling (pjlib-registered) thread; idempotent.

    Why not let Python free it: SWIG runs a proxy's C++ destructor from inside the proxy's own
    deallocation, with the GIL released. For our directors (``BridgePort``, ``SipCall``) pjmedia's
    clock thread, or the media thread for DTMF, may be calling into the object at that moment; it
    then takes the GIL and runs Python code on a half-freed object. That corrupted the heap and
    surfaced later as a segfault in an unrelated thread (issue 15; reproduced by
    ``python -m benchmarks.sip_soak``). Deleting first, while the caller still holds the Python
    object whole, lets an in-flight callback finish normally (``~AudioMediaPort`` waits for it on
    the port's lock and then detaches the port), and leaves a disowned proxy that the collector
    may free in any thread. Never call a method of ``obj`` afterwards.
    """
    if obj is not None and getattr(obj, "thisown", False):
        type(obj).__swig_destroy__(obj)  # SWIG disowns the proxy: it will never delete again


def build_pj_classes(pj: Any, server: Any) -> tuple[type, type, type]:
    """pjsua2 subclasses (port, call, account), built lazily so importing needs no pjsua2.

    ``server`` is the SIP thread: its ``incoming(account, pj_call_id)`` and ``reap(call)`` are
    called from these classes' callbacks, on that thread.
    """

    class BridgePort(pj.AudioMediaPort):  # type: ignore[misc, name-defined]
        """A conference port that moves 20 ms frames between pjmedia and one call's link."""

        def __init__(self, link: CallLink) -> None:
            super().__init__()
            self.link = link

        def onFrameReceived(self, frame: Any) -> None:  # pjmedia clock thread
            if frame.type == pj.PJMEDIA_TYPE_AUDIO and frame.size:
                self.link.source.feed(bytes(frame.buf))

        def onFrameRequested(self, frame: Any) -> None:  # pjmedia clock thread
            pcm = self.link.sink.next_frame()
            frame.type = pj.PJMEDIA_TYPE_AUDIO
            frame.buf = pj.ByteVector(pcm)
            frame.size = len(pcm)

    class SipCall(pj.Call):  # type: ignore[misc, name-defined]
        def __init__(self, account: Any, pj_call_id: int, link: CallLink) -> None:
            super().__init__(account, pj_call_id)
            self.link = link
            self.port: Any = None
            self.disconnected = False
            self.audio_index: int | None = None  # the active audio stream, None while held/none
            self.rx_packets = -1
            self.rx_seen_at = time.monotonic()

        def onCallState(self, prm: Any) -> None:
            info = self.getInfo()
            if info.state == pj.PJSIP_INV_STATE_DISCONNECTED and not self.disconnected:
                self.disconnected = True
                log.info("SIP call disconnected (%s)", info.lastStatusCode,
                         extra={"call_id": self.link.call_id})
                self.link.source.close()
                server.reap(self)

        def onCallMediaState(self, prm: Any) -> None:
            info = self.getInfo()  # keep it alive: ``info.media`` points into it
            self.audio_index = None
            for mi in info.media:
                if mi.type != pj.PJMEDIA_TYPE_AUDIO or mi.status != pj.PJSUA_CALL_MEDIA_ACTIVE:
                    continue
                self.audio_index, self.rx_seen_at = mi.index, time.monotonic()
                if self.port is None:
                    fmt = pj.MediaFormatAudio()
                    fmt.init(pj.PJMEDIA_FORMAT_PCM, PIPELINE_RATE_HZ, 1, FRAME_MS * 1000, 16)
                    self.port = BridgePort(self.link)
                    self.port.createPort(f"call-{self.link.call_id}", fmt)
                # Re-done after a re-INVITE: the stream (and its conference slot) may be new.
                audio = self.getAudioMedia(mi.index)
                audio.startTransmit(self.port)
                self.port.startTransmit(audio)

        def onDtmfDigit(self, prm: Any) -> None:
            digit = str(prm.digit)
            link = self.link
            with contextlib.suppress(RuntimeError):  # loop closed during shutdown
                link.loop.call_soon_threadsafe(lambda: link.on_dtmf and link.on_dtmf(digit))

    class SipAccount(pj.Account):  # type: ignore[misc, name-defined]
        def onIncomingCall(self, prm: Any) -> None:
            server.incoming(self, prm.callId, str(prm.rdata.wholeMsg))

    return BridgePort, SipCall, SipAccount


def pj_log_writer(pj: Any) -> Any:
    class PjLog(pj.LogWriter):  # type: ignore[misc, name-defined]
        def write(self, entry: Any) -> None:  # any pjlib thread
            msg = redact(entry.msg)
            if "status=170488" in msg:  # pjsip answered an INVITE 488 before it reached us
                log.warning("SIP INVITE refused with 488 Not Acceptable Here: no codec in common "
                            "(we accept %s)", ", ".join(CODEC_PRIORITY))
            else:
                log.log(logging.ERROR if entry.level <= 1 else logging.WARNING, "pjsip: %s", msg)

    return PjLog()
