"""Message catalogues: English templates as keys, one translation per served language.

A msgid is the English sentence itself, with ``{named}`` placeholders
(``"Your refund of {amount} is on its way."``). Each language keeps its translations in any number
of YAML files under ``intents/i18n/locales/<lang>/`` (a mapping msgid -> translation); the files of
one language are merged, and the same msgid translated two different ways is an error at load, so
two translators can never silently overwrite each other. Pure: no pipecat, no I/O beyond the files.
"""

from __future__ import annotations

import re
import string
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

LOCALES_DIR = Path(__file__).resolve().parent / "locales"
SOURCE_LANGUAGE = "en"


class CatalogueError(ValueError):
    """A locale file is not a mapping of strings, or two files disagree on a msgid."""


def placeholders(template: str) -> frozenset[str]:
    """The ``{named}`` fields of a template (format specs and conversions ignored)."""
    return frozenset(name for _, name, _, _ in string.Formatter().parse(template) if name)


@dataclass
class Catalogue:
    """Translations of one language, merged from its files; ``missing`` counts fallbacks to English."""

    language: str
    messages: dict[str, str] = field(default_factory=dict)
    missing: Counter[str] = field(default_factory=Counter)

    def lookup(self, msgid: str) -> str:
        """The translation of ``msgid``; the English msgid itself (counted) when there is none."""
        if self.language == SOURCE_LANGUAGE:
            return msgid
        found = self.messages.get(msgid)
        if found is None:
            self.missing[msgid] += 1
            return msgid
        return found


def _load_file(path: Path) -> dict[str, str]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise CatalogueError(f"{path}: not valid YAML ({exc})") from exc
    if not isinstance(data, dict):
        raise CatalogueError(f"{path}: expected a mapping of English msgid -> translation")
    out: dict[str, str] = {}
    for key, value in data.items():
        if not isinstance(key, str) or not isinstance(value, str):
            raise CatalogueError(f"{path}: entry {key!r} is not a string -> string pair")
        out[key] = value
    return out


def load_catalogue(language: str, root: Path = LOCALES_DIR) -> Catalogue:
    """Every ``*.yaml`` under ``root/<language>/`` merged; conflicting duplicates raise."""
    messages: dict[str, str] = {}
    origin: dict[str, Path] = {}
    folder = root / language
    for path in sorted(folder.glob("**/*.yaml")) if folder.is_dir() else []:
        for msgid, text in _load_file(path).items():
            if msgid in messages and messages[msgid] != text:
                raise CatalogueError(
                    f"{path}: msgid {msgid!r} is translated differently in {origin[msgid]}"
                )
            messages[msgid] = text
            origin[msgid] = path
    return Catalogue(language, messages)


def shipped_languages(root: Path = LOCALES_DIR) -> tuple[str, ...]:
    """English plus every language with a folder holding translation files."""
    found = sorted(p.name for p in root.iterdir()
                   if p.is_dir() and re.fullmatch(r"[a-z]{2}", p.name) and any(p.glob("**/*.yaml")))
    return (SOURCE_LANGUAGE, *(lang for lang in found if lang != SOURCE_LANGUAGE))


@lru_cache(maxsize=64)
def catalogue(language: str) -> Catalogue:
    """The (cached) catalogue of ``language``; an unknown language is an empty one (all English)."""
    return load_catalogue(language)
