"""Audio device interfaces shared by the real (sounddevice), simulated and network ends.

All audio inside the pipeline is 16-bit signed little-endian mono PCM at ``PIPELINE_RATE_HZ``,
moved in frames of ``FRAME_MS`` milliseconds.
"""

from __future__ import annotations

from typing import Protocol

PIPELINE_RATE_HZ = 16_000
FRAME_MS = 20
FRAME_SAMPLES = PIPELINE_RATE_HZ * FRAME_MS // 1000  # 320
FRAME_BYTES = FRAME_SAMPLES * 2


class AudioSink(Protocol):
    """Where the agent's voice goes: a speaker, a simulated line, a phone stream.

    The playout loop calls :meth:`write_frame` once per ``FRAME_MS`` of call time with exactly
    ``FRAME_BYTES`` of PCM (silence when the agent is quiet), so the sink never needs a deep buffer.
    """

    def write_frame(self, pcm: bytes, call_ms: float) -> None:
        """Play one frame that starts at ``call_ms`` of call time. Must not block."""
        ...

    def clear(self) -> None:
        """Drop anything buffered downstream (e.g. Twilio's ``clear``) after a barge-in."""
        ...


class AudioSource(Protocol):
    """Where the caller's voice comes from. Frames are pulled by the input loop."""

    async def read_frame(self) -> bytes | None:
        """The next ``FRAME_BYTES`` of caller PCM, waiting for it in real time; None at the end."""
        ...
