"""What callers say in the other served languages (de, fr, es, it, ja) for the few things the policy
reads from the words themselves, in context: which remedy they picked, a callback asked for, a
dispute or anger. The English patterns stay where they are (:mod:`intents.policy.common`,
:mod:`intents.policy.repair`); these are searched as well, whatever the call's language, because a
caller's words don't always follow the language the call was identified in. Pure.

Word boundaries (``\\b``) are only used around alphabetic words; Japanese has none between words.
"""

from __future__ import annotations

import re

_I = re.IGNORECASE

REFUND = re.compile(
    r"\b(r[üu]ckerstattung|erstattung|erstatten|geld zur[üu]ck|mein geld"  # de
    r"|rembours\w*|mon argent"  # fr
    r"|reembols\w*|devoluci[óo]n del dinero|mi dinero"  # es
    r"|rimbors\w*|i miei soldi|soldi indietro)\b"  # it
    r"|返金|払い戻し",  # ja
    _I,
)
RESHIP = re.compile(
    r"\b(ersatz\w*|austausch\w*|umtausch\w*|neu(es|en)? (schicken|senden)|nochmal (schicken|senden)"
    r"|erneut (schicken|senden)"  # de
    r"|remplacement|remplacer|renvoyer|un nouveau|une nouvelle"  # fr
    r"|reemplazo|reemplazar|sustituci[óo]n|otro nuevo|uno nuevo|reenviar|volver a enviar"  # es
    r"|sostituzione|sostituire|rispedire|uno nuovo|un altro)\b"  # it
    r"|交換|再送|代わりのもの|新しいもの",  # ja
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
