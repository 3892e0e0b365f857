"""What callers say in the other served languages (de, fr, es, it, ja) for the few things the policy
reads from the words themselves, in context: which remedy they picked, a callback asked for, a
dispute or anger. The English patterns stay where they are (:mod:`intents.policy.common`,
:mod:`intents.policy.repair`); these are searched as well, whatever the call's language, because a
caller's words don't always follow the language the call was identified in. Pure.

Word boundaries (``\\b``) are only used around alphabetic words; Japanese has none between words.
"""

from __future__ import annotations

import re
import unicodedata

_I = re.IGNORECASE


def _unaccented(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))


def has(pattern: re.Pattern[str], text: str) -> bool:
    """``pattern`` found in ``text`` as written or without accents ("Devuélvame" is "devuelvame")."""
    return bool(pattern.search(text) or pattern.search(_unaccented(text)))

# A remedy is read as a class, not a list of sentences: a refund word, or a money noun with a
# give-back verb ("das Geld zurück", "rendez-moi mon argent", "お金を返して"); a replacement word, or a
# send verb with new/another/again ("schicken Sie ein neues", "envoyez-m'en un autre", "もう一度送って").
_REFUND_STEM = (r"\b(r[üu]ckerstatt\w*|erstatt\w*|r[üu]ckzahl\w*|zur[üu]ckzahl\w*"
                r"|gutschrift|rembours\w*|reembols\w*|rimbors\w*)"
                r"|返金|払い戻")
_MONEY = r"(geld|betrag|kaufpreis|argent|dinero|soldi|denaro|お金|代金|金額)"
_GIVE_BACK = r"(zur[üu]ck|wieder|rend|r[ée]cup[ée]r|devolv|devuelv|recuper|indietro|restitu|返し|返して|戻し)"
REFUND = re.compile(
    rf"{_REFUND_STEM}|{_MONEY}.{{0,40}}{_GIVE_BACK}|{_GIVE_BACK}.{{0,40}}{_MONEY}",
    _I,
)
_RESHIP_STEM = (r"\b(ersatz\w*|\w*tausch\w*|[ée]change\w*|rempla\w*|reempla\w*|sustitu\w*|sostitu\w*"
                r"|cambi(en|ar|ate|are|ino|e)|reenv\w*|rispedi\w*|renvoy\w*)"
                r"|交換|再送|代わり")
_SEND = r"(schick|send|versend|envoy|envoi|envi|mand|sped|送っ|送り|送る)"  # envoi: "(r)envoie"
_NEW = (r"(neu|nouv|nuev|nuov|otro|autre|altro|noch einmal|nochmal|erneut|de nouveau|otra vez|vuelv\w* a"
        r"|volver a|di nuovo|もう一度|新しい)")
RESHIP = re.compile(
    rf"{_RESHIP_STEM}|{_SEND}.{{0,30}}{_NEW}|{_NEW}.{{0,30}}{_SEND}"
    rf"|\b(ein neues|einen neuen|un nouvel|uno nuevo|un nuovo|una nuova)\b",
    _I,
)
CALLBACK = re.compile(
    r"\b(zur[üu]ckrufen|r[üu]ckruf|rufen sie mich \w* ?an"  # de
    r"|rappeler|rappelez-moi|me rappelle[rz]?"  # fr
    r"|devolver la llamada|ll[áa]meme|llamarme|me llame"  # es
    r"|richiamare|richiamarmi|mi richiami)\b"  # it
    r"|折り返し|掛け直し|電話してください",  # ja
    _I,
)
ANGER = re.compile(
    r"\b(w[üu]tend|sauer|ver[äa]rgert|unversch[äa]mt|frechheit|inakzeptabel"  # de
    r"|en col[èe]re|furieux|furieuse|[ée]nerv[ée]e?|inacceptable|scandaleux"  # fr
    r"|enfadad[oa]|furios[oa]|hart[oa]|inaceptable|indignante"  # es
    r"|arrabbiat[oa]|stufo|stufa|inaccettabile|vergogna)\b"  # it
    r"|ひどい|怒って|最悪",  # ja
    _I,
)
DISPUTE = re.compile(
    r"\b(nicht fair|ungerecht|beschwer\w*|das ist (doch )?(falsch|l[äa]cherlich|ein witz)"  # de
    r"|pas juste|injuste|ridicule|plainte|r[ée]clamation"  # fr
    r"|no es justo|injust[oa]|rid[íi]culo|queja|reclamaci[óo]n|verg[üu]enza"  # es
    r"|non [èe] giusto|ingiust[oa]|ridicolo|reclamo)\b"  # it
    r"|納得できない|おかしい|苦情",  # ja
    _I,
)
