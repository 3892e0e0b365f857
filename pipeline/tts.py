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
from pipeline.word_timing import WordMark, marks_from_alignment, marks_proportional
from voices.registry import VOICES, model_file

OUTPUT_RATE_HZ = 16_000


@dataclass(frozen=True)
class Synthesis:
    pcm: np.ndarray  # int16 mono at OUTPUT_RATE_HZ
    compute_ms: float
    word_marks: tuple[WordMark, ...] = ()  # where each word of the text ends in ``pcm``


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
        # Alignments (samples per phoneme) place each word in the audio; Piper patches the model
        # in memory for them when the onnx package is installed, else it loads it as it is.
        self._voice = PiperVoice.load(model, config_path=config, include_alignments=True)
        self._native_rate_hz = int(self._voice.config.sample_rate)
        self._lock = threading.Lock()
        self._cache: OrderedDict[str, tuple[np.ndarray, tuple[WordMark, ...]]] = OrderedDict()

    def synthesize(self, text: str) -> Synthesis:
        """Speak ``text`` (one clause) as int16 PCM at 16 kHz."""
        started_s = time.perf_counter()
        with self._lock:
            cached = self._cache.get(text)
            if cached is not None:
                self._cache.move_to_end(text)
                return Synthesis(cached[0], (time.perf_counter() - started_s) * 1000.0, cached[1])
            chunks = list(self._voice.synthesize(text, include_alignments=True))
        native = (np.concatenate([c.audio_int16_array for c in chunks]) if chunks
                  else np.zeros(0, dtype=np.int16))
        full = soxr.resample(native, self._native_rate_hz, OUTPUT_RATE_HZ).astype(np.int16)
        pcm = _trim_lead_in(full)
        trimmed = len(full) - len(pcm)
        aligned = [(a.phoneme, int(a.num_samples)) for c in chunks for a in (c.phoneme_alignments or [])]
        marks = None
        if chunks and all(c.phoneme_alignments for c in chunks):
            marks = marks_from_alignment(text, aligned, self._native_rate_hz, OUTPUT_RATE_HZ, trimmed)
        if marks is None:
            marks = marks_proportional(text, pcm)
        pcm.flags.writeable = False  # shared by every call that says this clause
        with self._lock:
            self._cache[text] = (pcm, marks)
            while len(self._cache) > self.CACHE_CLAUSES:
                self._cache.popitem(last=False)
        return Synthesis(pcm, (time.perf_counter() - started_s) * 1000.0, marks)


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
