"""Email addresses, written ("maria_lopez@gmail.com") or spoken ("li dot wei at example dot com")."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from intents.spoken.tokens import NUMBER_WORDS, Token, tokenize, words_to_chunks

_WRITTEN_RE = re.compile(
    r"(?<![\w.+-])[A-Za-z0-9][A-Za-z0-9._%+-]*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"
)
_TLDS = frozenset({
    "com", "net", "org", "edu", "gov", "io", "co", "uk", "de", "es", "fr", "it", "nl", "be", "ch",
    "at", "pl", "pt", "ie", "se", "dk", "no", "fi", "us", "ca", "au", "cn", "jp", "info", "biz", "me",
    "eu", "mx", "br", "in", "ru", "hk", "tw", "sg", "nz", "ar", "cl", "za", "kr", "online", "shop",
    "store", "app", "dev",
})  # fmt: skip
# Providers Whisper tends to split into two words ("g mail", "hot mail").
_SPLIT_PROVIDERS = frozenset({"gmail", "hotmail", "outlook", "icloud", "yahoo", "protonmail", "googlemail"})
_CONNECTORS = {"dot": ".", ".": ".", "underscore": "_", "_": "_", "dash": "-", "hyphen": "-", "-": "-"}
# Words that end the local part when reading backwards from "at": "my email is john at ...".
_STOP = frozenset({
    "is", "it's", "its", "email", "mail", "address", "my", "the", "was", "me", "to", "at", "from",
    "and", "or", "it", "use", "try", "by", "send", "sent", "under", "uh", "um", "yes", "yeah", "no",
    "ok", "okay", "so", "please", "sorry", "that's", "thats", "i", "i'm", "im", "of", "on", "for",
    "be", "should", "would", "could", "can", "you", "your", "with", "account", "registered", "name",
    "actually", "write", "that", "this", "here", "there", "look", "check", "visit", "go", "see",
})  # fmt: skip
_MAX_LOCAL_WORDS = 6


@dataclass(frozen=True)
class FoundEmail:
    """An email address and the character span it was heard in."""

    value: str
    start: int
    end: int


def _domain(tokens: Sequence[Token], i: int) -> tuple[str, int] | None:
    """Read "example dot co dot uk" starting at token i; returns the domain and its last token index."""
    labels: list[str] = []
    j = i
    while j < len(tokens) and tokens[j].is_alnum:
        label, last = tokens[j].low, j
        if j + 1 < len(tokens) and label + tokens[j + 1].low in _SPLIT_PROVIDERS:
            label, last = label + tokens[j + 1].low, j + 1
        labels.append(label)
        k = last + 1
        if k + 1 < len(tokens) and tokens[k].low in ("dot", ".") and tokens[k + 1].is_alnum:
            j = k + 1
            continue
        if len(labels) >= 2 and labels[-1] in _TLDS:
            return ".".join(labels), last
        return None
    return None


def _local(tokens: Sequence[Token], at: int) -> tuple[str, int] | None:
    """Read the local part backwards from the "at" token; returns it and its first token index."""
    parts: list[str] = []
    words = 0
    j = at - 1
    while j >= 0 and words < _MAX_LOCAL_WORDS:
        tok = tokens[j]
        if tok.low in _CONNECTORS:
            if not parts or parts[-1] in _CONNECTORS.values():
                break
            parts.append(_CONNECTORS[tok.low])
        elif tok.is_alnum and (tok.low not in _STOP or _spelled(tokens, j, at)):
            # a spelled run ("I N E S") is one word, and its "I" or "A" is a letter, not a stop word
            if not (_spelled(tokens, j, at) and parts and len(parts[-1]) == 1 and parts[-1].isalnum()):
                words += 1
            parts.append(tok.low)
        else:
            break
        j -= 1
    while parts and parts[-1] in _CONNECTORS.values():
        parts.pop()  # a connector before the first word belongs to the sentence, not the address
    if not parts:
        return None
    return _join_local(list(reversed(parts))), at - len(parts)


def _spelled(tokens: Sequence[Token], j: int, at: int) -> bool:
    """Token ``j`` is one character of a spelled run: a lone letter or digit next to another one."""
    def single(k: int) -> bool:
        return 0 <= k < at and tokens[k].is_alnum and len(tokens[k].low) == 1
    return single(j) and (single(j - 1) or single(j + 1))


def _join_local(parts: list[str]) -> str:
    """Glue local-part words; spoken numbers become digits ("maria eighty five" -> "maria85")."""
    out: list[str] = []
    numbers: list[int] = []
    for part in parts:
        if part in NUMBER_WORDS:
            numbers.append(NUMBER_WORDS[part])
            continue
        out.extend(words_to_chunks(numbers))
        numbers = []
        out.append(part)
    out.extend(words_to_chunks(numbers))
    return "".join(out)


def _spoken(text: str) -> list[FoundEmail]:
    tokens = tokenize(text)
    found: list[FoundEmail] = []
    for i, tok in enumerate(tokens):
        if tok.low not in ("at", "@") or i == 0:
            continue
        start = i + 2 if i + 1 < len(tokens) and tokens[i + 1].low == "sign" else i + 1
        domain = _domain(tokens, start)
        local = _local(tokens, i)
        if domain is None or local is None:
            continue
        name, first = local
        found.append(FoundEmail(f"{name}@{domain[0]}", tokens[first].start, tokens[domain[1]].end))
    return found


def find_emails(text: str) -> list[FoundEmail]:
    """Email addresses in ``text`` in order of appearance, lower case."""
    written = [FoundEmail(m.group().lower(), m.start(), m.end()) for m in _WRITTEN_RE.finditer(text)]
    masked = text
    for email in written:
        masked = masked[: email.start] + " " * (email.end - email.start) + masked[email.end :]
    return sorted(written + _spoken(masked), key=lambda e: e.start)
