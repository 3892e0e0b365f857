"""Render the corpus to 16 kHz WAVs in a git-ignored cache (``var/ident-clips/``).

Generation is deterministic (fixed voices, speeds, pitches and noise seeds; sox without dither),
so the clips are not committed: a missing or stale clip is rendered again on first use. The cache
key includes everything that shapes the audio.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import tempfile
from pathlib import Path

import numpy as np
import numpy.typing as npt

from agent.audio_files import read_wav
from benchmarks.identifiers.corpus import Condition, Item
from benchmarks.make_clips import (
    RATE_HZ,
    _bandpass,
    _normalise,
    _pad,
    _rng,
    _telephone,
    _to_pcm,
    _trim,
    cached_clip,
)

CACHE_DIR = Path(__file__).resolve().parents[2] / "var" / "ident-clips"
NOISE_SNR_DB = 12.0  # a busy room or street: speech clearly above, but not by much

Pcm = npt.NDArray[np.int16]
Audio = npt.NDArray[np.float32]


def _espeak(text: str, voice: str, speed_wpm: int, pitch: int) -> Audio:
    exe = shutil.which("espeak-ng")
    if exe is None:
        raise RuntimeError("espeak-ng not found: apt-get install espeak-ng")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "say.wav"
        subprocess.run([exe, "-v", voice, "-s", str(speed_wpm), "-p", str(pitch), "-w", str(out)],
                       input=text.encode(), capture_output=True, check=True, timeout=60)
        pcm = read_wav(out, RATE_HZ)
    return pcm.astype(np.float32) / 32768.0


def _room_noise(x: Audio, name: str) -> Audio:
    """Babble-like noise: low-passed noise with a slow syllable-rate envelope, at NOISE_SNR_DB."""
    rng = _rng("noise-" + name)
    raw = _bandpass(rng.normal(0, 1, x.size).astype(np.float32), 100, 2500)
    t = np.arange(x.size) / RATE_HZ
    envelope = 0.6 + 0.4 * np.sin(2 * np.pi * 3.1 * t + rng.uniform(0, 6.28)) ** 2
    noise = raw * envelope
    speech_rms = float(np.sqrt(np.mean(x[np.abs(x) > 0.01] ** 2)))
    noise *= speech_rms / 10 ** (NOISE_SNR_DB / 20) / float(np.sqrt(np.mean(noise**2)))
    return (x + noise).astype(np.float32)


def render(item: Item) -> Pcm:
    """The clip's 16 kHz int16 audio, padding included."""
    v = item.voice
    x = _pad(_normalise(_trim(_espeak(item.spoken, v.espeak, item.speed_wpm, v.pitch))))
    if item.condition is Condition.PHONE_LINE:
        with tempfile.TemporaryDirectory() as tmp:
            x = _telephone(x, item.key, Path(tmp))
    elif item.condition is Condition.NOISE:
        x = _normalise(_room_noise(x, item.key))
    return _to_pcm(x)


def _digest(item: Item) -> str:
    v = item.voice
    spec = f"{item.spoken}|{v.espeak}|{item.speed_wpm}|{v.pitch}|{item.condition}|{NOISE_SNR_DB}"
    return hashlib.sha1(spec.encode()).hexdigest()[:10]


def clip(item: Item, cache: Path = CACHE_DIR) -> Pcm:
    """The clip from the cache, rendered (and stored) first when missing."""
    return cached_clip(cache / f"{item.key}-{_digest(item)}.wav", lambda: render(item))
