"""Acoustic echo cancellation for the local speaker + microphone end.

When the agent talks through a loudspeaker, the microphone hears it again a few tens of
milliseconds later. Without cancellation that echo reaches the VAD as "caller speech" and the
agent barges in on itself. :class:`EchoCanceller` wraps WebRTC's audio processing module (AEC3,
via the ``livekit`` package's ``livekit.rtc.AudioProcessingModule``), which models the
speaker-to-microphone path from the reference signal (what the speaker played) and subtracts
the predicted echo from the microphone signal.

Audio is 16-bit signed little-endian mono PCM at ``rate_hz`` (16 kHz in the pipeline). This
module is a pure processing core: no devices, no threads, no pipecat.
"""

from __future__ import annotations

import threading
from typing import Any

# WebRTC's APM only accepts frames of exactly 10 ms; the pipeline moves 20 ms frames, so we
# split (and keep partial leftovers) here instead of making every caller care.
APM_FRAME_MS = 10
_SAMPLE_BYTES = 2  # int16
_SUPPORTED_RATES_HZ = (8_000, 16_000, 32_000, 48_000)

# Speaker output latency + microphone input latency of a typical desktop PortAudio setup.
# It is only a starting hint: AEC3 runs its own delay estimator and re-aligns within ~1 s.
DEFAULT_STREAM_DELAY_MS = 40


def _load_apm_class() -> Any:
    try:
        from livekit import rtc
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise RuntimeError(
            "Echo cancellation needs the 'livekit' package (WebRTC audio processing via "
            "livekit.rtc.AudioProcessingModule). Install it with `pip install livekit`."
        ) from exc
    return rtc


class EchoCanceller:
    """Removes the speaker's own output (the *reference*) from the microphone signal.

    Usage, per 20 ms tick: :meth:`push_reference` with what the speaker is playing, then
    :meth:`process` with what the microphone captured. Both accept any whole number of 10 ms
    frames (160 samples = 320 bytes at 16 kHz) and are safe to call from different threads
    (e.g. a PortAudio output callback and an input callback).

    Args:
        rate_hz: Sample rate of both signals in Hz (8000, 16000, 32000 or 48000).
        stream_delay_ms: Initial estimate, in milliseconds, of how long after
            :meth:`push_reference` receives a frame its echo reaches :meth:`process`
            (output latency + acoustic path + input latency). A hint; AEC3 tracks the real delay.
        noise_suppression: Also run WebRTC's noise suppressor on the microphone signal.
        high_pass_filter: Remove DC/rumble below ~80 Hz first; it helps the echo model converge.
    """

    def __init__(
        self,
        rate_hz: int = 16_000,
        stream_delay_ms: int = DEFAULT_STREAM_DELAY_MS,
        *,
        noise_suppression: bool = False,
        high_pass_filter: bool = True,
    ) -> None:
        if rate_hz not in _SUPPORTED_RATES_HZ:
            raise ValueError(f"rate_hz must be one of {_SUPPORTED_RATES_HZ}, got {rate_hz}")
        if stream_delay_ms < 0:
            raise ValueError(f"stream_delay_ms must be >= 0, got {stream_delay_ms}")
        self._rtc = _load_apm_class()
        self.rate_hz = rate_hz
        self.frame_samples = rate_hz * APM_FRAME_MS // 1000
        self.frame_bytes = self.frame_samples * _SAMPLE_BYTES
        self._stream_delay_ms = int(stream_delay_ms)
        self._noise_suppression = noise_suppression
        self._high_pass_filter = high_pass_filter
        # One lock for the APM: the render (reference) side and the capture side are usually
        # driven by two different audio threads, and the Python binding gives no guarantee.
        self._lock = threading.Lock()
        self._apm: Any = None
        self._ref_pending = bytearray()  # reference bytes short of a whole 10 ms frame
        self._mic_pending = bytearray()  # microphone bytes short of a whole 10 ms frame
        self._out_ready = bytearray()  # cleaned bytes not yet returned by process()
        self.reset()

    @property
    def stream_delay_ms(self) -> int:
        """Current delay hint in milliseconds (see the constructor)."""
        return self._stream_delay_ms

    def set_stream_delay_ms(self, delay_ms: int) -> None:
        """Update the reference-to-echo delay hint, in milliseconds (e.g. once the real device
        latencies are known)."""
        if delay_ms < 0:
            raise ValueError(f"delay_ms must be >= 0, got {delay_ms}")
        self._stream_delay_ms = int(delay_ms)

    def reset(self) -> None:
        """Forget the learned echo path and all buffered audio (e.g. a new call or device)."""
        with self._lock:
            # A fresh module is the only full reset the binding offers; creating one is cheap.
            self._apm = self._rtc.AudioProcessingModule(
                echo_cancellation=True,
                noise_suppression=self._noise_suppression,
                high_pass_filter=self._high_pass_filter,
                auto_gain_control=False,  # AGC would pump the echo level and slow convergence
            )
            self._ref_pending.clear()
            self._mic_pending.clear()
            self._out_ready.clear()

    def push_reference(self, pcm: bytes) -> None:
        """Feed what the speaker is playing (or is about to play), int16 mono at ``rate_hz``.

        Call this for every played frame, silence included: AEC3 expects a continuous render
        stream at the same pace as the capture stream. Partial 10 ms frames are kept until
        completed by the next call.
        """
        self._check_pcm(pcm)
        with self._lock:
            self._ref_pending += pcm
            while len(self._ref_pending) >= self.frame_bytes:
                chunk = bytes(self._ref_pending[: self.frame_bytes])
                del self._ref_pending[: self.frame_bytes]
                # The reverse (render) stream only updates the echo model; the frame is not
                # used afterwards, so its in-place modification does not matter.
                self._apm.process_reverse_stream(self._frame(chunk))

    def process(self, mic_pcm: bytes) -> bytes:
        """Return the microphone signal with the speaker's echo removed; same length as input.

        ``mic_pcm`` is int16 mono at ``rate_hz``. Push the reference covering the same span
        *before* calling this: the canceller can only subtract echo of audio it has already
        seen, so a reference that arrives late is an echo that leaks through. With whole 10 ms
        frames the output is not delayed; if a call leaves a partial frame, the output shifts
        once by that remainder (padded with silence) to keep the lengths equal.
        """
        self._check_pcm(mic_pcm)
        with self._lock:
            self._mic_pending += mic_pcm
            while len(self._mic_pending) >= self.frame_bytes:
                frame = self._frame(bytes(self._mic_pending[: self.frame_bytes]))
                del self._mic_pending[: self.frame_bytes]
                # WebRTC requires the delay to be set before every capture frame when AEC is on.
                self._apm.set_stream_delay_ms(self._stream_delay_ms)
                self._apm.process_stream(frame)  # modifies the frame in place
                self._out_ready += bytes(frame.data.cast("B"))
            if len(self._out_ready) < len(mic_pcm):
                missing = len(mic_pcm) - len(self._out_ready)
                self._out_ready[:0] = bytes(missing)
            out = bytes(self._out_ready[: len(mic_pcm)])
            del self._out_ready[: len(mic_pcm)]
        return out

    def _frame(self, pcm: bytes) -> Any:
        return self._rtc.AudioFrame(pcm, self.rate_hz, 1, self.frame_samples)

    @staticmethod
    def _check_pcm(pcm: bytes) -> None:
        if len(pcm) % _SAMPLE_BYTES:
            raise ValueError(f"PCM must be whole int16 samples, got {len(pcm)} bytes")
