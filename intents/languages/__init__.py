"""Languages of the line: text language ID, the gloss layer, and per-language dialogue acts.

Pure (no pipecat). :func:`identify_text` names the language of a typed or transcribed turn;
:func:`intents.nlu.understand` reads a served language through :mod:`intents.languages.gloss`;
:func:`is_backchannel` and :func:`yes_no` are the short answers of each language.
"""

from __future__ import annotations

from collections.abc import Iterable

from intents.languages.acts import is_backchannel, yes_no
from intents.languages.identify import identify_text
from intents.languages.types import LanguageGuess

__all__ = ["LanguageGuess", "identify_text", "is_backchannel", "warm_up", "yes_no"]


def warm_up(languages: Iterable[str] = ("de", "fr", "es", "it", "ja")) -> None:
    """Load langid's model (about 6 s on one core), the vocabularies, glossaries and number tables.

    Call it once at startup (``agent.call.load_models`` does, on every line): otherwise the first
    caller's first turn pays for it (~2 s) in the middle of the call.
    """
    from intents.languages.gloss import GLOSSED_LANGUAGES, load_glossary
    from intents.languages.numbers import number_table

    identify_text("warm up", ("en",))
    for language in languages:
        if language in GLOSSED_LANGUAGES:
            load_glossary(language)
            if language != "ja":
                number_table(language)
