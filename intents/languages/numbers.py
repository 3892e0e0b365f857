"""Numbers said the local way, turned into numerals before the English entity parser reads them.

The tables are not phrase lists: they are the inverse of ``num2words(n, lang=...)`` for 0-999 (the
numbers callers dictate ids, postcodes and phone numbers in), in every spelling a transcript may
use (with and without hyphens, accents, "ein" before "hundert"). "doble cinco", "double cinq",
"doppio cinque", "doppel fünf" repeat the digit after them. Japanese digits come from the same
tables in kanji and kana readings, plus kanji numerals read positionally ("九十七", "一〇四五二").
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from num2words import num2words

from intents.languages.normalise import fold

_MAX_WORDS = 6  # "quatre vingt dix sept" is four words; "ciento veinte y tres" five
# Words a table holds that are also common ordinary words ("un colis", "sei sicuro"): numbers only
# when another number is next to them.
_AMBIGUOUS = {
    "de": frozenset({"ein", "eine"}), "fr": frozenset({"un", "une", "neuf"}),
    "es": frozenset({"un", "una", "uno"}), "it": frozenset({"un", "una", "uno", "sei"}),
}  # fmt: skip
_EXTRA = {  # spellings num2words does not produce but transcripts do
    "de": {"zwo": 2, "ein": 1, "eine": 1, "null": 0},
    "fr": {"une": 1},
    "es": {"una": 1, "cien": 100},
    "it": {"un": 1, "una": 1},
}  # fmt: skip
_REPEATS = {
    "de": {"doppel": 2, "doppelt": 2, "zweimal": 2, "dreifach": 3, "dreimal": 3},
    "fr": {"double": 2, "triple": 3},
    "es": {"doble": 2, "triple": 3},
    "it": {"doppio": 2, "doppia": 2, "triplo": 3, "tripla": 3},
}  # fmt: skip
# Numbers of five digits said whole ("zehntausendvierhundertzweiundfünfzig", "diez mil cuatrocientos
# cincuenta y dos"): a number below a thousand, the thousands word, another below a thousand.
_THOUSANDS = {"de": ("tausend",), "fr": ("mille", "mil"), "es": ("mil",), "it": ("mila", "mille")}
# A thousand alone is 1000 (Brussels' postcode "mille"), except in the idioms where it only means
# "many" ("grazie mille", "mille mercis", "mil gracias", "tausend Dank", "mille fois"). Italian "mila"
# is only ever a plural (and a name), never 1000 alone.
_THOUSAND_IDIOMS = {
    "de": frozenset({"dank", "danke", "mal"}), "fr": frozenset({"merci", "mercis", "fois", "excuses"}),
    "es": frozenset({"gracias", "veces", "disculpas", "perdones"}),
    "it": frozenset({"grazie", "volte", "scuse"}),
}  # fmt: skip
_KANJI_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
                 "八": 8, "九": 9}  # fmt: skip
_KANJI_SCALES = {"十": 10, "百": 100, "千": 1000}
_KANJI_MAN = "万"
_KANJI_RUN = re.compile(r"[〇零一二三四五六七八九十百千万]+")
# Kana digit readings (from num2words' readings) are ordinary syllables too ("に", "ご"): only a run
# of two or more is a dictated number.
_JA_ZERO = ("ゼロ", "ぜろ", "れい", "まる", "マル")


def _variants(words: str, language: str) -> set[str]:
    out = {words, words.replace("-", " "), words.replace("-", "")}
    if language == "de" and words.startswith("einhundert"):
        out |= {w[3:] for w in list(out)}  # "hundertfünfzehn" as often as "einhundertfünfzehn"
    if language == "fr":
        out |= {w.replace(" et ", " ") for w in list(out)}  # "vingt un"
    return {fold(v, language) for v in out}


@lru_cache(maxsize=8)
def number_table(language: str) -> dict[tuple[str, ...], int]:
    """Every spelling of 0-999 in ``language`` as a tuple of folded words -> its value."""
    table: dict[tuple[str, ...], int] = {}
    for n in range(1000):
        for variant in _variants(num2words(n, lang=language), language):
            table.setdefault(tuple(variant.split()), n)
    if language == "it":
        # num2words elides ("centodicotto"); callers and Whisper often do not ("centodiciotto").
        for n in range(101, 1000):
            if n % 100:
                joined = num2words(n - n % 100, lang="it") + num2words(n % 100, lang="it")
                table.setdefault((fold(joined, language),), n)
    for word, n in _EXTRA.get(language, {}).items():
        table.setdefault((fold(word, language),), n)
    return table


@lru_cache(maxsize=1)
def _kana_digits() -> dict[str, int]:
    table = {num2words(n, lang="ja", reading=True): n for n in range(10)}
    table.update({"し": 4, "しち": 7, "く": 9, "ご": 5, "に": 2, "ひと": 1, "ふた": 2})
    table.update(dict.fromkeys(_JA_ZERO, 0))
    katakana = {"".join(chr(ord(c) + 0x60) if "ぁ" <= c <= "ゖ" else c for c in k): v
                for k, v in table.items()}
    return {**table, **katakana}


def _kanji_value(run: str) -> str:
    """"一〇四五二" -> "10452" (digits read one by one); "九十七" -> "97" (positional)."""
    if not any(c in _KANJI_SCALES or c == _KANJI_MAN for c in run):
        return "".join(str(_KANJI_DIGITS[c]) for c in run)
    man = total = current = 0
    for c in run:
        if c in _KANJI_DIGITS:
            current = current * 10 + _KANJI_DIGITS[c]
        elif c == _KANJI_MAN:
            man, total, current = (total + current or 1) * 10000, 0, 0
        else:
            total += (current or 1) * _KANJI_SCALES[c]
            current = 0
    return str(man + total + current)


def japanese_numerals(text: str) -> str:
    """Kanji numerals and dictated kana digits as ASCII numerals, "の" between numbers as a space."""
    text = unicodedata.normalize("NFKC", text)
    text = _KANJI_RUN.sub(lambda m: f" {_kanji_value(m.group())} ", text)
    kana = _kana_digits()
    keys = sorted(kana, key=len, reverse=True)
    pattern = re.compile("(?:" + "|".join(map(re.escape, keys)) + ")")
    # A kana digit only inside a run of at least two (or next to a numeral).
    run = re.compile(rf"(?:{pattern.pattern}|\d+)(?:\s*(?:{pattern.pattern}|\d+))+")

    def spell(m: re.Match[str]) -> str:
        parts = re.findall(rf"\d+|{pattern.pattern}", m.group())
        return " " + " ".join(p if p.isdigit() else str(kana[p]) for p in parts) + " "

    text = run.sub(spell, text)
    text = re.sub(r"(?<=\d)\s*[のー−-]\s*(?=\d)", " ", text)
    return re.sub(r"[ \t]+", " ", text).strip()


def words_to_numerals(words: list[str], language: str) -> list[str]:
    """Replace the number words of a folded word list by numerals, longest spelling first.

    "eins null vier" -> ["1", "0", "4"]; "quatre vingt dix sept" -> ["97"]; "doble cinco" -> ["5", "5"].
    A word of ``_AMBIGUOUS`` ("un", "sei") is a number only next to another number.
    """
    table = number_table(language)
    repeats = {fold(k, language): v for k, v in _REPEATS.get(language, {}).items()}
    ambiguous = {fold(w, language) for w in _AMBIGUOUS.get(language, ())}
    thousands = _THOUSANDS.get(language, ())
    words = [part for w in words for part in _split_thousands(w, thousands, table)]
    spans: list[tuple[int, int, int]] = []  # (start, end, value)
    i = 0
    while i < len(words):
        for n in range(min(_MAX_WORDS, len(words) - i), 0, -1):
            value = table.get(tuple(words[i:i + n]))
            if value is not None:
                spans.append((i, i + n, value))
                i += n
                break
        else:
            i += 1
    spans = _with_thousands(spans, words, thousands, _THOUSAND_IDIOMS.get(language, frozenset()))
    out: list[str] = []
    by_start = {s: (e, v) for s, e, v in spans}
    numeric = {s for s, e, _ in spans} | {e - 1 for s, e, _ in spans}
    i = 0
    repeat = 1
    while i < len(words):
        if i in by_start:
            end, value = by_start[i]
            lone = end - i == 1 and words[i] in ambiguous
            neighbours = (i - 1 in numeric or end in by_start or words[i - 1 : i] and words[i - 1].isdigit()
                          or end < len(words) and words[end].isdigit() or repeat > 1)
            if lone and not neighbours:
                out.append(words[i])
            else:
                out.append(str(value) * repeat if value < 10 else str(value))
                repeat = 1
            i = end
            continue
        if words[i] in repeats and i + 1 in by_start:
            repeat = repeats[words[i]]
            i += 1
            continue
        out.append(words[i])
        i += 1
    return out


def _split_thousands(word: str, thousands: tuple[str, ...], table: dict[tuple[str, ...], int]) -> list[str]:
    """ "zehntausendvierhundert" -> ["zehn", "tausend", "vierhundert"] when both sides are numbers."""
    for t in thousands:
        at = word.find(t)
        if at < 0 or word == t:
            continue
        left, right = word[:at], word[at + len(t):]
        if (not left or (left,) in table) and (not right or (right,) in table):
            return [p for p in (left, t, right) if p]
    return [word]


def _with_thousands(spans: list[tuple[int, int, int]], words: list[str], thousands: tuple[str, ...],
                    idioms: frozenset[str] = frozenset()) -> list[tuple[int, int, int]]:
    """Merge "A thousand B", "thousand B" and "A thousand" into one number; "thousand" alone is 1000."""
    if not thousands:
        return spans
    by_start = {s: (e, v) for s, e, v in spans}
    out: list[tuple[int, int, int]] = []
    i = 0
    while i < len(words):
        head = by_start.get(i)
        if head is not None and head[0] < len(words) and words[head[0]] in thousands:
            tail = by_start.get(head[0] + 1)
            if tail is not None:
                out.append((i, tail[0], head[1] * 1000 + tail[1]))
                i = tail[0]
            else:
                out.append((i, head[0] + 1, head[1] * 1000))
                i = head[0] + 1
        elif head is None and words[i] in thousands and i + 1 in by_start:
            end, value = by_start[i + 1]
            out.append((i, end, 1000 + value))
            i = end
        elif (head is None and words[i] in thousands and words[i] != "mila"
              and not idioms & set(words[max(i - 1, 0):i + 2])):
            out.append((i, i + 1, 1000))
            i += 1
        elif head is not None:
            out.append((i, *head))
            i = head[0]
        else:
            i += 1
    return out
