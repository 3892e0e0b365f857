"""Collects one caller turn's audio and decides when to recognise it. Pure: no threads, no clock.

Partials run every ``partial_interval_ms`` while the caller talks; a *segment* recognition runs
when the caller pauses (SPEECH_END) so that its words are ready when the turn ends, which makes
the final transcript nearly free; the final reuses the segment result unless speech resumed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

RATE_HZ = 16_000


@dataclass(frozen=True)
class TurnAudioParams:
    partial_interval_ms: float = 500.0
    preroll_ms: float = 300.0  # audio kept from before VAD onset (the onset itself is soft)
    max_turn_s: float = 28.0  # Whisper's window is 30 s including padding


class TurnAudio:
    """Audio of the current turn plus a rolling pre-roll while nobody speaks."""

    def __init__(self, params: TurnAudioParams | None = None) -> None:
        self.params = params or TurnAudioParams()
        self._chunks: list[np.ndarray] = []
        self._samples = 0
        self.active = False
        self.speech_start_ms = 0.0
        self.last_partial_ms = 0.0
        self.version = 0  # bumps whenever turn audio grows; a result is stale if it changed

    def push(self, pcm: bytes) -> None:
        samples = np.frombuffer(pcm, dtype=np.int16)
        self._chunks.append(samples)
        self._samples += len(samples)
        limit = int((self.params.max_turn_s if self.active else self.params.preroll_ms / 1000)
                    * RATE_HZ)
        while self._samples - len(self._chunks[0]) >= limit and len(self._chunks) > 1:
            self._samples -= len(self._chunks.pop(0))
        if self.active:
            self.version += 1

    def start(self, speech_start_ms: float, now_ms: float) -> None:
        if not self.active:
            self.active = True
            self.speech_start_ms = speech_start_ms
            self.last_partial_ms = now_ms

    def partial_due(self, now_ms: float) -> bool:
        return self.active and now_ms - self.last_partial_ms >= self.params.partial_interval_ms

    def snapshot(self) -> tuple[np.ndarray, int]:
        """The turn's audio so far and its version."""
        audio = np.concatenate(self._chunks) if self._chunks else np.zeros(0, dtype=np.int16)
        return audio, self.version

    def reset(self) -> None:
        """Turn over: keep only the pre-roll's worth of the most recent audio."""
        self.active = False
        keep = int(self.params.preroll_ms / 1000 * RATE_HZ)
        audio, _ = self.snapshot()
        tail = audio[-keep:]
        self._chunks = [tail] if len(tail) else []
        self._samples = len(tail)
