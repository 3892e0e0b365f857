"""The caller's language from Whisper's language probabilities, and when a call switches (pure).

Whisper's language head scores 99 languages. On synthetic or telephone audio it often puts mass
on languages no caller of a shop speaks (Latin, Welsh, Yiddish: "la" won over German and
Spanish on espeak-ng clips here), so the probabilities are renormalised over the languages a
caller may plausibly speak: the served ones plus the common languages of European and Asian
callers (:data:`CALLER_LANGUAGES`, the languages the unserved message is written in). The best of
those is the guess, served or not, so an unserved language is still recognised.

:class:`LanguageTracker` holds one call's language: settled on the first utterance long enough to
judge (~1.5 s of audio), and switched later only by a confident guess of another language on an
utterance that long again (hysteresis: a short "ok" or "ja" never moves the call).
"""

from __future__ import annotations

import enum
import math
from collections.abc import Mapping
from dataclasses import dataclass

from intents.languages.types import LanguageGuess

# Languages callers of a European shop plausibly speak (ISO 639-1, Whisper's codes). A guess
# outside them is noise of the language head, not a caller; served languages are always added.
CALLER_LANGUAGES: frozenset[str] = frozenset({
    "en", "de", "fr", "es", "it", "ja", "pt", "nl", "pl", "zh", "ru", "uk", "tr", "ar", "ko",
    "sv", "da", "no", "fi", "cs", "el", "ro", "hu",
})


# The line's prior for a language it does not serve (see guess_from_probs); tuned on the dev split
# of benchmarks/languages only.
UNSERVED_WEIGHT = 1.0


def plausible(probs: Mapping[str, float], served: tuple[str, ...],
              unserved_weight: float = 1.0) -> dict[str, float]:
    """Whisper's probabilities over the plausible languages, renormalised ({} if none).

    ``unserved_weight`` is the line's prior: most callers of a line speak a language it serves,
    so an unserved language's probability is weighed by it (1: Whisper's own prior only)."""
    candidates = {lang: p * (1.0 if lang in served else unserved_weight)
                  for lang, p in probs.items() if lang in CALLER_LANGUAGES or lang in served}
    total = sum(candidates.values())
    return {lang: p / total for lang, p in candidates.items()} if total > 0.0 else {}


def _best(distribution: Mapping[str, float], served: tuple[str, ...]) -> LanguageGuess:
    if not distribution:
        return LanguageGuess(served[0], 0.0, True)
    best = max(distribution, key=lambda lang: distribution[lang])
    return LanguageGuess(best, distribution[best], best in served)


def guess_from_probs(probs: Mapping[str, float], served: tuple[str, ...],
                     unserved_weight: float = 1.0) -> LanguageGuess:
    """The best plausible language and its share of the plausible languages' probability."""
    return _best(plausible(probs, served, unserved_weight), served)


_FLOOR = 1e-4  # a language absent from an utterance's distribution: nearly, not wholly, excluded


def _combine(log_evidence: Mapping[str, float], distribution: Mapping[str, float]) -> dict[str, float]:
    """Add one utterance's distribution to summed log-probabilities (utterances independent)."""
    langs = set(log_evidence) | set(distribution)
    first = not log_evidence
    return {lang: (0.0 if first else log_evidence.get(lang, math.log(_FLOOR)))
            + math.log(max(distribution.get(lang, 0.0), _FLOOR)) for lang in langs}


def _posterior(log_evidence: Mapping[str, float]) -> dict[str, float]:
    top = max(log_evidence.values())
    weights = {lang: math.exp(v - top) for lang, v in log_evidence.items()}
    total = sum(weights.values())
    return {lang: w / total for lang, w in weights.items()}


@dataclass(frozen=True)
class LanguageParams:
    served: tuple[str, ...] = ("en",)
    min_confidence: float = 0.6  # settle the call's language at or above this
    switch_confidence: float = 0.8  # a settled call moves to another language at or above this
    # Shorter turns never settle nor switch the language. Turn audio holds ~0.5 s besides the words
    # (the 300 ms preroll, the VAD's hangover), so 2 s of it is ~1.5 s of speech.
    min_audio_ms: float = 2000.0
    unserved_weight: float = UNSERVED_WEIGHT  # the line's prior for unserved languages

    @property
    def default(self) -> str:
        return self.served[0]


class LanguageState(enum.Enum):
    UNSETTLED = "unsettled"  # no utterance long enough yet: the default language
    SETTLED = "settled"  # identified; changes only on a confident guess of another language


@dataclass(frozen=True)
class TurnLanguage:
    """What one final means for the call's language."""

    decode: str  # the language the turn is transcribed in
    dialogue: str | None  # passed to the dialogue: None when the voice cannot tell (text LID decides)


class LanguageTracker:
    """One call's language. Not thread-safe: use from the call's event loop only."""

    def __init__(self, params: LanguageParams, identifies: bool = True) -> None:
        """``identifies``: the recognizer has a language head (False for tiny.en: English only)."""
        self.params = params
        self.identifies = identifies
        self.state = LanguageState.UNSETTLED
        self.language = params.default
        # While unsettled: the summed log-probabilities of the utterances long enough to judge. A
        # caller the model is unsure of (0.45, then 0.5 for French) is settled by the two together.
        self._evidence: dict[str, float] = {}

    @property
    def served(self) -> tuple[str, ...]:
        return self.params.served

    def guess(self, probs: Mapping[str, float]) -> LanguageGuess:
        """The guess for Whisper's language probabilities of one utterance."""
        return guess_from_probs(probs, self.params.served, self.params.unserved_weight)

    def _with_evidence(self, guess: LanguageGuess, audio_ms: float,
                       probs: Mapping[str, float] | None) -> tuple[LanguageGuess, dict[str, float]]:
        """The call's guess once this utterance is added to the unsettled call's evidence."""
        if self.settled or probs is None or audio_ms < self.params.min_audio_ms:
            return guess, self._evidence
        distribution = plausible(probs, self.params.served, self.params.unserved_weight)
        if not distribution:
            return guess, self._evidence
        evidence = _combine(self._evidence, distribution)
        return _best(_posterior(evidence), self.params.served), evidence

    def _moves_to(self, guess: LanguageGuess, audio_ms: float) -> bool:
        if audio_ms < self.params.min_audio_ms or guess.language == self.language and self.settled:
            return False
        needed = (self.params.switch_confidence if self.settled else self.params.min_confidence)
        return guess.confidence >= needed

    def may_move(self, audio_ms: float) -> bool:
        """Whether an utterance this long can settle or switch the language (else its ID is moot)."""
        return audio_ms >= self.params.min_audio_ms

    @property
    def settled(self) -> bool:
        return self.state is LanguageState.SETTLED

    def pick(self, guess: LanguageGuess, audio_ms: float, probs: Mapping[str, float] | None = None) -> str:
        """The language to transcribe an utterance in, given its guess (and Whisper's
        probabilities); changes nothing."""
        call_guess, _ = self._with_evidence(guess, audio_ms, probs)
        if self._moves_to(call_guess, audio_ms):
            return call_guess.language
        if not self.settled and call_guess.served and self.may_move(audio_ms):
            # Unsure, but the likeliest served language is the best bet to decode in: speech in one
            # language decoded in the default is nonsense that the dialogue's text identifier then
            # reads confidently wrong (an Italian caller guessed at 0.38, decoded in English, came
            # out "Spanish" at 0.996). The dialogue is still told nothing (``_told``).
            return call_guess.language
        return self.language

    def on_final(self, guess: LanguageGuess | None, audio_ms: float,
                 probs: Mapping[str, float] | None = None) -> TurnLanguage:
        """Account one final; returns its decode language and what the dialogue is told."""
        if not self.identifies or guess is None:
            # No voice language ID (English-only model): the dialogue's text identification decides.
            return TurnLanguage(self.language, None if not self.identifies else self._told())
        call_guess, evidence = self._with_evidence(guess, audio_ms, probs)
        if self._moves_to(call_guess, audio_ms):
            self.language = call_guess.language
            self.state = LanguageState.SETTLED
            self._evidence = {}
        elif not self.settled:
            self._evidence = evidence
        return TurnLanguage(self.language, self._told())

    def _told(self) -> str | None:
        # Unsettled after a final: too short or too unsure to tell; the dialogue keeps its language
        # (or asks in the default and the likely one, from the words).
        return self.language if self.settled else None
