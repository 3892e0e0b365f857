"""The gloss layer: a caller's German, French, Spanish, Italian or Japanese as plain English words.

Offline there is no translator for text, and the understanding that matters here is narrow: which of
a dozen after-sales problems, yes or no, and the data the caller dictates. So each word or short
phrase is mapped to the English concept words that :mod:`intents.lexicon` and the phrase rules
already understand ("Paket" -> parcel, "kaputt" -> broken, "Geld zurück" -> money back), and the
English understanding reads the result. Words without an entry (names, the parts of an email) pass
through unchanged.

Glossary entries (``glossary/<lang>.yaml``) are folded like the caller's words (no accents, umlauts
meet their "ue" spellings). A key word ending in ``*`` matches every word starting with it, so one
entry covers a verb's inflections ("annul*": annuler, annulez, annulé, annulation). German
compounds are split on the fly: a word that starts with a known stem and ends in a known word
("Lieferadresse" = liefer* + adresse) is glossed part by part. Japanese is written without spaces:
it is segmented by longest match over the glossary, and a negative ending (ない, ません) after a
word puts "not" before its gloss, as English says it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from intents.languages.normalise import email_spelling, expand_elisions, fold
from intents.languages.numbers import japanese_numerals, words_to_numerals
from intents.languages.order import change_sense, place_negation, prepose_adjectives, resend_sense

GLOSSED_LANGUAGES = ("de", "fr", "es", "it", "ja")
_DIR = Path(__file__).parent / "glossary"
_WRITTEN_EMAIL = re.compile(r"[A-Za-z0-9][A-Za-z0-9._%+-]*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_TOKEN = re.compile(r"\x00\d+\x00|[^\W_]+|[@#+._,!?-]")
_PUNCT = frozenset(",!?")
_KEEP = "\x01"  # marks a word that is not glossed
# Spanish/Italian "no" is the answer "no" before a pause or another "no", else the "not" of a verb.
_ANSWER_NO = re.compile(r"\bno\b(?=\s*(?:[,.!?;:]|$|no\b|gracias\b|grazie\b|grazia\b))")
# Italian "è" (is) and "e" (and) meet once accents are folded: "è" is kept apart as "est".
_IT_IS = re.compile(r"(?<!\w)è(?!\w)")
_INNER_HYPHEN = re.compile(r"(?<=[^\W\d_])-(?=[^\W\d_])")
_LINKS = ("s", "es", "n", "en", "e", "")  # German linking elements between compound parts
_MIN_PART = 3
_JA_NEGATION = re.compile(r"[ぁ-ゖ]{0,5}?(?:ない|なかった|ません|ませんでした|ず|ねえ|ねー)[ぁ-ゖ]{0,4}")
_JA_CASE_PARTICLES = frozenset("がはをにのへとも")  # a noun before them, not a verb ending
_JA_NEGATIVE_WORDS = frozenset({"ない", "ないです", "ありません", "ません", "ませんでした", "なかった"})
_NEGATIVE = frozenset({"not", "no", "never", "nothing", "nobody"})
_JA_ASCII = re.compile(r"[A-Za-z0-9@._+\-]+")
_JA_KANA_RUN = re.compile(r"[ぁ-ゖー]+")


@dataclass(frozen=True)
class Entry:
    words: tuple[str, ...]  # folded; a word ending in "*" is a prefix
    gloss: str

    def match(self, words: list[str], i: int) -> bool:
        if i + len(self.words) > len(words):
            return False
        return all(w == k or (k.endswith("*") and w.startswith(k[:-1]))
                   for k, w in zip(self.words, words[i:], strict=False))

    @property
    def size(self) -> tuple[int, int]:
        return len(self.words), sum(len(k) for k in self.words)


@dataclass(frozen=True)
class Glossary:
    language: str
    by_first: dict[str, tuple[Entry, ...]]  # first word (prefix keys without "*") -> entries
    prefixes: tuple[str, ...]  # every starred first word without its "*", longest first
    ja_keys: dict[str, tuple[tuple[str, str], ...]]  # ja: first char -> (key, gloss), longest first
    by_initials: dict[str, tuple[str, ...]]  # prefixes by their first two letters (a word's lookup)

    def ja_keys_flat(self) -> tuple[tuple[str, str], ...]:
        return tuple(pair for pairs in self.ja_keys.values() for pair in pairs)

    def prefixes_of(self, word: str) -> tuple[str, ...]:
        return self.by_initials.get(word[:2], ())

    def entries_at(self, words: list[str], i: int) -> list[Entry]:
        word = words[i]
        found = list(self.by_first.get(word, ()))
        for p in self.prefixes_of(word):
            if word.startswith(p) and p != word:
                found.extend(self.by_first[p])
        return sorted((e for e in found if e.match(words, i)), key=lambda e: e.size, reverse=True)


@lru_cache(maxsize=8)
def load_glossary(language: str) -> Glossary:
    # BaseLoader: every key and value stays a string ("no", "ja", "on" are words here, not booleans).
    raw = yaml.load((_DIR / f"{language}.yaml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader) or {}
    by_first: dict[str, list[Entry]] = {}
    ja: dict[str, list[tuple[str, str]]] = {}
    for key, gloss in raw.items():
        text = "" if gloss is None else str(gloss)
        if language == "ja":
            k = fold(str(key), "ja")
            ja.setdefault(k[0], []).append((k, text))
            continue
        words = tuple(fold(expand_elisions(str(key).lower(), language), language).replace("-", " ").split())
        by_first.setdefault(words[0].rstrip("*"), []).append(Entry(words, text))
        if language in ("es", "it") and len(words) > 1 and words[-1] == "no":
            # a "no" that ends the turn is read as the answer "no" first (see _ANSWER_NO)
            by_first[words[0].rstrip("*")].append(Entry((*words[:-1], "noanswer"), text))
    prefixes = tuple(sorted({w for w, es in by_first.items() if any(e.words[0].endswith("*") for e in es)},
                            key=len, reverse=True))
    initials: dict[str, list[str]] = {}
    for p in prefixes:
        initials.setdefault(p[:2], []).append(p)
    return Glossary(
        language,
        {k: tuple(v) for k, v in by_first.items()},
        prefixes,
        {c: tuple(sorted(v, key=lambda kv: len(kv[0]), reverse=True)) for c, v in ja.items()},
        {k: tuple(v) for k, v in initials.items()},
    )


def _compound(word: str, glossary: Glossary, depth: int = 0) -> str | None:
    """A German compound glossed part by part: "lieferadresse" -> "delivery address"."""
    if depth > 2:
        return None
    for p in glossary.prefixes_of(word):
        if not word.startswith(p) or len(word) - len(p) < _MIN_PART:
            continue
        head = next((e for e in glossary.by_first[p] if len(e.words) == 1), None)
        if head is None:
            continue
        rest = word[len(p):]
        for link in _LINKS:
            tail = rest[len(link):] if rest.startswith(link) else None
            if not tail or len(tail) < _MIN_PART:
                continue
            tail_gloss = _single(tail, glossary, depth + 1)
            if tail_gloss is not None:
                return f"{head.gloss} {tail_gloss}".strip()
    return None


def _single(word: str, glossary: Glossary, depth: int = 0) -> str | None:
    return _single_cached(word, glossary.language, depth)


@lru_cache(maxsize=20000)
def _single_cached(word: str, language: str, depth: int) -> str | None:
    """One word's gloss (exact entry, German compound, or prefix entry); None when unknown."""
    glossary = load_glossary(language)
    entries = [e for e in glossary.entries_at([word], 0) if len(e.words) == 1]
    exact = [e for e in entries if e.words[0] == word]
    if exact:
        return exact[0].gloss
    if glossary.language == "de":
        split = _compound(word, glossary, depth)
        if split is not None:
            return split
    return entries[0].gloss if entries else None


def _email_words(words: list[str], glossary: Glossary) -> set[int]:
    """Positions of the name and domain words of a spoken email, which must not be glossed.

    "julie tiret blanc arobase yahoo point fr": "blanc" is a name here, not "white", and "fr" or "es" a
    domain, not a word; the connectors ("tiret", "point") are still glossed (dash, dot).
    """
    def gl(i: int) -> str | None:
        return _single(words[i], glossary) if 0 <= i < len(words) else None

    keep: set[int] = set()
    for a in (i for i in range(1, len(words) - 1) if gl(i) == "at"):
        j, domain = a + 1, {a + 1}
        while j + 2 < len(words) and gl(j + 1) == "dot" and words[j + 2].isalnum():
            domain |= {j + 2}
            j += 2
        if len(domain) < 2:
            continue
        local, k = {a - 1}, a - 1
        while k - 2 >= 0 and gl(k - 1) in ("dot", "dash", "underscore") and len(local) < 4:
            local |= {k - 2}
            k -= 2
        keep |= domain | local
    return keep


def _gloss_words(words: list[str], glossary: Glossary) -> list[str]:
    out: list[str] = []
    i = 0
    while i < len(words):
        word = words[i]
        if word.startswith(_KEEP):
            out.append(word.strip(_KEEP))  # a spoken email's name or domain, as the caller said it
            i += 1
            continue
        entries = glossary.entries_at(words, i)
        multi = [e for e in entries if len(e.words) > 1]
        if multi:
            out.append(multi[0].gloss)
            i += len(multi[0].words)
            continue
        single = _single(word, glossary) if not word.isdigit() else None
        out.append(word if single is None else single)
        i += 1
    return [w for w in out if w]


def _gloss_latin(text: str, language: str) -> str:
    emails: list[str] = []

    def keep(m: re.Match[str]) -> str:
        emails.append(m.group().lower())
        return f" \x00{len(emails) - 1}\x00 "

    text = _WRITTEN_EMAIL.sub(keep, text)
    text = expand_elisions(text.lower().replace("\u2019", "'"), language)
    text = _INNER_HYPHEN.sub(" ", text)
    if language in ("es", "it"):
        text = _ANSWER_NO.sub("noanswer", text)
    if language == "it":
        text = _IT_IS.sub("est", text)
    said = _TOKEN.findall(text)
    tokens = [fold(t, language) if "\x00" not in t else t for t in said]
    # The words of a spoken email keep their spelling ("mueller", not the folded "muller")
    for i in _email_words(tokens, load_glossary(language)):
        tokens[i] = f"{_KEEP}{email_spelling(said[i])}{_KEEP}"
    words = words_to_numerals(tokens, language)
    glossed = " ".join(_gloss_words(words, load_glossary(language))).split()
    glossed = place_negation(glossed, language)
    if language in ("fr", "es", "it"):
        glossed = prepose_adjectives(glossed)
    glossed = resend_sense(change_sense(glossed))
    if glossed[:2] == ["not", "no"]:
        glossed = glossed[1:]  # "no mejor no" -> "not no": the first "no" was the answer too
    return " ".join(emails[int(w.strip("\x00"))] if w.startswith("\x00") else w
                    for w in glossed if w not in _PUNCT)


def _segment_japanese(text: str, glossary: Glossary) -> list[tuple[str, str]]:
    """The segmentation over the glossary that leaves the fewest characters unknown, then the fewest
    pieces: (piece, gloss) pairs; an unknown character's gloss is "?", an ASCII run's is itself.

    Greedy longest match is fooled by particles: "商品はいつ" would read "はい" (yes) out of
    "は" + "いつ"; the particles are keys with an empty gloss, and the best cover reads them apart.
    """
    n = len(text)
    best: list[tuple[int, int]] = [(0, 0)] * (n + 1)
    step: list[tuple[int, str | None]] = [(1, None)] * (n + 1)
    options: list[tuple[tuple[int, int], tuple[int, str | None]]]
    for i in range(n - 1, -1, -1):
        ascii_run = _JA_ASCII.match(text, i) if text[i].isascii() else None
        if ascii_run is not None:
            length = ascii_run.end() - i
            best[i], step[i] = (best[i + length][0], best[i + length][1] + 1), (length, "")
            continue
        unknown = 0 if text[i].isspace() or not text[i].isalnum() else 1
        options = [((best[i + 1][0] + unknown, best[i + 1][1] + 1), (1, None))]
        for key, gl in glossary.ja_keys.get(text[i], ()):
            if text.startswith(key, i):
                after = best[i + len(key)]
                options.append(((after[0], after[1] + 1), (len(key), gl)))
        best[i], step[i] = min(options, key=lambda o: o[0])
    out: list[tuple[str, str]] = []
    i = 0
    while i < n:
        length, found = step[i]
        piece = text[i:i + length]
        if found is None:
            found = "?"
        out.append((piece, piece.lower() if found == "" and piece.isascii() else found))
        i += length
    return out


def _negated_at(pieces: list[tuple[str, str]], k: int) -> int:
    """How many pieces after ``k`` are its negative ending ("届" + "いていません", "届か" + "ない"), or 0.

    Only unknown kana (verb endings) may come between the word and the negation; a particle or any
    other word ends the search, so "人につないで" (connect me) is not "not person".
    """
    ending = ""
    for j in range(k + 1, len(pieces)):
        piece, gl = pieces[j]
        if piece in _JA_NEGATIVE_WORDS:
            return j - k
        if gl not in ("?", "") or piece in _JA_CASE_PARTICLES or not _JA_KANA_RUN.fullmatch(piece):
            return 0
        ending += piece
        if _JA_NEGATION.fullmatch(ending):
            return j - k
    return 0


@lru_cache(maxsize=1)
def _ja_words_with_digit_kana() -> re.Pattern[str] | None:
    """Glossary words that the numeral pass would break ("よろしく" holds し+く, 4 9; "一部" is "1部")."""
    keys = sorted((k for k, gl in load_glossary("ja").ja_keys_flat() if japanese_numerals(k) != k
                   and not any(ch.isdigit() for ch in gl)), key=len, reverse=True)
    return re.compile("|".join(map(re.escape, keys))) if keys else None


def _japanese_numerals_outside_words(text: str) -> str:
    words = _ja_words_with_digit_kana()
    if words is None:
        return japanese_numerals(text)
    out: list[str] = []
    last = 0
    for m in words.finditer(text):
        out += [japanese_numerals(text[last:m.start()]), m.group()]
        last = m.end()
    out.append(japanese_numerals(text[last:]))
    return " ".join(part for part in out if part)


def _gloss_japanese(text: str) -> str:
    text = _japanese_numerals_outside_words(fold(text, "ja"))
    pieces = _segment_japanese(text, load_glossary("ja"))
    out: list[str] = []
    k = 0
    while k < len(pieces):
        piece, gl = pieces[k]
        k += 1
        if gl in ("?", ""):
            continue
        if not piece.isascii() and gl.split()[0] not in _NEGATIVE:
            skip = _negated_at(pieces, k - 1)
            if skip:
                gl, k = f"not {gl}", k + skip
        out.append(gl)
    # Japanese predicates follow their subject ("サイズが違う": size wrong): the English order
    return " ".join(prepose_adjectives(" ".join(out).split()))


def gloss(text: str, language: str) -> str:
    """``text`` in ``language`` as the English words the understanding reads (unchanged for "en")."""
    if language not in GLOSSED_LANGUAGES:
        return text
    if language == "ja":
        return _gloss_japanese(text)
    return _gloss_latin(text, language)
