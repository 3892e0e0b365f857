"""The language benchmark's corpus: what callers say, per language, and who says it.

Sentences a caller of an after-sales line says (the problem, an order number, a postcode, an
email, yes, no, a colleague), written idiomatically per language, each with the intent the
understanding should find. Numbers are written as digits and spaced the way callers group them
("1 0 4 5 2", "104 52", "10452"): espeak-ng and Kokoro then read them the local way ("eins null
vier...", "cent quatre, cinquante-deux", "いちまん..."), and the reference stays the digits the
dialogue needs. Values come from a seeded generator per clip key: deterministic, yet different
for every clip, so nothing can be tuned to one number.

Voices: espeak-ng variants at several speeds and pitches (Japanese: Kokoro voices); some are
**held out** (never looked at while tuning). Unserved languages (pt, nl, pl, zh, ru) only say
openers: they test that an unserved caller is recognised as such.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

SERVED = ("en", "de", "fr", "es", "it", "ja")
UNSERVED = ("pt", "nl", "pl", "zh", "ru")


@dataclass(frozen=True)
class Voice:
    key: str
    engine: str  # espeak | kokoro
    name: str  # espeak-ng voice+variant, or a Kokoro voice
    speed: float  # espeak-ng words per minute, or Kokoro's speed factor
    pitch: int  # espeak-ng -p (ignored by Kokoro)
    split: str  # dev | heldout


@dataclass(frozen=True)
class Template:
    key: str
    intent: str  # intents.types.Intent value the understanding should find ("other": data only)
    text: str  # with {order} / {postcode} slots
    opener: bool = False  # a first utterance (problem statement)


@dataclass(frozen=True)
class Item:
    key: str
    language: str
    voice: Voice
    template: Template
    text: str  # what the voice reads (numbers spaced as the caller groups them)
    reference: str  # what was said, numbers as plain digits
    digits: str  # the identifier's digits the transcript should contain ("" if none)
    condition: str  # clean | phone (8 kHz u-law line)

    @property
    def split(self) -> str:
        return self.voice.split


def _espeak_voices(code: str) -> tuple[Voice, ...]:
    # the same five variants for every espeak language: three to tune on, two held out
    return (
        Voice(f"{code}-m", "espeak", code, 150, 50, "dev"),
        Voice(f"{code}-f2", "espeak", f"{code}+f2", 165, 65, "dev"),
        Voice(f"{code}-m3", "espeak", f"{code}+m3", 135, 40, "dev"),
        Voice(f"{code}-f4", "espeak", f"{code}+f4", 175, 55, "heldout"),
        Voice(f"{code}-m6", "espeak", f"{code}+m6", 145, 35, "heldout"),
    )


VOICES: dict[str, tuple[Voice, ...]] = {
    **{code: _espeak_voices(code) for code in ("de", "fr", "es", "it", "pt", "nl", "pl", "ru")},
    "en": (Voice("en-us-m", "espeak", "en-us", 160, 50, "dev"),
           Voice("en-gb-f4", "espeak", "en-gb+f4", 150, 60, "heldout")),
    "zh": (Voice("zh-m", "espeak", "cmn", 150, 50, "dev"),
           Voice("zh-f2", "espeak", "cmn+f2", 160, 60, "heldout")),
    # Kokoro is ~0.8x real time on 2 cores: few Japanese clips, cached after the first run
    "ja": (Voice("ja-alpha", "kokoro", "jf_alpha", 1.0, 0, "dev"),
           Voice("ja-kumo", "kokoro", "jm_kumo", 1.1, 0, "heldout")),
}

T = Template
TEMPLATES: dict[str, tuple[Template, ...]] = {
    "en": (
        T("stuck", "customs_delay", "Hello, my parcel has been stuck at customs for a week now.", True),
        T("damaged", "damaged_item", "Hi, the lamp I ordered arrived broken, the glass is cracked.", True),
        T("order", "other", "My order number is {order}."),
        T("yes", "affirm", "Yes, that's right."),
    ),
    "de": (
        T("stuck", "customs_delay", "Guten Tag, mein Paket hängt seit einer Woche beim Zoll fest.", True),
        T("missing", "delivered_not_received",
          "Hallo, laut Sendungsverfolgung wurde mein Paket zugestellt, aber ich habe nichts bekommen.", True),
        T("damaged", "damaged_item", "Die Lampe ist kaputt angekommen, das Glas ist zerbrochen.", True),
        T("wrong", "wrong_item", "Ich habe die falsche Größe bekommen, bestellt hatte ich Größe M.", True),
        T("cancel", "cancel_order", "Ich möchte meine Bestellung bitte stornieren."),
        T("order", "other", "Meine Bestellnummer ist {order}."),
        T("postcode", "other", "Die Postleitzahl ist {postcode}."),
        T("yes", "affirm", "Ja, genau, das stimmt."),
        T("no", "deny", "Nein, das ist nicht richtig."),
        T("human", "human_agent", "Kann ich bitte mit einem Mitarbeiter sprechen?"),
    ),
    "fr": (
        T("stuck", "customs_delay", "Bonjour, mon colis est bloqué à la douane depuis une semaine.", True),
        T("missing", "delivered_not_received",
          "Bonjour, le suivi dit que mon colis a été livré, mais je n'ai rien reçu.", True),
        T("damaged", "damaged_item", "La lampe est arrivée cassée, le verre est brisé.", True),
        T("wrong", "wrong_item", "J'ai reçu la mauvaise taille, j'avais commandé une taille M.", True),
        T("cancel", "cancel_order", "Je voudrais annuler ma commande, s'il vous plaît."),
        T("order", "other", "Mon numéro de commande est le {order}."),
        T("postcode", "other", "Le code postal, c'est {postcode}."),
        T("yes", "affirm", "Oui, d'accord, c'est bien ça."),
        T("no", "deny", "Non, ce n'est pas ça."),
        T("human", "human_agent", "Est-ce que je peux parler à un conseiller, s'il vous plaît ?"),
    ),
    "es": (
        T("stuck", "customs_delay", "Hola, mi paquete lleva una semana retenido en la aduana.", True),
        T("missing", "delivered_not_received",
          "Buenas, el seguimiento dice que mi paquete fue entregado, pero no he recibido nada.", True),
        T("damaged", "damaged_item", "La lámpara llegó rota, el cristal está roto.", True),
        T("wrong", "wrong_item", "Me han enviado la talla equivocada, yo pedí una talla M.", True),
        T("cancel", "cancel_order", "Quiero cancelar mi pedido, por favor."),
        T("order", "other", "Mi número de pedido es el {order}."),
        T("postcode", "other", "El código postal es {postcode}."),
        T("yes", "affirm", "Sí, vale, eso es."),
        T("no", "deny", "No, no es correcto."),
        T("human", "human_agent", "¿Puedo hablar con una persona, por favor?"),
    ),
    "it": (
        T("stuck", "customs_delay", "Buongiorno, il mio pacco è fermo in dogana da una settimana.", True),
        T("missing", "delivered_not_received",
          "Salve, il tracciamento dice che il pacco è stato consegnato, ma non ho ricevuto niente.", True),
        T("damaged", "damaged_item", "La lampada è arrivata rotta, il vetro è in frantumi.", True),
        T("wrong", "wrong_item", "Ho ricevuto la taglia sbagliata, avevo ordinato una taglia M.", True),
        T("cancel", "cancel_order", "Vorrei annullare il mio ordine, per favore."),
        T("order", "other", "Il mio numero d'ordine è {order}."),
        T("postcode", "other", "Il codice postale è {postcode}."),
        T("yes", "affirm", "Sì, esatto, va bene."),
        T("no", "deny", "No, non è giusto."),
        T("human", "human_agent", "Posso parlare con un operatore, per favore?"),
    ),
    "ja": (
        T("stuck", "customs_delay", "もしもし、荷物が一週間も税関で止まっています。", True),
        T("missing", "delivered_not_received", "配達済みになっているのに、荷物が届いていません。", True),
        T("damaged", "damaged_item", "届いたランプが壊れていて、ガラスが割れていました。", True),
        T("cancel", "cancel_order", "注文をキャンセルしたいのですが。"),
        T("order", "other", "注文番号は{order}です。"),
        T("yes", "affirm", "はい、そうです。"),
        T("no", "deny", "いいえ、違います。"),
        T("human", "human_agent", "担当の方と話せますか。"),
    ),
    "pt": (
        T("stuck", "customs_delay",
          "Bom dia, a minha encomenda está parada na alfândega há uma semana.", True),
        T("damaged", "damaged_item", "Olá, o candeeiro chegou partido e o vidro está rachado.", True),
    ),
    "nl": (
        T("stuck", "customs_delay", "Goedemiddag, mijn pakket zit al een week vast bij de douane.", True),
        T("damaged", "damaged_item", "Hallo, de lamp die ik bestelde is kapot aangekomen.", True),
    ),
    "pl": (
        T("stuck", "customs_delay", "Dzień dobry, moja paczka od tygodnia stoi na cle.", True),
        T("damaged", "damaged_item", "Dzień dobry, lampa przyszła zepsuta, szkło jest pęknięte.", True),
    ),
    "zh": (
        T("stuck", "customs_delay", "你好，我的包裹在海关已经被扣了一个星期了。", True),
        T("damaged", "damaged_item", "你好，我买的台灯到的时候已经坏了。", True),
    ),
    "ru": (
        T("stuck", "customs_delay", "Здравствуйте, моя посылка уже неделю стоит на таможне.", True),
        T("damaged", "damaged_item", "Добрый день, лампа пришла разбитой, стекло треснуло.", True),
    ),
}

POSTCODE_DIGITS = {"de": 5, "fr": 5, "es": 5, "it": 5}


def _seed(key: str) -> int:
    return zlib.crc32(key.encode())


def _number(key: str, length: int) -> str:
    seed = _seed(key)
    digits = [str(1 + seed % 9)]  # no leading zero: callers and stores agree on those
    for i in range(1, length):
        digits.append(str((seed >> (3 * i)) % 10))
    return "".join(digits)


def _grouped(digits: str, key: str, language: str) -> str:
    """The digits spaced as a caller groups them: one by one, in pairs/triples, or whole."""
    if language in ("ja", "zh"):
        return digits  # read as one number the local way
    style = _seed("style-" + key) % 3
    if style == 0:
        return " ".join(digits)
    if style == 1:  # "104 52": a hundred and something, then pairs
        head, rest = digits[:3], digits[3:]
        return " ".join([head, *(rest[i:i + 2] for i in range(0, len(rest), 2))])
    return digits


def build_corpus() -> list[Item]:
    items = []
    for language, templates in TEMPLATES.items():
        for voice in VOICES[language]:
            for t in templates:
                key = f"{voice.key}-{t.key}"
                digits = ""
                slot = ""
                if "{order}" in t.text:
                    digits = _number(key, 5)
                    slot = "order"
                elif "{postcode}" in t.text:
                    digits = _number(key, POSTCODE_DIGITS.get(language, 5))
                    slot = "postcode"
                spoken = _grouped(digits, key, language) if digits else ""
                text = t.text.format(**{slot: spoken}) if slot else t.text
                reference = t.text.format(**{slot: digits}) if slot else t.text
                condition = "phone" if _seed("line-" + key) % 3 == 0 else "clean"
                items.append(Item(key, language, voice, t, text, reference, digits, condition))
    return items


def split_items(items: list[Item], split: str) -> list[Item]:
    return items if split == "all" else [it for it in items if it.split == split]
