"""The language identification record shared by text and voice language ID."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LanguageGuess:
    """The most likely language (ISO 639-1), how sure (0..1), and whether the line serves it."""

    language: str
    confidence: float
    served: bool
