"""Which language the call continues in, decided per caller turn. Pure.

The voice channel knows the language each turn was spoken in (the recogniser's language ID); a text
channel asks a text identifier (``intents.languages.identify_text``). Either way the call switches
only on a clear identification: a served language other than the current one, heard in a turn with
enough words to tell (a bare number, "ok" or "ja" never switch), and for text with a confidence at
or above ``min_confidence``. A confidently identified language the line does not serve gets the
fixed unserved message (see :mod:`intents.i18n.unserved`) instead of a policy reply.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from intents.policy.types import Stage

# Fewer letters than this can't tell languages apart ("ok", "ja", "si", "no", a postcode).
MIN_LETTERS = 6
# Scripts written without spaces pack a word into a character or two: fewer of them suffice.
MIN_CJK = 3
# A typed turn the current language already made sense of switches only on a near-certain guess
# (names, addresses and product words from other languages are common in any call).
SURE = 0.9
# An unserved language ends the conversation as it was: it takes a sentence, not a name or two.
UNSERVED_WORDS = 3
# Stages whose answers are details (an email, a postcode, an address, a number, a city): names and
# addresses from other languages are normal there, so no turn in them changes the call's language.
DETAIL_STAGES = frozenset({Stage.AWAIT_CONTACT, Stage.AWAIT_ADDRESS, Stage.AWAIT_CALLBACK_NUMBER,
                           Stage.AWAIT_TIME_ZONE})


class LanguageGuessLike(Protocol):
    """What ``intents.languages.identify_text`` returns (``LanguageGuess``)."""

    @property
    def language(self) -> str: ...

    @property
    def confidence(self) -> float: ...

    @property
    def served(self) -> bool: ...


@dataclass(frozen=True)
class LanguageChoice:
    """The call's language after this turn; ``unserved`` names a caller language the line lacks."""

    language: str
    unserved: str | None = None
    switched: bool = False


def _cjk(ch: str) -> bool:
    code = ord(ch)
    return 0x3040 <= code <= 0x30FF or 0x3400 <= code <= 0x9FFF or 0xAC00 <= code <= 0xD7AF


def telling(text: str, words: int = 2) -> bool:
    """True when ``text`` has enough words (at least ``words``) to identify its language at all."""
    letters = [ch for ch in text if ch.isalpha()]
    if sum(1 for ch in letters if _cjk(ch)) >= MIN_CJK + words - 2:
        return True
    worded = [w for w in text.split() if any(c.isalpha() for c in w)]
    return len(letters) >= MIN_LETTERS and len(worded) >= words


def numeric(text: str, digits: int) -> bool:
    """True when the turn is mostly a number said in words ("five five oh one eight", "one two oh
    nine four"): at least one digit read for every two words. Identifiers mistake such strings for
    other languages; a caller switching language says more than a number."""
    words = [w for w in text.split() if any(c.isalpha() for c in w)]
    return digits >= 3 and 2 * digits >= len(words)


def choose(
    current: str,
    served: tuple[str, ...],
    text: str,
    spoken: str | None = None,
    guess: LanguageGuessLike | None = None,
    min_confidence: float = 0.6,
    understood_here: bool = False,
    digits: int = 0,
) -> LanguageChoice:
    """The call's language after a turn of ``text``: ``spoken`` is the channel's language for the turn
    (voice), else ``guess`` is the text identifier's answer (or None when there is none).
    ``understood_here``: the turn made sense in the current language (an intent was recognised);
    ``digits``: how many digits the current language's understanding read in it."""
    if not telling(text) or numeric(text, digits):
        return LanguageChoice(current)
    needed = max(min_confidence, SURE) if understood_here else min_confidence
    if spoken is not None:
        heard = spoken
    elif guess is not None and guess.confidence >= needed:
        heard = guess.language
    else:
        return LanguageChoice(current)
    if heard == current:
        return LanguageChoice(current)
    if heard in served:
        return LanguageChoice(heard, switched=True)
    if not telling(text, UNSERVED_WORDS):
        return LanguageChoice(current)
    return LanguageChoice(current, unserved=heard)
