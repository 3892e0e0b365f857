"""Speech synthesis, one clause at a time, resampled to the pipeline rate.

Piper (English, or a user's voice file) lives here; espeak-ng and Kokoro in
``pipeline.tts_engines``; ``pipeline.voice_bank`` picks one per language. A voice is loaded once
per process (:func:`load_synthesizer`) and shared by every call; the ONNX runtime releases the
GIL, so synthesis runs in worker threads while the loop keeps playing.
"""

from __future__ import annotations

import hashlib
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

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


class CachingSynthesizer:
    """What every engine shares: ``synthesize`` is blocking (call it from a worker thread) and
    thread-safe; a subclass renders one clause in :meth:`_render`.

    Clauses recur across calls ("Thanks. To keep your order safe, ...", the closing line), so
    recent ones are kept in a small LRU cache: a hit costs nothing instead of 20-100 ms (Piper)
    or 1-2 s (Kokoro). Rendering holds the lock: on 2 cores two syntheses at once only slow both.
    """

    CACHE_CLAUSES = 512
    language = "en"  # ISO 639-1: what ``split_clauses`` and the word timing assume
    # Where :meth:`prepare` keeps fixed phrases across restarts; set by engines slow enough for
    # it to matter (Kokoro: ~1 s a clause, so warming 20 phrases would add 20 s to every start).
    persist_dir: Path | None = None

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._cache: OrderedDict[str, tuple[np.ndarray, tuple[WordMark, ...]]] = OrderedDict()

    def prepare(self, text: str) -> Synthesis:
        """:meth:`synthesize` for a fixed phrase of the dialogue (never caller data: it may be
        written to disk). With ``persist_dir`` set, the audio is read from there if an earlier
        run rendered it, else rendered and written there (atomically: a crash leaves no half file)."""
        if self.persist_dir is None:
            return self.synthesize(text)
        started_s = time.perf_counter()
        path = self.persist_dir / f"{hashlib.sha256(text.encode()).hexdigest()[:40]}.npz"
        with self._lock:
            known = text in self._cache
        if not known and path.is_file():
            try:
                with np.load(path) as saved:
                    pcm = saved["pcm"].astype(np.int16)
                    marks = tuple(WordMark(int(c), int(e)) for c, e in saved["marks"].reshape(-1, 2))
            except (OSError, ValueError, KeyError):
                path.unlink(missing_ok=True)  # unreadable: render it again below
            else:
                pcm.flags.writeable = False
                with self._lock:
                    self._cache[text] = (pcm, marks)
                return Synthesis(pcm, (time.perf_counter() - started_s) * 1000.0, marks)
        out = self.synthesize(text)
        if not path.is_file():
            path.parent.mkdir(parents=True, exist_ok=True)
            staging = path.with_name(f".{path.stem}.{threading.get_ident()}.npz")
            marks_arr = np.array([(m.char_end, m.sample_end) for m in out.word_marks], dtype=np.int64)
            np.savez(staging, pcm=out.pcm, marks=marks_arr)
            os.replace(staging, path)
        return out

    def synthesize(self, text: str) -> Synthesis:
        """Speak ``text`` (one clause) as int16 PCM at 16 kHz."""
        started_s = time.perf_counter()
        with self._lock:
            cached = self._cache.get(text)
            if cached is not None:
                self._cache.move_to_end(text)
                return Synthesis(cached[0], (time.perf_counter() - started_s) * 1000.0, cached[1])
            pcm, marks = self._render(text)
            pcm.flags.writeable = False  # shared by every call that says this clause
            self._cache[text] = (pcm, marks)
            while len(self._cache) > self.CACHE_CLAUSES:
                self._cache.popitem(last=False)
        return Synthesis(pcm, (time.perf_counter() - started_s) * 1000.0, marks)

    def _render(self, text: str) -> tuple[np.ndarray, tuple[WordMark, ...]]:
        raise NotImplementedError


class Synthesizer(CachingSynthesizer):
    """A loaded Piper voice: a shipped one by name, or a user's voice file (``model_path``)."""

    def __init__(self, voice_name: str = "en_US-joe-medium", *, model_path: Path | None = None,
                 language: str = "en", reproducible: bool = False) -> None:
        super().__init__()
        from piper import PiperVoice, SynthesisConfig

        # Piper adds random generator and duration noise to every sentence (that is what makes it
        # sound natural), so the same text never gives the same samples twice. Measurements that
        # cut audio at known points need the same audio every run: ``reproducible`` turns it off.
        self._syn_config = SynthesisConfig(noise_scale=0.0, noise_w_scale=0.0) if reproducible else None

        if model_path is None:
            spec = VOICES.get(voice_name)
            if spec is None:
                raise ValueError(f"unknown voice {voice_name!r}; known: {sorted(VOICES)}")
            model = model_file(spec, f"{voice_name}.onnx")
            config = model_file(spec, f"{voice_name}.onnx.json")
        else:  # checked by voices.languages.verify_user_voice before it gets here
            model, config = model_path, model_path.with_name(model_path.name + ".json")
        self.voice_name = voice_name
        self.language = language
        # Alignments (samples per phoneme) place each word in the audio; Piper patches the model
        # in memory for them when the onnx package is installed, else it loads it as it is.
        self._voice = PiperVoice.load(model, config_path=config, include_alignments=True)
        self._native_rate_hz = int(self._voice.config.sample_rate)

    def _render(self, text: str) -> tuple[np.ndarray, tuple[WordMark, ...]]:
        chunks = list(self._voice.synthesize(text, syn_config=self._syn_config, include_alignments=True))
        native = (np.concatenate([c.audio_int16_array for c in chunks]) if chunks
                  else np.zeros(0, dtype=np.int16))
        full = to_output_rate(native, self._native_rate_hz)
        pcm = trim_lead_in(full)
        trimmed = len(full) - len(pcm)
        aligned = [(a.phoneme, int(a.num_samples)) for c in chunks for a in (c.phoneme_alignments or [])]
        marks = None
        if chunks and all(c.phoneme_alignments for c in chunks):
            marks = marks_from_alignment(text, aligned, self._native_rate_hz, OUTPUT_RATE_HZ, trimmed)
        if marks is None:
            marks = marks_proportional(text, pcm)
        return pcm, marks


def to_output_rate(native: np.ndarray, rate_hz: int) -> np.ndarray:
    """int16 PCM at ``rate_hz`` (int16 or float in [-1, 1]) as int16 at OUTPUT_RATE_HZ."""
    if native.dtype != np.int16:
        native = (np.clip(native, -1.0, 1.0) * 32767.0).astype(np.int16)
    if rate_hz == OUTPUT_RATE_HZ or not len(native):
        return native.copy()
    return soxr.resample(native, rate_hz, OUTPUT_RATE_HZ).astype(np.int16)


# Piper starts each sentence with 40-80 ms of near-silence (measured by the latency lab): the
# caller hears nothing during it, so it is pure response latency. Keep 5 ms before the first
# sample above -40 dBFS.
_LEAD_IN_LEVEL = 328
_LEAD_IN_KEEP = OUTPUT_RATE_HZ * 5 // 1000


def trim_lead_in(pcm: np.ndarray) -> np.ndarray:
    loud = np.flatnonzero(np.abs(pcm.astype(np.int32)) > _LEAD_IN_LEVEL)
    if not len(loud):
        return pcm
    return pcm[max(0, int(loud[0]) - _LEAD_IN_KEEP):]


def warm_cache(synthesizer: CachingSynthesizer, lines: Iterable[str], min_clause_words: int) -> int:
    """Synthesize the first clause of each line now, so that a reply opening with it starts
    without synthesis time (60-130 ms each with Piper, ~1 s with Kokoro). The lines are in the
    synthesizer's language (its clause rules cut them). Returns how many clauses were synthesized."""
    language = synthesizer.language
    firsts = {clauses[0].text for line in lines
              if (clauses := split_clauses(line, min_clause_words, language=language))}
    for text in sorted(firsts):
        synthesizer.prepare(text)
    return len(firsts)


@cache
def load_synthesizer(voice_name: str = "en_US-joe-medium") -> Synthesizer:
    """The process-wide shared synthesizer for ``voice_name`` (~1 s to load)."""
    return Synthesizer(voice_name)
