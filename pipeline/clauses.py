"""Split reply text into clauses for streaming synthesis.

Piper yields one chunk per sentence, so the first audio waits for the whole first sentence. A
short first clause reaches the ear sooner: we split at sentence ends and also at commas,
semicolons and dashes once a clause has enough words to sound natural on its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_SOFT_BREAK = re.compile(r"(?<=[,;:])\s+|\s+[-–—]\s+")


@dataclass(frozen=True)
class Clause:
    text: str
    start: int  # character offset of ``text`` in the reply
    end: int  # exclusive


def split_clauses(reply: str, min_words: int = 3) -> list[Clause]:
    """Cut ``reply`` into clauses that cover it in order (whitespace between them is dropped).

    A soft break (comma, semicolon, colon, dash) only ends a clause that already holds at least
    ``min_words`` words, so "Yes, I can" stays whole while "I've checked your parcel, and ..." splits.
    """
    clauses: list[Clause] = []
    for sentence_match in re.finditer(r"\S.*?(?:[.!?](?=\s|$)|$)", reply, flags=re.S):
        s_start, s_text = sentence_match.start(), sentence_match.group(0)
        if not s_text.strip():
            continue
        piece_start = 0
        for brk in _SOFT_BREAK.finditer(s_text):
            piece = s_text[piece_start:brk.start()]
            rest = s_text[brk.end():]
            if len(piece.split()) >= min_words and len(rest.split()) >= 2:
                clauses.append(_clause(reply, s_start + piece_start, s_start + brk.start()))
                piece_start = brk.end()
        clauses.append(_clause(reply, s_start + piece_start, s_start + len(s_text)))
    return [c for c in clauses if c.text]


def _clause(reply: str, start: int, end: int) -> Clause:
    while start < end and reply[start].isspace():
        start += 1
    while end > start and reply[end - 1].isspace():
        end -= 1
    return Clause(reply[start:end], start, end)


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
    def mid_word(i: int) -> bool:
        return not reply[i - 1].isspace() and (i >= len(reply) or not reply[i].isspace())

    while cut > clause.start and mid_word(cut):
        cut -= 1
    return reply[:cut].rstrip(" ,;:-")
