"""Per-language spelling normalisation shared by the glossary, the number tables and the caller's text.

Keys and caller words go through the same :func:`fold`, so a transcript with or without accents,
umlauts written "ue" or "ü", or "ß" as "ss" meets the same entry. French and Italian elisions
("l'adresse", "dov'è", "n'est") are expanded to the full word so the glossary sees whole words.
"""

from __future__ import annotations

import re
import unicodedata

_GERMAN_DIGRAPHS = (("ae", "a"), ("oe", "o"), ("ue", "u"))
_ELISIONS = {
    # Elided function words and what they are before a vowel; closed classes of each language.
    "fr": {"l": "le", "d": "de", "j": "je", "n": "ne", "qu": "que", "c": "ce", "s": "se", "m": "me",
           "t": "te", "jusqu": "jusque", "lorsqu": "lorsque", "puisqu": "puisque"},
    "it": {"l": "lo", "d": "di", "dell": "dello", "all": "allo", "nell": "nello", "dall": "dallo",
           "sull": "sullo", "un": "una", "dov": "dove", "c": "ci", "com": "come", "quell": "quello",
           "m": "mi", "t": "ti", "s": "si", "cos": "cosa", "quest": "questo", "v": "vi", "n": "ne"},
}  # fmt: skip
_ELISION_RE = re.compile(r"\b([^\W\d_]{1,7})['’`´]")


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if not unicodedata.combining(c)))


def fold(text: str, language: str) -> str:
    """Lower case without accents; German umlauts and their "ae/oe/ue" spellings meet; "ß" is "ss"."""
    out = unicodedata.normalize("NFKC", text).lower()
    if language == "ja":
        return out
    out = out.replace("ß", "ss")
    out = strip_accents(out)
    if language == "de":
        for digraph, vowel in _GERMAN_DIGRAPHS:
            out = out.replace(digraph, vowel)
    return out


def expand_elisions(text: str, language: str) -> str:
    """ "l'adresse" -> "le adresse", "dov'è" -> "dove è" (lower-cased text)."""
    table = _ELISIONS.get(language)
    if not table:
        return text

    def full(m: re.Match[str]) -> str:
        word = m.group(1).lower()
        return table[word] + " " if word in table else m.group(0)

    return _ELISION_RE.sub(full, text)


_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


def email_spelling(word: str) -> str:
    """A dictated email word as addresses are written: "müller" -> "mueller", "andré" -> "andre"."""
    return strip_accents(word.lower().translate(_UMLAUTS))
