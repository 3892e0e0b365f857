"""Backchannels and fillers in the served languages: sounds a caller makes while the agent talks
that do not take the floor ("uh-huh", "ja genau", "d'accord", "vale", "sì", "はい").

Pure: used by the floor controller (``pipeline.interruption.real_words``) on the words Whisper
hears during a pause. The language of a burst is not known that early (Whisper's language ID needs
more than a "ja"), so a phrase is a backchannel when it is one in *any* language here. Collisions
are harmless by construction: every entry is an acknowledgement, a thanks, a filler or a courtesy
tail in each language it could be read in; a word that means something in any language (no, nein,
non, ja-but-with-more) never is one, and a burst with a single real word still takes the floor.

Japanese (and Chinese) transcripts have no spaces: a run of CJK characters is a backchannel when
it is made of known pieces end to end (「はいはい」「うんそうですね」).
"""

from __future__ import annotations

import re

_BY_LANGUAGE: dict[str, frozenset[str]] = {
    "en": frozenset({
        "uh-huh", "uh huh", "uhhuh", "mm-hmm", "mm hmm", "mmhmm", "mhm", "mm", "hmm", "hm", "okay", "ok",
        "right", "yeah", "yes", "yep", "yup", "sure", "alright", "all right", "i see", "got it", "cool",
        "uh", "um", "ah", "oh", "huh", "mmm", "aha", "ha", "oh okay", "okay okay", "right right",
        "yeah yeah", "yes yes", "uh-hum", "uh hum", "mm-mm", "thanks", "thank you", "thank you so much",
        "great", "perfect", "lovely", "ok thanks", "okay thanks", "okay thank you",
        # a courtesy tail after a question the agent already answers ("...a replacement? Please.")
        "please", "yes please", "thanks please",
    }),
    "de": frozenset({
        "ja", "jaja", "ja ja", "genau", "okay", "ok", "gut", "alles klar", "klar", "stimmt", "richtig",
        "aha", "ach so", "achso", "mhm", "hm", "äh", "ähm", "ja genau", "ja gut", "ja okay", "ja klar",
        "super", "prima", "perfekt", "danke", "danke schön", "dankeschön", "bitte", "ja bitte",
        "verstehe", "ich verstehe", "in ordnung", "na gut",
    }),
    "fr": frozenset({
        "oui", "ouais", "oui oui", "d'accord", "d accord", "ok", "bien sûr", "oui bien sûr", "okay",
        "bien", "très bien", "parfait",
        "entendu", "exactement", "voilà", "ah bon", "ah", "euh", "hum", "mhm", "merci", "merci beaucoup",
        "oui merci", "oui d'accord", "d'accord merci", "je vois", "bon", "super", "s'il vous plaît",
        "oui s'il vous plaît", "tout à fait",
    }),
    "es": frozenset({
        "sí", "si", "sí sí", "si si", "vale", "vale vale", "claro", "ya", "bueno", "perfecto",
        "de acuerdo", "exacto", "exactamente", "entiendo", "ajá", "aja", "eh", "este", "mhm", "ok",
        "okay", "gracias", "muchas gracias", "sí gracias", "vale gracias", "por favor", "sí por favor",
        "ah", "ya veo", "genial", "muy bien", "bien",
    }),
    "it": frozenset({
        "sì", "si", "sì sì", "si si", "certo", "va bene", "ok", "okay", "esatto", "perfetto",
        "d'accordo", "d accordo", "grazie", "grazie mille", "capito", "ho capito", "ah", "eh", "ehm",
        "mhm", "già", "bene", "benissimo", "sì grazie", "per favore", "sì per favore", "certo certo",
        "giusto", "ecco",
    }),
}
# Japanese pieces: a run of them end to end is a backchannel (no spaces to split words on).
_CJK_PIECES = tuple(sorted((
    "はい", "ええ", "うん", "ああ", "あー", "えー", "えっと", "あの", "そうですね", "そうです", "そう",
    "ですね", "なるほど", "わかりました", "分かりました", "了解です", "了解", "承知しました",
    "かしこまりました", "ありがとうございます", "ありがとう", "お願いします", "どうも", "ね", "ん",
    "好的", "对", "嗯", "谢谢",
), key=len, reverse=True))  # longest first: "そうですね" before "そう"
_CJK_RUN = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff66-\uff9f]+")
ALL = frozenset().union(*_BY_LANGUAGE.values())
_LONGEST = max(len(p.split()) for p in ALL)

# Whisper writes non-speech as "(coughing)", "[knocking]", "*cough*", or music notes.
_NON_SPEECH = re.compile(r"[\(\[\*♪][^\)\]\*♪]*[\)\]\*♪]?")
_PUNCT = re.compile(r"[^\w\s'-]")
# Whisper spells fillers many ways ("uh-fuh", "mm-hm", "uh-hum", "mhmm", "ähm", "euh", "ehm"): a
# single token made of a filler syllable and a short hyphenated tail is still no word.
_FILLER_TOKEN = re.compile(r"^(?:u+h*|u+m+|m+h*m*|h+m+|a+h+|o+h+|ä+h*m*|e+u+h+|e+h+m*)(?:-[a-z]{1,4})?$")


def _is_cjk_backchannel(token: str) -> bool:
    rest = token
    while rest:
        piece = next((p for p in _CJK_PIECES if rest.startswith(p)), None)
        if piece is None:
            return False
        rest = rest[len(piece):]
    return True


def real_words(text: str) -> list[str]:
    """The words of ``text`` that carry meaning: no sound tags, no fillers or backchannels of any
    language here. Known phrases go first, longest first ("alles klar", "va bene", "thank you"),
    then single words."""
    cleaned = _PUNCT.sub(" ", _NON_SPEECH.sub(" ", text.lower().replace("’", "'")))
    words = cleaned.split()
    out: list[str] = []
    at = 0
    while at < len(words):
        span = next((n for n in range(min(_LONGEST, len(words) - at), 0, -1)
                     if " ".join(words[at:at + n]) in ALL), 0)
        if span:
            at += span
            continue
        w = words[at]
        if w.strip("-'") and not _FILLER_TOKEN.match(w) and not (_CJK_RUN.fullmatch(w)
                                                                  and _is_cjk_backchannel(w)):
            out.append(w)
        at += 1
    return out


def is_backchannel(text: str) -> bool:
    """Whether ``text`` holds sound but no real word (a backchannel, a filler, a noise tag)."""
    return not real_words(text)
