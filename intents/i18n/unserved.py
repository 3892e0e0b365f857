"""The fixed message for a caller whose language the line does not serve, in that language.

``intents/i18n/unserved.yaml`` holds one sentence pair per language ("Sorry, this line only speaks
{served}; a colleague who speaks <language> will call you back"); the served languages are named in
the caller's language with babel ("inglês ou alemão"). A language without its own entry hears the
English ``other`` message naming their language. Pure.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml
from babel import Locale
from babel.core import UnknownLocaleError
from babel.lists import format_list

MESSAGES = Path(__file__).resolve().parent / "unserved.yaml"


@dataclass(frozen=True)
class UnservedMessage:
    """What to say, and the language it is in (the caller's, or English when it has no entry)."""

    text: str
    language: str


@lru_cache(maxsize=1)
def messages() -> dict[str, str]:
    """Language code -> template, plus ``other``."""
    data = yaml.safe_load(MESSAGES.read_text(encoding="utf-8"))
    return {str(k): str(v) for k, v in data.items()}


def language_name(code: str, in_language: str) -> str:
    """``code``'s name in ``in_language`` ("de" in "fr": "allemand"); the code itself when unknown."""
    try:
        name = Locale.parse(in_language).languages.get(code)
    except (UnknownLocaleError, ValueError):
        name = None
    return str(name) if name else code


def _served_names(served: tuple[str, ...], language: str) -> str:
    names = [language_name(code, language) for code in served]
    try:
        return str(format_list(names, style="or", locale=language))
    except (UnknownLocaleError, ValueError):
        return ", ".join(names)


def unserved_message(language: str, served: tuple[str, ...]) -> UnservedMessage:
    """The message for a caller speaking ``language`` on a line serving ``served``."""
    table = messages()
    if language in table and language != "other":
        return UnservedMessage(table[language].format(served=_served_names(served, language)), language)
    text = table["other"].format(served=_served_names(served, "en"), language=language_name(language, "en"))
    return UnservedMessage(text, "en")
