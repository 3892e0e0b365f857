"""Speech synthesis with Piper, one clause at a time, resampled to the pipeline rate.

The voice is loaded once per process (:func:`load_synthesizer`) and shared by every call; the
ONNX runtime releases the GIL, so synthesis runs in worker threads while the loop keeps playing.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

import numpy as np
import soxr

from pipeline.clauses import split_clauses
from voices.registry import VOICES, model_file

OUTPUT_RATE_HZ = 16_000


@dataclass(frozen=True)
class Synthesis:
    pcm: np.ndarray  # int16 mono at OUTPUT_RATE_HZ
    compute_ms: float


class Synthesizer:
    """A loaded Piper voice. ``synthesize`` is blocking: call it from a worker thread.

    Clauses recur across calls ("Thanks. To keep your order safe, ...", the closing line), so
    recent ones are kept in a small LRU cache: a hit costs nothing instead of 20-100 ms.
    """

    CACHE_CLAUSES = 512

    def __init__(self, voice_name: str = "en_US-joe-medium") -> None:
        from piper import PiperVoice

        spec = VOICES.get(voice_name)
        if spec is None:
            raise ValueError(f"unknown voice {voice_name!r}; known: {sorted(VOICES)}")
        model = model_file(spec, f"{voice_name}.onnx")
        config = model_file(spec, f"{voice_name}.onnx.json")
        self.voice_name = voice_name
        self._voice = PiperVoice.load(model, config_path=config)
        self._native_rate_hz = int(self._voice.config.sample_rate)
        self._lock = threading.Lock()
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()

    def synthesize(self, text: str) -> Synthesis:
        """Speak ``text`` (one clause) as int16 PCM at 16 kHz."""
        started_s = time.perf_counter()
        with self._lock:
            cached = self._cache.get(text)
            if cached is not None:
                self._cache.move_to_end(text)
                return Synthesis(cached, (time.perf_counter() - started_s) * 1000.0)
            chunks = [c.audio_int16_array for c in self._voice.synthesize(text)]
        native = np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.int16)
        pcm = _trim_lead_in(soxr.resample(native, self._native_rate_hz, OUTPUT_RATE_HZ).astype(np.int16))
        pcm.flags.writeable = False  # shared by every call that says this clause
        with self._lock:
            self._cache[text] = pcm
            while len(self._cache) > self.CACHE_CLAUSES:
                self._cache.popitem(last=False)
        return Synthesis(pcm, (time.perf_counter() - started_s) * 1000.0)


# Piper starts each sentence with 40-80 ms of near-silence (measured by the latency lab): the
# caller hears nothing during it, so it is pure response latency. Keep 5 ms before the first
# sample above -40 dBFS.
_LEAD_IN_LEVEL = 328
_LEAD_IN_KEEP = OUTPUT_RATE_HZ * 5 // 1000


def _trim_lead_in(pcm: np.ndarray) -> np.ndarray:
    loud = np.flatnonzero(np.abs(pcm.astype(np.int32)) > _LEAD_IN_LEVEL)
    if not len(loud):
        return pcm
    return pcm[max(0, int(loud[0]) - _LEAD_IN_KEEP):]


def warm_cache(synthesizer: Synthesizer, lines: Iterable[str], min_clause_words: int) -> int:
    """Synthesize the first clause of each line now, so that a reply opening with it starts
    without synthesis time (60-130 ms each here). Returns how many clauses were synthesized."""
    firsts = {clauses[0].text for line in lines if (clauses := split_clauses(line, min_clause_words))}
    for text in sorted(firsts):
        synthesizer.synthesize(text)
    return len(firsts)


@cache
def load_synthesizer(voice_name: str = "en_US-joe-medium") -> Synthesizer:
    """The process-wide shared synthesizer for ``voice_name`` (~1 s to load)."""
    return Synthesizer(voice_name)
