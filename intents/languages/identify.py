"""Text language identification: langid's bundled model plus the writing system.

langid is restricted to a broad set of languages (not just the served ones) so that a caller
writing Portuguese or Polish is recognised as such and offered a callback, instead of being forced
into the nearest served language. Its probabilities are renormalised over that set.

Evidence from a few words is weak: a bare number, "ok", "Maria Garcia" or "no" are shared across
languages, so the confidence is scaled down by how much text there is; a caller's call keeps its
language on such turns. A script used by one language only (kana, hangul) is decisive even when
short: "はい" cannot be anything but Japanese.

langid alone is unreliable on a short sentence ("Llámenme más tarde, por favor" comes out Hungarian,
"My package went missing after delivery" Danish). The languages the line understands have a
vocabulary here (their glossaries, and for English the words those glossaries translate into), so
words only one of them knows are evidence for it: each known word adds ``_LEXICON_WEIGHT`` divided
by the number of languages that know it to that language's log-score, on top of langid's.
"""

from __future__ import annotations

import math
import re
import unicodedata
from functools import lru_cache
from typing import Any

import yaml

from intents.languages.types import LanguageGuess

# Served languages plus the ones callers of a European shop most often speak otherwise.
CANDIDATES = (
    "en", "de", "fr", "es", "it", "ja", "pt", "nl", "pl", "ru", "uk", "tr", "sv", "da", "no", "fi",
    "cs", "el", "hu", "ro", "ar", "zh", "ko", "hi", "vi",
)  # fmt: skip
_FULL_EVIDENCE_LETTERS = 24  # from about four ordinary words on, langid's posterior stands as it is
_MIN_WORDS = 3  # fewer words than this is never a confident identification in a Latin script
_SHORT_CAP = 0.45  # below the default min_confidence (0.6): a short turn keeps the call's language
_KANA = re.compile(r"[\u3040-\u30ff]")
_HANGUL = re.compile(r"[\uac00-\ud7af\u1100-\u11ff]")
_HAN = re.compile(r"[\u4e00-\u9fff]")
_WORD = re.compile(r"[^\W\d_]+")
_LEXICON_WEIGHT = 1.5
_DISAGREEMENT_CAP = 0.5
_COVERED = 0.5  # share of a turn's words one vocabulary knows
_LEXICON_LANGUAGES = ("de", "fr", "es", "it")  # Latin-script languages with a glossary (plus English)


@lru_cache(maxsize=1)
def _identifier() -> Any:
    from langid.langid import LanguageIdentifier, model  # a 2 MB model: loaded on first use only

    identifier = LanguageIdentifier.from_modelstring(model, norm_probs=True)
    identifier.set_languages(list(CANDIDATES))
    return identifier


@lru_cache(maxsize=1)
def _vocabularies() -> dict[str, frozenset[str]]:
    """Folded words each language's glossary and number table know; English: the glossaries' targets."""
    from intents.languages.gloss import _DIR
    from intents.languages.normalise import fold
    from intents.languages.numbers import number_table
    from intents.spoken.tokens import NUMBER_WORDS

    vocab: dict[str, set[str]] = {"en": set(NUMBER_WORDS)}
    for language in _LEXICON_LANGUAGES:
        raw = yaml.load((_DIR / f"{language}.yaml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader) or {}
        words = {w for key in raw for w in fold(str(key), language).replace("-", " ").split() if "*" not in w}
        words |= {w for key in number_table(language) for w in key}
        vocab[language] = words
        vocab["en"] |= {w for value in raw.values() for w in str(value).split() if w.isalpha()}
    return {k: frozenset(v) for k, v in vocab.items()}


def _lexicon_scores(words: list[str]) -> tuple[dict[str, float], float]:
    """Each vocabulary language's share of the distinctive words, and the best plain coverage."""
    from intents.languages.normalise import fold

    vocab = _vocabularies()
    scores = dict.fromkeys(vocab, 0.0)
    known_by = dict.fromkeys(vocab, 0)
    for word in words:
        # English words are folded like French ones: lower case, no accents
        knowing = [lang for lang, known in vocab.items()
                   if fold(word, "fr" if lang == "en" else lang) in known]
        for lang in knowing:
            scores[lang] += 1.0 / len(knowing)
            known_by[lang] += 1
    return scores, max(known_by.values()) / max(1, len(words))


def _blend(text: str, words: list[str]) -> tuple[str, float]:
    """langid's ranking over the candidates with the vocabulary evidence added, renormalised.

    When the vocabulary overrules langid's own first choice the two disagree, and the answer is
    capped below a confident identification: Portuguese "Onde está a minha encomenda?" shares enough
    words with Spanish to win it, but not to switch a call.
    """
    ranked = _identifier().rank(text.lower())
    lexicon, coverage = _lexicon_scores(words)
    logits = {lang: math.log(max(float(p), 1e-9)) + _LEXICON_WEIGHT * lexicon.get(lang, 0.0)
              for lang, p in ranked}
    top = max(logits.values())
    total = sum(math.exp(v - top) for v in logits.values())
    best = max(logits, key=lambda k: logits[k])
    posterior = 1.0 / total
    if best != ranked[0][0]:
        posterior = min(posterior, _DISAGREEMENT_CAP)
    if best not in lexicon and coverage >= _COVERED:
        # "Llámenme más tarde, por favor" is Hungarian to langid, but Spanish knows most of its words:
        # a language without a vocabulary here is not claimed over one that reads the turn.
        posterior = min(posterior, _DISAGREEMENT_CAP)
    return best, posterior


def _letters(text: str) -> int:
    return sum(1 for c in text if unicodedata.category(c).startswith("L"))


def _script_guess(text: str) -> tuple[str, float] | None:
    """A language that the writing system alone gives away, and how sure it is."""
    letters = max(1, _letters(text))
    kana = len(_KANA.findall(text))
    if kana and (kana + len(_HAN.findall(text))) / letters > 0.3:
        return "ja", 0.95 if kana >= 2 else 0.8
    if _HANGUL.search(text) and len(_HANGUL.findall(text)) / letters > 0.3:
        return "ko", 0.95
    return None


def identify_text(text: str, served: tuple[str, ...]) -> LanguageGuess:
    """The most likely language of ``text`` over :data:`CANDIDATES`, and whether it is served.

    With too little text to tell (digits only, one or two words, a name) the confidence is low
    (below 0.5) and the first served language is returned when nothing is known at all.
    """
    default = served[0] if served else "en"
    script = _script_guess(text)
    if script is not None:
        return LanguageGuess(script[0], script[1], script[0] in served)
    words = _WORD.findall(text)
    letters = sum(len(w) for w in words)
    han = len(_HAN.findall(text))
    if han and han / max(1, letters) > 0.5:
        # Chinese (no kana) has no spaces: a character carries about a word's evidence
        words, letters = list(_HAN.findall(text)), han * 3
    if not words:
        return LanguageGuess(default, 0.0, default in served)
    language, probability = _blend(text, [w.lower() for w in words])
    evidence = min(1.0, letters / _FULL_EVIDENCE_LETTERS)
    confidence = float(probability) * evidence
    if len(words) < _MIN_WORDS:
        confidence = min(confidence, _SHORT_CAP)
    return LanguageGuess(str(language), round(confidence, 3), language in served)
