"""The language guess shared by voice (Whisper) and text identification (issue #14 contract)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LanguageGuess:
    language: str  # ISO 639-1 code of the best language overall
    confidence: float  # 0..1
    served: bool  # whether ``language`` is one the deployment serves
