"""Short answers per language: backchannels for the interruption controller, and yes / no.

A backchannel ("mhm", "genau", "d'accord", "vale", "sì", "はい") tells the speaker to go on; it is not
a turn. :func:`is_backchannel` is true only when the whole utterance is made of such tokens, so
"ja, aber wo ist mein Paket?" is a real interruption. English ones count in every language: callers
mix them in ("okay", "mhm").
"""

from __future__ import annotations

import re

from intents.languages.normalise import expand_elisions, fold
from intents.types import Intent

_ENGLISH = (
    "yeah", "yes", "yep", "yup", "uh huh", "mhm", "mm", "mmm", "hmm", "mm hmm", "ok", "okay", "right",
    "sure", "i see", "got it", "alright", "all right", "exactly", "true", "cool", "fine", "oh", "ah",
    "uh", "um", "aha", "ja",
)  # fmt: skip
BACKCHANNELS: dict[str, tuple[str, ...]] = {
    "de": ("ja", "jaja", "jap", "genau", "aha", "ach so", "achso", "gut", "richtig", "stimmt", "klar",
           "na klar", "alles klar", "verstehe", "ich verstehe", "verstanden", "okay", "na gut", "hm",
           "mhm", "ah", "oh", "jo", "eben", "sicher", "natürlich", "prima", "super", "schön"),
    "fr": ("oui", "ouais", "d'accord", "daccord", "ok", "mhm", "ah", "ah bon", "je vois", "voilà", "voila",
           "exactement", "bien sûr", "entendu", "bon", "tout à fait", "effectivement", "oh", "hum", "euh",
           "très bien", "parfait", "c'est ça", "ah oui"),
    "es": ("sí", "si", "vale", "claro", "ya", "ajá", "aja", "mhm", "exacto", "bueno", "entiendo",
           "de acuerdo", "ah", "oh", "eh", "perfecto", "muy bien", "ya veo", "claro que sí", "bien", "venga",
           "eso", "vale vale"),
    "it": ("sì", "si", "certo", "va bene", "esatto", "ah", "mhm", "capito", "ho capito", "giusto", "già",
           "ecco", "bene", "perfetto", "d'accordo", "daccordo", "ok", "oh", "eh", "certamente", "infatti",
           "ah ecco", "sisi", "okay"),
    "ja": ("はい", "ええ", "うん", "ああ", "そうですね", "そうですか", "そうそう", "そう", "なるほど",
           "へえ", "へー", "ふーん", "ほう", "はいはい", "うんうん", "了解", "了解です", "わかりました",
           "分かりました", "ですね", "そうなんですね", "そうなんだ", "はあ"),
}  # fmt: skip
_YES = {
    "en": ("yes", "yeah", "yep", "yup", "sure", "correct", "right", "exactly", "okay", "ok", "of course"),
    "de": ("ja", "jawohl", "jap", "genau", "richtig", "stimmt", "korrekt", "klar", "natürlich", "sicher",
           "einverstanden", "gerne", "in ordnung", "passt", "okay", "ok", "jo", "selbstverständlich"),
    "fr": ("oui", "ouais", "d'accord", "daccord", "exactement", "absolument", "bien sûr", "tout à fait",
           "c'est ça", "volontiers", "ok", "okay", "entendu", "parfait", "voilà", "effectivement"),
    "es": ("sí", "si", "vale", "claro", "exacto", "correcto", "de acuerdo", "por supuesto", "perfecto",
           "ok", "okay", "eso es", "efectivamente", "venga", "dale"),
    "it": ("sì", "si", "certo", "va bene", "esatto", "giusto", "d'accordo", "daccordo", "certamente",
           "perfetto", "ok", "okay", "corretto", "volentieri", "sisi", "assolutamente"),
    "ja": ("はい", "ええ", "うん", "そうです", "そうですね", "その通り", "お願いします", "大丈夫", "了解",
           "わかりました", "分かりました", "結構です", "いいです", "いいですよ", "もちろん"),
}  # fmt: skip
_NO = {
    "en": ("no", "nope", "nah", "not really", "wrong", "incorrect", "absolutely not", "of course not",
           "certainly not", "definitely not"),
    "de": ("nein", "nee", "nö", "ne", "falsch", "stimmt nicht", "nicht", "keineswegs", "auf keinen fall",
           "eher nicht", "natürlich nicht", "sicher nicht", "bestimmt nicht", "gar nicht"),
    "fr": ("non", "pas du tout", "pas vraiment", "faux", "absolument pas", "jamais", "nan", "pas",
           "bien sûr que non", "certainement pas", "surtout pas", "sûrement pas"),
    "es": ("no", "para nada", "qué va", "que va", "falso", "nunca", "tampoco", "en absoluto", "claro que no",
           "por supuesto que no", "ni hablar", "de ninguna manera", "mejor no"),
    "it": ("no", "per niente", "affatto", "sbagliato", "mai", "macché", "nemmeno", "neanche",
           "assolutamente no", "certo che no", "ma no", "meglio di no", "per ora no"),
    "ja": ("いいえ", "いえ", "いや", "違います", "ちがいます", "違う", "ちがう", "そうじゃない",
           "ではありません", "じゃないです", "ううん", "結構です"),
}  # fmt: skip
_PUNCT = re.compile(r"[^\w\s']+")
_MAX_ANSWER_CHARS = 80


def _words(text: str, language: str) -> list[str]:
    low = expand_elisions(text.lower().replace("\u2019", "'"), language) if language == "it" else text.lower()
    return fold(_PUNCT.sub(" ", low.replace("\u2019", "'")), language).split()


def _covered(text: str, phrases: tuple[str, ...], language: str) -> tuple[bool, int]:
    """Whether ``text`` is nothing but ``phrases`` (greedy, longest first), and how many it used."""
    if language == "ja":
        rest = _PUNCT.sub("", re.sub(r"\s+", "", text))
        keys = sorted(phrases, key=len, reverse=True)
        used = 0
        while rest:
            key = next((k for k in keys if rest.startswith(k)), None)
            if key is None:
                return False, used
            rest, used = rest[len(key):], used + 1
        return used > 0, used
    words = _words(text, language)
    keys_split = sorted({tuple(_words(p, language)) for p in phrases}, key=len, reverse=True)
    i = used = 0
    while i < len(words):
        found = next((k for k in keys_split if k and tuple(words[i:i + len(k)]) == k), None)
        if found is None:
            return False, used
        i, used = i + len(found), used + 1
    return used > 0, used


def is_backchannel(text: str, language: str) -> bool:
    """Whether the whole utterance only acknowledges ("mhm", "ja genau", "d'accord", "はい")."""
    phrases = BACKCHANNELS.get(language, ()) + _ENGLISH
    ok, used = _covered(text, phrases, language)
    return ok and used <= 4


def _first_answer(text: str, language: str) -> bool | None:
    yes = _YES.get(language, ()) + _YES["en"]
    no = _NO.get(language, ()) + (_NO["en"] if language != "ja" else ())
    if language == "ja":
        flat = _PUNCT.sub("", text)
        # "違います" wins over a polite "はい" before it ("はい、違います" is rare); a no anywhere wins.
        if any(flat.startswith(n) or n in flat[:8] for n in no if n != "結構です"):
            return False
        return True if any(flat.startswith(y) for y in yes) else None
    words = _words(text, language)
    # The longest opening phrase decides: "assolutamente no", "claro que no" are a no although they
    # start with a yes word.
    for n in (4, 3, 2, 1):
        head = tuple(words[:n])
        if head in {tuple(_words(p, language)) for p in no}:
            return False
        if head in {tuple(_words(p, language)) for p in yes}:
            return True
    return None


def yes_no(text: str, language: str) -> bool | None:
    """True for a yes, False for a no, None when the turn is neither (a short answer only).

    The opening words decide ("ja, ...", "non, ..."); without one, the understanding's reading of
    the turn ("C'est bien ça", "Das passt so") does.
    """
    if len(text) > _MAX_ANSWER_CHARS:
        return None  # a long turn's opening "ja" is a filler; the understanding decides
    first = _first_answer(text, language)
    if first is not None:
        return first
    from intents.nlu import understand  # the understanding imports this package

    intent = understand(text, language).intent
    return True if intent is Intent.AFFIRM else False if intent is Intent.DENY else None
