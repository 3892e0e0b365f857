"""Injected clocks: logic reads time only through a :class:`Clock`.

``MonotonicClock`` is real time since the call started; ``ManualClock`` is virtual time for
deterministic tests. Both count milliseconds as floats (``now_ms``).
"""

from __future__ import annotations

import time
from typing import Protocol


class Clock(Protocol):
    def now_ms(self) -> float:
        """Milliseconds since this clock's origin (call time 0)."""
        ...


class MonotonicClock:
    """Real time, origin at construction (or at :meth:`reset`)."""

    def __init__(self) -> None:
        self._origin_s = time.monotonic()

    def reset(self) -> None:
        self._origin_s = time.monotonic()

    def now_ms(self) -> float:
        return (time.monotonic() - self._origin_s) * 1000.0


class ManualClock:
    """Virtual time that moves only when told to."""

    def __init__(self, start_ms: float = 0.0) -> None:
        self._now_ms = start_ms

    def now_ms(self) -> float:
        return self._now_ms

    def advance(self, delta_ms: float) -> None:
        self._now_ms += delta_ms
