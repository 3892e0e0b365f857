"""Latency measured from the recordings alone, independent of the pipeline's own events.

Energy in 20 ms windows against a stated threshold (``THRESHOLD_DBFS``): a window is *active*
when its RMS level is above it. Onsets and offsets are window edges, so results are exact to 20 ms.
"""

from __future__ import annotations

import numpy as np

RATE_HZ = 16_000
WINDOW_MS = 20
THRESHOLD_DBFS = -45.0


def active_windows(pcm: np.ndarray, threshold_dbfs: float = THRESHOLD_DBFS) -> np.ndarray:
    """Boolean per 20 ms window: RMS level above ``threshold_dbfs``."""
    n = RATE_HZ * WINDOW_MS // 1000
    usable = len(pcm) // n * n
    if usable == 0:
        return np.zeros(0, dtype=bool)
    frames = pcm[:usable].astype(np.float64).reshape(-1, n) / 32768.0
    rms = np.sqrt(np.mean(frames**2, axis=1))
    return 20.0 * np.log10(np.maximum(rms, 1e-6)) > threshold_dbfs


def first_active_ms(pcm: np.ndarray, from_ms: float, to_ms: float | None = None,
                    threshold_dbfs: float = THRESHOLD_DBFS) -> float | None:
    """Start of the first active window in [from_ms, to_ms), or None."""
    act = active_windows(pcm, threshold_dbfs)
    lo = int(from_ms // WINDOW_MS)
    hi = len(act) if to_ms is None else min(len(act), int(np.ceil(to_ms / WINDOW_MS)))
    idx = np.flatnonzero(act[lo:hi])
    return None if not len(idx) else float((lo + idx[0]) * WINDOW_MS)


def silent_from_ms(pcm: np.ndarray, from_ms: float, min_silence_ms: float = 100.0,
                   threshold_dbfs: float = THRESHOLD_DBFS) -> float | None:
    """Start of the first run of >= ``min_silence_ms`` inactive windows at or after ``from_ms``.

    The run requirement keeps the short gaps between words from counting as "stopped".
    """
    act = active_windows(pcm, threshold_dbfs)
    need = max(1, int(np.ceil(min_silence_ms / WINDOW_MS)))
    run = 0
    for i in range(int(from_ms // WINDOW_MS), len(act)):
        run = 0 if act[i] else run + 1
        if run >= need:
            return float((i - need + 1) * WINDOW_MS)
    return None


def was_active_at(pcm: np.ndarray, at_ms: float, threshold_dbfs: float = THRESHOLD_DBFS) -> bool:
    act = active_windows(pcm, threshold_dbfs)
    i = int(at_ms // WINDOW_MS)
    return 0 <= i < len(act) and bool(act[i])


def last_active_end_ms(pcm: np.ndarray, from_ms: float, to_ms: float,
                       threshold_dbfs: float = THRESHOLD_DBFS) -> float | None:
    """End of the last active window in [from_ms, to_ms), or None."""
    act = active_windows(pcm, threshold_dbfs)
    lo, hi = int(from_ms // WINDOW_MS), min(len(act), int(np.ceil(to_ms / WINDOW_MS)))
    idx = np.flatnonzero(act[lo:hi])
    return None if not len(idx) else float((lo + idx[-1] + 1) * WINDOW_MS)
