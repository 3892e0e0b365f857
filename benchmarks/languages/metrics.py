"""Scoring for the language benchmark (pure): normalised word/character error rate, digits heard."""

from __future__ import annotations

import re
import unicodedata

from intents.i18n.spoken import DIGIT_WORDS

# Whisper sometimes writes digit words ("eins null vier") instead of "104"; both count as the
# digits the caller said: the words the replies use (intents.i18n.spoken).
# Characters-based scoring for languages written without spaces
CHARACTER_LANGUAGES = frozenset({"ja", "zh"})
_KANJI_DIGITS = str.maketrans("〇零一二三四五六七八九", "00123456789")


def _digit_map(language: str) -> dict[str, str]:
    words = DIGIT_WORDS.get(language, ())
    mapping = {w: str(i) for i, w in enumerate(words)}
    if language == "en":
        mapping["oh"] = "0"
    return mapping


def words(text: str, language: str) -> list[str]:
    """Lower-case words without punctuation; digit words as digits; a run of digits as one token
    ("1 0 4 5 2", "104 52", "10.452" and "10452" all become "10452")."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = re.sub(r"(?<=\d)[.,\s-](?=\d)", "", text)
    tokens = re.findall(r"[\w']+", text)
    mapping = _digit_map(language)
    out: list[str] = []
    for tok in tokens:
        tok = mapping.get(tok, tok)
        if tok.isdigit() and out and out[-1].isdigit():
            out[-1] += tok
        else:
            out.append(tok)
    return out


def characters(text: str) -> list[str]:
    """The characters that carry meaning (no spaces or punctuation; digits normalised)."""
    text = unicodedata.normalize("NFKC", text).translate(_KANJI_DIGITS)
    return [ch for ch in text if ch.isalnum()]


def _edits(ref: list[str], hyp: list[str]) -> int:
    prev = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        cur = [i]
        for j, h in enumerate(hyp, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (r != h)))
        prev = cur
    return prev[-1]


def error_counts(reference: str, hypothesis: str, language: str) -> tuple[int, int]:
    """(edits, reference length) in words, or in characters for Japanese and Chinese."""
    if language in CHARACTER_LANGUAGES:
        ref, hyp = characters(reference), characters(hypothesis)
    else:
        ref, hyp = words(reference, language), words(hypothesis, language)
    return _edits(ref, hyp), len(ref)


def digits_heard(hypothesis: str, language: str) -> str:
    """Every digit the transcript holds, in order (digit words and kanji digits included)."""
    if language in CHARACTER_LANGUAGES:
        return "".join(ch for ch in characters(hypothesis) if ch.isdigit())
    return "".join(tok for tok in words(hypothesis, language) if tok.isdigit())


def captured(expected_digits: str, hypothesis: str, language: str) -> bool:
    return bool(expected_digits) and expected_digits in digits_heard(hypothesis, language)
