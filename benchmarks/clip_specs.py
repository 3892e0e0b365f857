"""What a caller clip is made of (shared by ``make_clips`` and the per-topic ``clips_*`` modules)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Speech:
    """A spoken clip. ``say`` overrides what espeak-ng reads (e.g. phonemes for "mm-hmm")."""

    name: str
    text: str
    voice: str
    speed_wpm: int = 165
    phone: bool = False
    say: str | None = None


@dataclass(frozen=True)
class Sound:
    """A synthesised non-speech sound: ``kind`` is "cough" or "knock"."""

    name: str
    kind: str
