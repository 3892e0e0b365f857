"""The local speaker and microphone (``voice-agent talk``), through ``sounddevice``/PortAudio.

:class:`SpeakerSink` implements :class:`pipeline.devices.AudioSink` and :class:`MicrophoneSource`
implements :class:`pipeline.devices.AudioSource`: 16 kHz mono int16 PCM in 20 ms frames. Both
share one :class:`pipeline.echo.EchoCanceller`: the speaker feeds it every frame it plays as the
reference, and the microphone removes that echo before the pipeline (and its VAD) sees it, so
the agent cannot barge in on its own voice.

``sounddevice`` is imported lazily: importing it loads the PortAudio C library, which may be
missing on servers, and :func:`check_audio_devices` must be able to say so instead of crashing.
Nothing is started in constructors; :meth:`open` starts a stream and :meth:`close` stops it.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import logging
import threading
from typing import Any

from pipeline.devices import FRAME_BYTES, FRAME_SAMPLES, PIPELINE_RATE_HZ
from pipeline.echo import EchoCanceller

logger = logging.getLogger(__name__)

SIMULATE_HINT = "Try `voice-agent simulate SCENARIO.yaml` instead."
_SILENCE = bytes(FRAME_BYTES)


def check_audio_devices() -> str | None:
    """None when PortAudio has a default input and a default output device; otherwise a
    one-line message for the user. Never raises (a missing PortAudio library is a message too)."""
    try:
        import sounddevice as sd
    except OSError:  # sounddevice imports fine but cannot load libportaudio
        return (
            "No audio support: the PortAudio library is missing (e.g. `apt install "
            f"libportaudio2`). {SIMULATE_HINT}"
        )
    except ImportError:
        return f"No audio support: the Python package 'sounddevice' is not installed. {SIMULATE_HINT}"
    except Exception as exc:  # whatever else loading PortAudio throws, report it instead
        return f"No audio support: loading PortAudio failed ({exc}). {SIMULATE_HINT}"
    try:
        missing = [kind for kind in ("input", "output") if not _has_default_device(sd, kind)]
    except Exception as exc:  # any PortAudio failure means "no usable device", not a crash
        return f"No audio device found (PortAudio error: {exc}). {SIMULATE_HINT}"
    if not missing:
        return None
    return f"No audio device found (PortAudio sees no {'/'.join(missing)} device). {SIMULATE_HINT}"


def _has_default_device(sd: Any, kind: str) -> bool:
    try:
        info = sd.query_devices(kind=kind)
    except sd.PortAudioError:  # raised for the default device -1, i.e. none
        return False
    return int(info.get(f"max_{kind}_channels", 0)) > 0


def _import_sounddevice() -> Any:
    try:
        import sounddevice as sd
    except OSError as exc:
        raise RuntimeError(f"PortAudio library not available: {exc}. {SIMULATE_HINT}") from exc
    return sd


def _start_stream(factory: Any, device: int | str | None, callback: Any) -> Any:
    """Open and start a raw PortAudio stream in the pipeline's format: 16 kHz mono int16, one
    20 ms frame per callback, PortAudio's low-latency setting."""
    stream = factory(samplerate=PIPELINE_RATE_HZ, blocksize=FRAME_SAMPLES, device=device, channels=1,
                     dtype="int16", latency="low", callback=callback)
    stream.start()
    return stream


def _stop_stream(stream: Any) -> None:
    if stream is not None:
        stream.stop()
        stream.close()


class SpeakerSink:
    """Plays the agent's voice on the default (or given) output device.

    :meth:`write_frame` only queues into a ring buffer at most ``max_frames`` deep (3 frames =
    60 ms): the playout loop already paces frames in real time, so a deeper buffer would only add
    latency to barge-in. When it overflows (the device runs slower than the call clock) the
    oldest frame is dropped; when it runs dry the callback plays silence.

    Args:
        echo: Canceller that receives every played frame (silence included) as its reference.
        device: PortAudio output device index or name; None for the default.
        max_frames: Ring buffer depth in 20 ms frames.
    """

    def __init__(
        self,
        echo: EchoCanceller | None = None,
        *,
        device: int | str | None = None,
        max_frames: int = 3,
    ) -> None:
        if max_frames < 1:
            raise ValueError(f"max_frames must be >= 1, got {max_frames}")
        self.echo = echo
        self.device = device
        self.max_frames = max_frames
        self._ring: collections.deque[bytes] = collections.deque(maxlen=max_frames)
        self._lock = threading.Lock()  # the PortAudio callback runs on its own thread
        self._partial = b""  # leftover when PortAudio asks for a non-frame-sized block
        self._stream: Any = None
        self.dropped_frames = 0  # frames discarded because the ring was full
        self.underruns = 0  # callback frames filled with silence because the ring was empty
        self.last_call_ms: float | None = None
        self.latency_ms = 0.0  # output latency reported by PortAudio once open

    @property
    def depth(self) -> int:
        """Frames (20 ms each) waiting to be played."""
        with self._lock:
            return len(self._ring)

    def write_frame(self, pcm: bytes, call_ms: float) -> None:
        """Queue one 20 ms frame (``FRAME_BYTES``) that starts at ``call_ms``; never blocks."""
        if len(pcm) != FRAME_BYTES:
            raise ValueError(f"expected {FRAME_BYTES} bytes (20 ms), got {len(pcm)}")
        with self._lock:
            if len(self._ring) == self._ring.maxlen:
                self.dropped_frames += 1  # deque(maxlen) drops the oldest on append
            self._ring.append(bytes(pcm))
            self.last_call_ms = call_ms

    def clear(self) -> None:
        """Drop everything not yet handed to the device (after a barge-in)."""
        with self._lock:
            self._ring.clear()
            self._partial = b""

    def pull_frame(self) -> bytes:
        """The next 20 ms frame to play (silence on underrun), also fed to the echo canceller.

        Called from the output callback; public so tests can drive playout without a device.
        """
        with self._lock:
            if self._ring:
                frame = self._ring.popleft()
            else:
                frame = _SILENCE
                self.underruns += 1
        if self.echo is not None:
            # Reference is pushed when PortAudio takes the frame, i.e. a fixed output latency
            # before it is heard; the canceller's delay hint and estimator cover that gap.
            self.echo.push_reference(frame)
        return frame

    def _callback(self, outdata: Any, frames: int, time_info: Any, status: Any) -> None:
        if status:
            logger.debug("speaker stream status: %s", status)
        needed = frames * 2
        data = self._partial
        while len(data) < needed:
            data += self.pull_frame()
        outdata[:needed] = data[:needed]
        self._partial = data[needed:]

    def open(self) -> None:
        """Start the output stream (16 kHz mono int16, one 20 ms frame per callback)."""
        if self._stream is not None:
            return
        stream = _start_stream(_import_sounddevice().RawOutputStream, self.device, self._callback)
        self._stream = stream
        self.latency_ms = float(stream.latency) * 1000.0

    def close(self) -> None:
        """Stop and release the output stream; safe to call twice."""
        stream, self._stream = self._stream, None
        _stop_stream(stream)
        self.clear()


class MicrophoneSource:
    """Captures the caller's voice from the default (or given) input device.

    The PortAudio callback thread cuts the input into 20 ms frames, removes the speaker's echo,
    and hands each frame to the event loop with ``loop.call_soon_threadsafe`` into an
    :class:`asyncio.Queue`. Echo is removed on the capture thread, not in :meth:`read_frame`,
    so that reference and microphone reach the canceller in real time: a slow consumer would
    otherwise add a varying delay between the two that the canceller must re-learn.

    Args:
        echo: Canceller applied to every captured frame; None to pass audio through.
        device: PortAudio input device index or name; None for the default.
        max_queued_frames: Frames kept for a slow reader before the oldest are dropped.
    """

    def __init__(
        self,
        echo: EchoCanceller | None = None,
        *,
        device: int | str | None = None,
        max_queued_frames: int = 25,
    ) -> None:
        if max_queued_frames < 1:
            raise ValueError(f"max_queued_frames must be >= 1, got {max_queued_frames}")
        self.echo = echo
        self.device = device
        self.max_queued_frames = max_queued_frames
        self._loop: asyncio.AbstractEventLoop | None = None
        self._queue: asyncio.Queue[bytes | None] | None = None
        self._pending = b""  # captured bytes short of a whole frame (capture thread only)
        self._stream: Any = None
        self._eof = False
        self.dropped_frames = 0  # frames discarded because nobody read them in time
        self.overflows = 0  # PortAudio reported lost input
        self.latency_ms = 0.0  # input latency reported by PortAudio once open

    def attach(self, loop: asyncio.AbstractEventLoop | None = None) -> None:
        """Bind to an event loop (default: the running one) without starting a device.

        :meth:`open` does this itself; tests use it to feed :meth:`on_input` directly.
        """
        self._loop = loop if loop is not None else asyncio.get_running_loop()
        self._queue = asyncio.Queue()
        self._pending = b""
        self._eof = False

    def open(self, loop: asyncio.AbstractEventLoop | None = None) -> None:
        """Start capturing; call from the event loop thread (or pass ``loop``)."""
        if self._stream is not None:
            return
        sd = _import_sounddevice()
        self.attach(loop)
        stream = _start_stream(sd.RawInputStream, self.device, self._callback)
        self._stream = stream
        self.latency_ms = float(stream.latency) * 1000.0

    def close(self) -> None:
        """Stop the input stream; a pending or later :meth:`read_frame` then returns None."""
        stream, self._stream = self._stream, None
        _stop_stream(stream)
        self._hand_over(None)

    async def read_frame(self) -> bytes | None:
        """The next 20 ms of echo-cancelled caller PCM; None once closed."""
        if self._queue is None:
            raise RuntimeError("MicrophoneSource is not open; call open() first")
        if self._eof:
            return None
        frame = await self._queue.get()
        if frame is None:
            self._eof = True
        return frame

    def on_input(self, pcm: bytes) -> None:
        """Take captured PCM of any length from the capture thread; emits whole frames."""
        data = self._pending + pcm
        whole = len(data) - len(data) % FRAME_BYTES
        self._pending = data[whole:]
        for start in range(0, whole, FRAME_BYTES):
            frame = data[start : start + FRAME_BYTES]
            if self.echo is not None:
                frame = self.echo.process(frame)
            self._hand_over(frame)

    def _callback(self, indata: Any, frames: int, time_info: Any, status: Any) -> None:
        if status:
            self.overflows += 1
            logger.debug("microphone stream status: %s", status)
        self.on_input(bytes(indata))

    def _hand_over(self, frame: bytes | None) -> None:
        loop = self._loop
        if loop is None:
            return
        # RuntimeError: the loop is closed, so nobody is listening any more.
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(self._put, frame)

    def _put(self, frame: bytes | None) -> None:
        # Runs on the event loop thread, so the queue needs no lock.
        queue = self._queue
        if queue is None:
            return
        while queue.qsize() >= self.max_queued_frames:
            queue.get_nowait()  # keep latency bounded: old caller audio is worthless
            self.dropped_frames += 1
        queue.put_nowait(frame)


def echo_delay_ms(sink: SpeakerSink, source: MicrophoneSource) -> int:
    """Delay hint for :meth:`EchoCanceller.set_stream_delay_ms` once both streams are open:
    the output latency (reference pushed -> sound out) plus the input latency (sound in ->
    frame captured), in milliseconds."""
    return round(sink.latency_ms + source.latency_ms)
