"""Render the language corpus to 16 kHz WAVs in a git-ignored cache (``var/lang-clips/``).

Deterministic (fixed voices, speeds, pitches, seeds; sox without dither), so clips are not
committed: a missing clip is rendered on first use. espeak-ng takes ~20 ms a sentence; Kokoro
(Japanese) ~0.8x real time on 2 cores, hence the cache.
"""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path

import numpy as np
import numpy.typing as npt

from agent.simulation.voices import kokoro_float
from benchmarks.identifiers.audio import _espeak
from benchmarks.languages.corpus import Item
from benchmarks.make_clips import RATE_HZ, _normalise, _pad, _telephone, _to_pcm, _trim, cached_clip

CACHE_DIR = Path(__file__).resolve().parents[2] / "var" / "lang-clips"

Pcm = npt.NDArray[np.int16]
Audio = npt.NDArray[np.float32]


def render(item: Item) -> Pcm:
    """The clip's 16 kHz int16 audio, padding included."""
    v = item.voice
    if v.engine == "kokoro":
        speech = kokoro_float(item.text, v.name, v.speed, RATE_HZ)
    else:
        speech = _espeak(item.text, v.name, int(v.speed), v.pitch)
    x = _pad(_normalise(_trim(speech)))
    if item.condition == "phone":
        with tempfile.TemporaryDirectory() as tmp:
            x = _telephone(x, item.key, Path(tmp))
    return _to_pcm(x)


def _digest(item: Item) -> str:
    v = item.voice
    spec = f"{item.text}|{v.engine}|{v.name}|{v.speed}|{v.pitch}|{item.condition}"
    return hashlib.sha1(spec.encode()).hexdigest()[:10]


def clip(item: Item, cache: Path = CACHE_DIR) -> Pcm:
    """The clip from the cache, rendered (and stored) first when missing."""
    return cached_clip(cache / f"{item.key}-{_digest(item)}.wav", lambda: render(item))
