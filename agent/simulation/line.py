"""A simulated phone line: the caller's microphone and the agent's speaker, both in real time.

Both ends record what passed through them into tracks indexed by call time, so ``caller.wav``
and ``agent.wav`` line up sample for sample from call time 0.
"""

from __future__ import annotations

import asyncio
from collections import deque

import numpy as np

from pipeline.clock import Clock
from pipeline.devices import FRAME_MS, FRAME_SAMPLES

# Energy (dBFS of a 20 ms frame) above which the simulated caller "hears" the agent.
AUDIBLE_DBFS = -45.0


def frame_dbfs(frame: np.ndarray) -> float:
    if not len(frame):
        return -120.0
    rms = float(np.sqrt(np.mean((frame.astype(np.float64) / 32768.0) ** 2)))
    return 20.0 * np.log10(max(rms, 1e-6))


class Track:
    """A growable int16 recording addressed by 20 ms frame index."""

    def __init__(self) -> None:
        self._frames: dict[int, np.ndarray] = {}

    def put(self, index: int, frame: np.ndarray) -> None:
        self._frames[index] = frame

    def to_array(self, n_frames: int) -> np.ndarray:
        out = np.zeros(n_frames * FRAME_SAMPLES, dtype=np.int16)
        for index, frame in self._frames.items():
            if 0 <= index < n_frames:
                out[index * FRAME_SAMPLES:(index + 1) * FRAME_SAMPLES] = frame
        return out


class CallerMic:
    """The caller's microphone as an :class:`AudioSource`. ``play()`` queues a clip."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._index = 0
        self._queue: deque[tuple[np.ndarray, asyncio.Future[tuple[float, float]]]] = deque()
        self._current: tuple[np.ndarray, int, float, asyncio.Future[tuple[float, float]]] | None = None
        self.track = Track()
        self.closed = False

    def play(self, pcm: np.ndarray) -> asyncio.Future[tuple[float, float]]:
        """Speak ``pcm`` (int16, 16 kHz) after anything already queued.

        Returns a future of (start_ms, end_ms) in call time, resolved when the clip has been sent.
        """
        done: asyncio.Future[tuple[float, float]] = asyncio.get_running_loop().create_future()
        self._queue.append((pcm, done))
        return done

    @property
    def busy(self) -> bool:
        return self._current is not None or bool(self._queue)

    async def read_frame(self) -> bytes | None:
        if self.closed:
            return None
        due_ms = (self._index + 1) * FRAME_MS
        delay_ms = due_ms - self._clock.now_ms()
        if delay_ms > 0:
            await asyncio.sleep(delay_ms / 1000.0)
        frame = self._next_samples(self._index * FRAME_MS)
        self.track.put(self._index, frame)
        self._index += 1
        return frame.tobytes()

    def _next_samples(self, frame_start_ms: float) -> np.ndarray:
        out = np.zeros(FRAME_SAMPLES, dtype=np.int16)
        filled = 0
        while filled < FRAME_SAMPLES:
            if self._current is None:
                if not self._queue:
                    break
                pcm, fut = self._queue.popleft()
                start_ms = frame_start_ms + filled / 16.0
                self._current = (pcm, 0, start_ms, fut)
            pcm, pos, start_ms, fut = self._current
            take = min(FRAME_SAMPLES - filled, len(pcm) - pos)
            out[filled:filled + take] = pcm[pos:pos + take]
            filled += take
            pos += take
            if pos >= len(pcm):
                end_ms = frame_start_ms + filled / 16.0
                if not fut.done():
                    fut.set_result((start_ms, end_ms))
                self._current = None
            else:
                self._current = (pcm, pos, start_ms, fut)
        return out


class AgentSpeaker:
    """The agent's speaker as an :class:`AudioSink`; tracks when the agent was last audible."""

    def __init__(self) -> None:
        self.track = Track()
        self.last_audible_ms = -1e9
        self.audible_since_ms: float | None = None
        self.frames_written = 0
        self.clears = 0

    def write_frame(self, pcm: bytes, call_ms: float) -> None:
        frame = np.frombuffer(pcm, dtype=np.int16)
        index = int(round(call_ms / FRAME_MS))
        self.track.put(index, frame)
        self.frames_written = max(self.frames_written, index + 1)
        if frame_dbfs(frame) > AUDIBLE_DBFS:
            if self.audible_since_ms is None:
                self.audible_since_ms = call_ms
            self.last_audible_ms = call_ms + FRAME_MS
        else:
            self.audible_since_ms = None

    def clear(self) -> None:
        self.clears += 1
