"""The dialogue's seams to the language-aware NLU (issue 14), tolerant of the NLU's age.

``default_understand`` passes the turn's language to :func:`intents.nlu.understand` when it takes one
(English-only NLUs are called without); ``default_identify`` is
:func:`intents.languages.identify_text` where that package is installed, else no identification
(the call keeps its language). Injected fakes may take ``(text)`` or ``(text, language=...)``.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable

from intents.policy.language import LanguageGuessLike
from intents.types import IntentResult

Understand = Callable[..., IntentResult]  # (text) or (text, language=...)
Identify = Callable[[str, tuple[str, ...]], LanguageGuessLike | None]


def default_understand(text: str, language: str = "en") -> IntentResult:
    """:func:`intents.nlu.understand` in ``language`` (an NLU from before issue 14: English only)."""
    from intents.nlu import understand

    if takes_language(understand):
        return understand(text, language=language)  # type: ignore[call-arg, unused-ignore]
    return understand(text)


def default_identify(text: str, served: tuple[str, ...]) -> LanguageGuessLike | None:
    """``intents.languages.identify_text`` (the NLU's, bundled model); None where it isn't installed."""
    try:
        from intents.languages import identify_text  # type: ignore[import-not-found, unused-ignore]
    except ImportError:
        return None
    guess: LanguageGuessLike = identify_text(text, served)
    return guess


def takes_language(fn: Callable[..., object]) -> bool:
    """True when ``fn`` accepts a ``language=`` keyword."""
    try:
        params = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return False
    return "language" in params or any(p.kind is p.VAR_KEYWORD for p in params.values())
