"""Split reply text into clauses for streaming synthesis, in any of the served languages.

Piper yields one chunk per sentence, so the first audio waits for the whole first sentence. A
short first clause reaches the ear sooner: we split at sentence ends and also at commas,
semicolons and dashes once a clause has enough words to sound natural on its own.

Per language, the rules are of a few kinds rather than a list of sentences:
- Sentence ends: ``. ! ? …`` followed by a space, and the full-width ``。 ！ ？`` of Japanese and
  Chinese, which need no space. A full stop after an abbreviation of the language ("Nr.", "Mme.",
  "Sra.", "Sig."), after a single letter ("z. B.", "p. ej.") or, in languages writing ordinals
  with a dot ("am 3. Dezember"), after a one- or two-digit number, ends nothing.
- Soft breaks: ``, ; :`` and dashes followed by a space, and ``、 ， ； ：`` (no space). French
  puts a space *before* ``? ! : ;``: the mark stays with its clause.
- A Spanish question or exclamation opened by ``¿``/``¡`` is never cut before its closing mark:
  the voice would lose the question's intonation.
- Words are counted as whitespace tokens; CJK text has no spaces, so two characters count as
  one word (the average length of a Japanese word in kana and kanji).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

CJK_CHARS = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f\uac00-\ud7af"
_CJK_CHAR = re.compile(f"[{CJK_CHARS}]")
_CLOSERS = "\"'»”’)\\]」』）"
_SENTENCE_END = re.compile(rf"[.!?…]+[{_CLOSERS}]*(?=\s|$)|[。！？]+[{_CLOSERS}]*")
_SOFT_BREAK = re.compile(r"(?<=[,;:])\s+|\s+[-–—]\s+|(?<=[、，；：])\s*")

# Abbreviations that end with a full stop but not a sentence (lower case, without the final dot).
_ABBREVIATIONS: dict[str, frozenset[str]] = {
    "en": frozenset({"mr", "mrs", "ms", "dr", "st", "vs", "etc", "e.g", "i.e", "approx", "nr"}),
    "de": frozenset({"nr", "str", "bzw", "z.b", "usw", "ca", "dr", "hr", "fr", "evtl", "ggf", "inkl",
                     "zzgl", "d.h", "u.a", "tel", "bzgl", "abs", "mwst", "vgl"}),
    "fr": frozenset({"m", "mme", "mlle", "dr", "n°", "env", "cf", "etc", "p.ex", "tél", "av", "bd",
                     "réf"}),
    "es": frozenset({"sr", "sra", "srta", "ud", "uds", "dr", "dra", "núm", "n.º", "nº", "pág", "p.ej",
                     "aprox", "etc", "tel", "av", "c.p", "ref"}),
    "it": frozenset({"sig", "sig.ra", "sigg", "dott", "dr", "n", "num", "ecc", "es", "tel", "ca", "p.es",
                     "rif", "pag"}),
}
# Languages that write ordinal numbers with a full stop ("3." = third).
_DOT_ORDINALS = frozenset({"de", "da", "nb", "no", "fi", "cs", "sk", "pl", "hu", "tr", "sl", "hr", "sr",
                           "et", "lv", "is"})


@dataclass(frozen=True)
class Clause:
    text: str
    start: int  # character offset of ``text`` in the reply
    end: int  # exclusive


def word_count(text: str) -> int:
    """Words in ``text``: whitespace tokens, with a run of CJK characters worth one per two."""
    count = 0
    for token in text.split():
        cjk = len(_CJK_CHAR.findall(token))
        rest = _CJK_CHAR.sub("", token)
        count += (cjk + 1) // 2 + (1 if any(c.isalnum() for c in rest) else 0)
    return count


def split_clauses(reply: str, min_words: int = 3, language: str = "en") -> list[Clause]:
    """Cut ``reply`` into clauses that cover it in order (whitespace between them is dropped).

    A soft break (comma, semicolon, colon, dash) only ends a clause that already holds at least
    ``min_words`` words, so "Yes, I can" stays whole while "I've checked your parcel, and ..." splits.
    ``language`` (ISO 639-1) selects the abbreviations and the ordinal rule; punctuation of every
    script is understood whatever the language.
    """
    clauses: list[Clause] = []
    for s_start, s_end in _sentences(reply, language):
        s_text = reply[s_start:s_end]
        piece_start = 0
        for brk in _SOFT_BREAK.finditer(s_text):
            if brk.end() >= len(s_text) or brk.start() <= piece_start:
                continue
            piece = s_text[piece_start:brk.start()]
            rest = s_text[brk.end():]
            if (word_count(piece) >= min_words and word_count(rest) >= 2
                    and not _inside_inverted(s_text, brk.start())):
                clauses.append(_clause(reply, s_start + piece_start, s_start + brk.start()))
                piece_start = brk.end()
        clauses.append(_clause(reply, s_start + piece_start, s_end))
    return [c for c in clauses if c.text]


def _sentences(reply: str, language: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    start = 0
    for end in _SENTENCE_END.finditer(reply):
        if end.group(0).startswith(".") and _not_an_end(reply, end.start(), end.end(), language):
            continue
        if reply[start:end.end()].strip():
            spans.append((start, end.end()))
        start = end.end()
    if reply[start:].strip():
        spans.append((start, len(reply)))
    return spans


def _not_an_end(reply: str, dot: int, after: int, language: str) -> bool:
    """Whether the full stop at ``dot`` closes an abbreviation, an initial or an ordinal."""
    if not reply[after:].strip():
        return False  # the reply's last mark always ends it
    word_start = dot
    while word_start > 0 and not reply[word_start - 1].isspace():
        word_start -= 1
    word = reply[word_start:dot].lower().lstrip("(\"'«¿¡")
    if not word:
        return False
    if len(word) == 1 and word.isalpha():
        return True
    if word in _ABBREVIATIONS.get(language, frozenset()):
        return True
    return language in _DOT_ORDINALS and word.isdigit() and len(word) <= 2


def _inside_inverted(sentence: str, at: int) -> bool:
    """Whether ``at`` lies inside a ¿…? or ¡…! that is still open there."""
    before = sentence[:at]
    return before.count("¿") > before.count("?") or before.count("¡") > before.count("!")


def _clause(reply: str, start: int, end: int) -> Clause:
    while start < end and reply[start].isspace():
        start += 1
    while end > start and reply[end - 1].isspace():
        end -= 1
    return Clause(reply[start:end], start, end)


def _is_boundary(reply: str, i: int) -> bool:
    """Whether a cut at ``i`` falls between two words: at a space, or beside a CJK character
    (Japanese has no spaces; each character is the smallest unit a listener could have heard)."""
    if i <= 0:
        return True
    if i >= len(reply):
        return reply[i - 1].isspace()
    left, right = reply[i - 1], reply[i]
    return left.isspace() or right.isspace() or bool(_CJK_CHAR.match(left) or _CJK_CHAR.match(right))


def heard_prefix(reply: str, clause: Clause, fraction_played: float) -> str:
    """The reply text a caller heard when cut ``fraction_played`` (0..1) into ``clause``'s audio.

    Speech time is roughly proportional to characters within a clause; the cut snaps back to the
    last whole word, because a half-heard word was not understood.
    """
    fraction = min(max(fraction_played, 0.0), 1.0)
    if fraction >= 0.999:
        return reply[: clause.end]
    cut = clause.start + int(len(clause.text) * fraction)
    # back to the end of the last complete word before the cut
    while cut > clause.start and not _is_boundary(reply, cut):
        cut -= 1
    return reply[:cut].rstrip(" ,;:-、，")
