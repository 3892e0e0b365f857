"""Where each word of a synthesized clause ends in its audio, so ``heard_text`` is exact to the word.

Why: the heard text used to assume speech time proportional to characters over the whole clause
audio, trailing silence included. "Of course." cut 700 ms in (after the whole phrase had played)
was reported as "Of": the clause's audio ends in ~200 ms of silence, so 70 % of the samples was
70 % of the characters. Piper knows how many samples each phoneme got (its duration predictor);
espeak-ng's phonemes mark word boundaries with a space, so each word's last sample is known.
Where that is not available (the ``onnx`` package missing, or the phonemes do not split into the
text's words, e.g. "24876" read as several words), words share the *voiced* span of the audio in
proportion to their letters. Japanese (and Chinese, Korean) has no spaces: each character is a
word of its own, weighted by the morae it takes to say (a kanji ~2, a kana 1, a small kana
merging into the one before 0), so a cut lands on the last character the caller heard whatever
the engine (espeak-ng and Kokoro give no phoneme timing). Pure: numbers in, numbers out.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from pipeline.clauses import CJK_CHARS

# A CJK character with the punctuation that follows it, or a run of other non-space characters.
_WORD = re.compile(rf"[{CJK_CHARS}][^\s{CJK_CHARS}\w]*|[^\s{CJK_CHARS}]+")
_KANA = re.compile("[\u3040-\u30ff\uff66-\uff9f]")
_SMALL_KANA = frozenset("ゃゅょぁぃぅぇぉゎャュョァィゥェォヮ")
_PAUSE_MARK = re.compile(r"[,;:.!?…、。，；：！？][\"'»”’)\]」』）]*$")
_PAUSE_MIN_MS = 120  # shorter silences are stops inside words (espeak-ng's are < 60 ms)
_PUNCT_PHONEMES = frozenset(".,?!;:—–-…\"'()")
_BOS, _EOS = "^", "$"
_VOICED_LEVEL = 328  # -40 dBFS in int16, as the synthesizer's lead-in trim


@dataclass(frozen=True)
class WordMark:
    char_end: int  # offset in the clause text just after the word (punctuation included)
    sample_end: int  # the first sample after the word's sound, at the output rate


def text_words(text: str) -> list[tuple[int, int]]:
    """Character spans of the clause's words: whitespace-separated tokens, and each CJK character."""
    return [(m.start(), m.end()) for m in _WORD.finditer(text)]


def _phoneme_words(phonemes: Sequence[tuple[str, int]]) -> list[int]:
    """Cumulative sample where each spoken word ends, from (phoneme, samples) in order."""
    ends: list[int] = []
    at, in_word, word_end = 0, False, 0
    for ph, n in phonemes:
        if ph == " " or ph in (_BOS, _EOS) or ph in _PUNCT_PHONEMES:
            if in_word:
                ends.append(word_end)
                in_word = False
        else:
            in_word = True
            word_end = at + n
        at += n
    if in_word:
        ends.append(word_end)
    return ends


def marks_from_alignment(text: str, phonemes: Sequence[tuple[str, int]], rate_in_hz: int,
                         rate_out_hz: int, trimmed_out: int = 0) -> tuple[WordMark, ...] | None:
    """Word ends from Piper's phoneme alignment (``phonemes``: every sentence of the clause, in
    order, BOS/EOS included, samples at ``rate_in_hz``), moved to ``rate_out_hz`` and shifted by
    the ``trimmed_out`` samples cut from the start. None when phoneme words and text words differ
    in number (then no word can be placed with confidence)."""
    spans = text_words(text)
    ends = _phoneme_words(phonemes)
    if not spans or len(ends) != len(spans):
        return None
    scale = rate_out_hz / rate_in_hz
    return tuple(WordMark(end, max(0, round(e * scale) - trimmed_out))
                 for (_, end), e in zip(spans, ends, strict=True))


def marks_proportional(text: str, pcm: np.ndarray, rate_hz: int = 16_000) -> tuple[WordMark, ...]:
    """Word ends spread over the voiced part of ``pcm`` in proportion to each word's letters.

    Voices pause at punctuation (espeak-ng ~190 ms at a comma, ~380 ms at a full stop; Kokoro at
    、 and 。): when the audio has at least as many pauses as the text has words ending in a
    punctuation mark, the longest pauses are taken to be those, and each stretch of words shares
    only its own stretch of voice, so a pause is never counted as the next word being heard.
    """
    spans = text_words(text)
    if not spans:
        return ()
    loud = np.flatnonzero(np.abs(pcm.astype(np.int32)) > _VOICED_LEVEL)
    first, last = (int(loud[0]), int(loud[-1]) + 1) if len(loud) else (0, len(pcm))
    weights = [max(1, _spoken_weight(text[a:b])) for a, b in spans]
    breaks = [i for i, (a, b) in enumerate(spans[:-1]) if _PAUSE_MARK.search(text[a:b])]
    runs = [(first, last)]
    if breaks and len(loud):
        gaps = np.diff(loud)
        at = np.flatnonzero(gaps > rate_hz * _PAUSE_MIN_MS // 1000)
        if len(at) >= len(breaks):
            chosen = sorted(at[np.argsort(gaps[at])[::-1][:len(breaks)]])
            edges = [first, *(x for i in chosen for x in (int(loud[i]) + 1, int(loud[i + 1]))), last]
            runs = list(zip(edges[::2], edges[1::2], strict=True))
        else:
            breaks = []
    out: list[WordMark] = []
    group_starts = [0, *(b + 1 for b in breaks)]
    group_ends = [*(b + 1 for b in breaks), len(spans)]
    for (start, end), g0, g1 in zip(runs, group_starts, group_ends, strict=True):
        total, acc = float(sum(weights[g0:g1])), 0
        for (_, char_end), w in zip(spans[g0:g1], weights[g0:g1], strict=True):
            acc += w
            out.append(WordMark(char_end, start + round((end - start) * acc / total)))
    return tuple(out)


def _spoken_weight(word: str) -> int:
    """Roughly how long ``word`` takes to say, in letters (or morae for CJK characters)."""
    weight = 0
    for c in word:
        if c in _SMALL_KANA:
            continue
        if _KANA.match(c):
            weight += 1
        elif re.match(f"[{CJK_CHARS}]", c):
            weight += 2  # a kanji (or hanzi, hangul syllable) is usually read as two morae
        elif c.isalnum():
            weight += 1
    return weight


def heard_chars(marks: Sequence[WordMark], played_samples: int) -> int:
    """How many characters of the clause were heard: up to the last word whose sound has ended."""
    heard = 0
    for m in marks:
        if m.sample_end > played_samples:
            break
        heard = m.char_end
    return heard
