"""Languages of the line: text language ID, the gloss layer, and per-language dialogue acts.

Pure (no pipecat). :func:`identify_text` names the language of a typed or transcribed turn;
:func:`intents.nlu.understand` reads a served language through :mod:`intents.languages.gloss`;
:func:`is_backchannel` and :func:`yes_no` are the short answers of each language.
"""

from __future__ import annotations

from intents.languages.acts import is_backchannel, yes_no
from intents.languages.identify import identify_text
from intents.languages.types import LanguageGuess

__all__ = ["LanguageGuess", "identify_text", "is_backchannel", "yes_no"]
