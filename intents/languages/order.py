"""English word order for glossed text: where "not" goes, adjectives after nouns, and word senses.

A word-by-word gloss keeps the caller's word order, but the English phrase rules read order:
"wrong item", "has not arrived", "not turn on". Three mechanisms put the glossed words the English
way, whatever the sentence:

* negation: French "ne V pas" leaves a marker where "ne" was; Spanish/Italian "no/non" precede the
  verb; German "nicht" ends the clause. English puts "not" after an auxiliary ("is not", "has not
  arrived") and before any other verb ("not turn on", "not work").
* adjectives that follow their noun in Romance languages ("artículo equivocado", "persona vera")
  move before it ("wrong item", "real person").
* "change" (cambiar, cambiare, changer, tauschen) means exchange when its object is a thing, and
  change when it is an address, an order or a date.
"""

from __future__ import annotations

NEG_MARK = "<neg>"  # the gloss of French "ne": where the verb group starts
AUXILIARIES = frozenset({"is", "are", "was", "were", "am", "has", "have", "had", "will", "can", "could",
                         "would", "should", "must", "do", "does", "did", "been", "be"})
_POSTPOSED = frozenset({"wrong", "different", "new", "real", "another", "correct", "right", "other",
                        "completely different", "broken", "damaged", "old"})
_FUNCTION = frozenset({"the", "a", "an", "is", "are", "was", "not", "no", "it", "this", "that", "my",
                       "your", "and", "or", "but", "of", "to", "in", "on", "at", "for", "with", "me", "i",
                       "very", "so", "too", "has", "have", "be", "been", "really", "totally", "just"})
_CLITICS = frozenset({"", "me", "you", "us", "it", "them", "the"})  # pronouns between "no" and its verb
_CHANGE_OBJECTS = frozenset({"address", "order", "date", "time", "day", "delivery", "mind", "number",
                             "email", "phone", "name", "appointment"})
_CLAUSE_END = frozenset({",", ".", "and", "but", "or", "!", "?"})
_CHANGE_REACH = 3


def place_negation(words: list[str], language: str) -> list[str]:
    """Move "not" where English says it (see the module docstring)."""
    out = list(words)
    if language == "fr":
        out = _french(out)
    elif language in ("es", "it"):
        out = _preverbal(out)
    elif language == "de":
        out = _clause_final(out)
    return [w for w in out if w != NEG_MARK]


def _french(words: list[str]) -> list[str]:
    out = list(words)
    i = 0
    while i < len(out):
        if out[i] != NEG_MARK:
            i += 1
            continue
        # the negative word ("pas" -> not, "jamais" -> never, "rien" -> nothing) within four words
        j = next((k for k in range(i + 1, min(len(out), i + 5))
                  if out[k] in ("not", "never", "no longer", "nothing", "nobody")), None)
        if j is None:
            out[i] = ""
            i += 1
            continue
        neg = out.pop(j)
        out[i] = ""
        verb = next((k for k in range(i + 1, j) if out[k] not in _CLITICS), None)
        if verb is None:
            out.insert(i + 1, neg)
        elif out[verb] in AUXILIARIES:
            out.insert(verb + 1, neg)
        else:
            out.insert(verb, neg)
        i += 1
    return [w for w in out if w]


def _preverbal(words: list[str]) -> list[str]:
    out = list(words)
    for i in range(len(out) - 1):
        if out[i] != "not":
            continue
        k = i + 1
        while k < len(out) and out[k] in _CLITICS - {""} and k - i <= 2:
            k += 1
        if k < len(out) and out[k] in AUXILIARIES:
            out[i:k + 1] = [out[k], "not", *out[i + 1:k]]
    return out


def _clause_final(words: list[str]) -> list[str]:
    out = list(words)
    for i in range(1, len(out)):
        if out[i] != "not" or (i + 1 < len(out) and out[i + 1] not in _CLAUSE_END):
            continue
        if out[i - 1] not in AUXILIARIES and out[i - 1] not in _FUNCTION:
            out[i - 1], out[i] = out[i], out[i - 1]
    return out


def prepose_adjectives(words: list[str]) -> list[str]:
    """ "item wrong" -> "wrong item" (Romance languages): an adjective after a content word."""
    out = list(words)
    for i in range(1, len(out)):
        if out[i] in _POSTPOSED and out[i - 1] not in _FUNCTION and out[i - 1] not in _POSTPOSED \
                and not out[i - 1].isdigit():
            out[i - 1], out[i] = out[i], out[i - 1]
    return out


def change_sense(words: list[str]) -> list[str]:
    """ "change" + a thing -> "exchange"; + an address, order, date ... stays "change"."""
    out = list(words)
    for i, w in enumerate(out):
        if w == "change":
            # the object follows in French, Spanish, Italian and comes before in German ("Adresse ändern")
            before = [a for a in out[:i] if a.isalnum() and a not in _FUNCTION][-_CHANGE_REACH:]
            after = [a for a in out[i + 1:] if a.isalnum() and a not in _FUNCTION][:_CHANGE_REACH]
            things = before + after
            if things and not _CHANGE_OBJECTS.intersection(things):
                out[i] = "exchange"
    return out


_RESEND_OBJECTS = frozenset({"another", "new"})


def resend_sense(words: list[str]) -> list[str]:
    """ "send back" + another/new one -> "send": renvoyer, rispedire, reenviar mean sending again too.

    The object may come after pronouns ("renvoyez-m'en une autre", "send back me in an another").
    """
    out = list(words)
    i = 0
    while i < len(out) - 1:
        if out[i] == "send" and out[i + 1] == "back":
            after = [a for a in out[i + 2:] if a.isalnum() and a not in _FUNCTION][:_CHANGE_REACH]
            if _RESEND_OBJECTS.intersection(after):
                del out[i + 1]
        i += 1
    return out

