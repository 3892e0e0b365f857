"""Replies in the call's language: the message catalogue and the current language.

The policy writes English templates, ``t("Your refund of {amount} is on its way.", amount=...)``;
:func:`t` renders them in the language of the surrounding :func:`speaking` scope. The scope is opened
in one place per entry point (:func:`intents.policy.decide.step`, the dialogue shell's greeting), so
the policy stays a pure function of its state: ``state.language`` decides the words.

``N_("...")`` marks a msgid that is translated later (a module constant, a table value) so that
``python -m intents.i18n.extract`` finds it; it returns its argument unchanged.
"""

from __future__ import annotations

import contextvars
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from intents.i18n.catalogue import SOURCE_LANGUAGE, Catalogue, CatalogueError, catalogue

__all__ = ["N_", "Catalogue", "CatalogueError", "current_language", "missing", "speaking", "t"]

_LANGUAGE: contextvars.ContextVar[str] = contextvars.ContextVar("reply_language", default=SOURCE_LANGUAGE)


def N_(msgid: str) -> str:  # noqa: N802 - the gettext convention extractors know
    """Mark ``msgid`` for extraction without translating it now."""
    return msgid


def current_language() -> str:
    """The language replies are rendered in right now (English outside any scope)."""
    return _LANGUAGE.get()


@contextmanager
def speaking(language: str | None) -> Iterator[str]:
    """Render every :func:`t` inside the block in ``language`` (None: keep the current one)."""
    token = _LANGUAGE.set(language or _LANGUAGE.get())
    try:
        yield _LANGUAGE.get()
    finally:
        _LANGUAGE.reset(token)


def t(msgid: str, /, **values: Any) -> str:
    """``msgid`` in the current language, ``{named}`` placeholders filled from ``values``.

    A missing translation falls back to English (counted, see :func:`missing`); a translation whose
    placeholders don't fit the values also falls back, so a bad catalogue entry never breaks a call.
    """
    text = catalogue(_LANGUAGE.get()).lookup(msgid)
    if not values:
        return text
    try:
        return text.format(**values)
    except (KeyError, IndexError, ValueError):
        catalogue(_LANGUAGE.get()).missing[msgid] += 1
        return msgid.format(**values)


def missing(language: str | None = None) -> Counter[str]:
    """Fallbacks to English so far, msgid -> count (for ``language``, default the current one)."""
    return catalogue(language or _LANGUAGE.get()).missing
