"""Concept evidence for :mod:`intents.nlu`: words anywhere in the turn, in any inflection.

The phrase rules of :mod:`intents.spoken.intents` read word order ("where is my order"); they miss
callers who ramble ("I bought a speaker from you and I don't really know where it is"), speak
non-native English ("my package not come yet") or put the key words far apart. Here each word is
reduced to a crude stem (``arrived``, ``arriving``, ``arrive`` -> ``arriv``; ``came`` -> ``come``) and
grouped into concepts (REFUND, WAIT, PARCEL, CALL, LATER, ...). A :class:`ConceptRule` is evidence for
an intent when all its concepts occur in the turn and none of its vetoes do. Concepts are written
as plain words and stemmed when compiled, so every inflection of a listed word matches.
"""

from __future__ import annotations

from dataclasses import dataclass

from intents.types import Intent

_IRREGULAR = {
    "came": "come", "got": "get", "gotten": "get", "sent": "send", "broke": "break", "broken": "break",
    "gave": "give", "given": "give", "paid": "pay", "took": "take", "taken": "take", "stole": "steal",
    "stolen": "steal", "left": "leave", "bought": "buy", "went": "go", "gone": "go", "saw": "see",
    "seen": "see", "told": "tell", "said": "say", "says": "say", "rang": "ring", "chose": "choose",
    "chosen": "choose", "kept": "keep", "lost": "lose", "wrote": "write", "put": "put", "picked": "pick",
    "money": "money", "is": "is", "was": "was", "this": "this", "yes": "yes", "has": "has", "does": "do",
    "delivery": "deliver", "deliveries": "deliver", "colour": "color", "colours": "color",
}  # fmt: skip
_SUFFIXES = ("ing", "ed", "es", "s")
_MIN_STEM = 3


def stem(word: str) -> str:
    """A crude stem: enough to make a word's inflections meet, not a linguistic root."""
    word = _IRREGULAR.get(word, word)
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= _MIN_STEM:
            word = word[: -len(suffix)]
            break
    if word.endswith("e") and len(word) > _MIN_STEM:
        word = word[:-1]
    if len(word) > _MIN_STEM and word[-1] == word[-2] and word[-1] not in "aeiou":
        word = word[:-1]  # cancell -> cancel, stopp -> stop
    return word


def stem_text(norm: str) -> str:
    """Every word of an already normalised text replaced by its stem (spaces kept)."""
    return " ".join(stem(w) for w in norm.split())


@dataclass(frozen=True)
class Concept:
    """Stemmed phrases (words joined by single spaces) that all mean one thing here."""

    phrases: frozenset[str]

    @property
    def longest(self) -> int:
        return max(len(p.split()) for p in self.phrases)


def _concept(*phrases: str) -> Concept:
    """Plain words or short phrases; matched as whole words on the stemmed turn."""
    return Concept(frozenset(stem_text(p) for p in phrases))


CREDITED = _concept("on my card", "on my account", "in my account", "to my card", "in my bank", "my bank",
                    "gone back", "credited", "back on")
REFUND = _concept("refund", "reimburse", "reimbursement", "money back", "my money", "the money", "credit")
WAIT = _concept(
    "wait", "still", "yet", "ages", "forever", "so long", "too long", "a month", "nothing", "no refund",
    "no money",
    "not receive", "not get", "not come", "not arrive", "not seen", "no sign", "never",
)
WHERE = _concept("where", "when", "status", "update", "news", "how long", "happen", "going on",
                 "check", "whether", "wonder", "know where", "find out", "been sent", "gone through",
                 "been processed", "look up", "left the warehouse", "not heard", "heard nothing", "eta",
                 "estimated", "arrival date", "delivery date", "expected")
# "I'm calling about my refund": the topic alone, asked about.
ABOUT = _concept("calling about", "ringing about", "phoning about", "question about", "query about",
                 "regarding", "enquiry about", "inquiry about", "chase up", "chasing", "follow up on",
                 "following up")
# The parcel should be here by now: the caller states the delay instead of asking.
LATE = _concept("supposed to be here", "should be here", "should have arrived", "should have come", "was due",
                "should have been here", "should have been delivered", "meant to arrive", "was meant to",
                "overdue", "by now", "it has been", "it is been", "since then", "not heard", "heard nothing",
                "no word", "still not here", "still is not here")
PROMISED = _concept("told", "promise", "said", "confirm", "email said", "was supposed")
PARCEL = _concept(
    "order", "parcel", "package", "delivery", "shipment", "stuff", "item", "purchase", "buy", "headphones",
    "shoes", "jacket", "speaker",
)
TRACKING = _concept("tracking", "track", "tracking number", "tracking page", "tracking link")
STUCK = _concept("not move", "not update", "not change", "same place", "stuck", "no update", "not progress",
                 "sat there", "sits there", "sitting there")
CUSTOMS = _concept("customs", "import", "border", "duty", "duties", "clearance", "inspection")
CALL = _concept("call", "ring", "phone me", "telephone me", "contact me", "callback", "call back",
                "give me a call")
LATER = _concept(
    "back", "later", "tomorrow", "afternoon", "morning", "evening", "tonight", "hour", "at six", "o clock",
    "busy", "at work", "driving", "meeting", "cannot talk", "not a good time", "not a great time",
)
PHONE_DATA = _concept("number is", "phone number", "my number")
# The caller will call back themselves ("I'll find the number and call back"): no callback to book.
# Only the loose concept rule is vetoed; "I'll be at work, call me back" still has its phrase rule.
SELF_CALL = _concept("i will", "i am going to", "let me", "i can", "i could", "call you", "ring you",
                     "phone you", "call again")
AMOUNT = _concept(
    "amount", "price", "euros", "dollars", "pounds", "pay", "charge", "overcharge", "owe", "full price",
    "all my money", "half", "part of it", "only", "the whole thing", "cost", "owed", "expensive",
)
CONTEST = _concept(
    "wrong", "not right", "not correct", "incorrect", "more than", "not enough", "too little", "twice",
    "not fair", "unfair", "does not make sense", "not what", "mistake", "not the right", "do not think that",
    "less than", "not what i paid", "pay more", "not seem right", "not look right", "not the full", "not all",
    "more expensive", "cost more",
    "not the whole",
)
MERELY = _concept("only", "just a", "why only", "nothing but")
TOKEN_REMEDY = _concept("coupon", "voucher", "credit", "half", "partial", "gift card", "discount")
COMPLAIN = _concept(
    "complain", "complaint", "unacceptable", "outrageous", "disgrace", "joke", "joking", "kidding",
    "not fair", "unfair", "disagree", "not agree", "not accept", "not accepting", "refuse", "rip off",
    "scam", "that is all i get", "seriously", "cannot accept", "can not accept", "robbery", "theft",
    "cheat", "rip off", "ripped off", "dispute", "contest", "appeal",
    "not what we agreed", "not what you said", "not happy", "unhappy",
    "not satisfied", "dissatisfied", "too little", "too low", "less money", "not the full amount",
    "not the full refund",
)
REMEDY = _concept("coupon", "voucher", "decision", "offer", "credit", "refund", "refused", "return myself",
                  "partial", "half", "pay for the return")
DIFFERENT = _concept(
    "different", "instead", "someone else", "somebody else", "another customer", "other thing",
    "another", "not match", "not mine",
    "is not my order",
    "not what i order", "but the one i", "definitely the", "i am sure i ordered", "is not my product",
    "not my item", "other product", "is other", "completely different",
)
CHOSE = _concept("order", "chose", "pick", "ask for", "select", "bought", "website", "picture", "need a",
                 "need an", "wanted", "asked for")
RECEIVED = _concept("get", "receive", "send", "come", "deliver", "box", "arrive", "open", "inside")
VARIANT = _concept(
    "size", "color", "model", "style", "red", "blue", "black", "white", "green", "clear", "pink",
    "grey", "gray", "brown", "yellow", "small", "large", "medium",
)
ADDRESS_PLACE = _concept("address", "office", "work", "neighbour", "parents", "house", "flat", "home", "door",
                         "redirect")
DELIVERED_CLAIM = _concept(
    "says delivered", "said delivered", "shows delivered", "showing delivered", "marked delivered",
    "marked as delivered", "status is delivered", "it is delivered", "shows as delivered",
    "says it was delivered", "says it is delivered",
)
LEFT = _concept("dropped it off", "left it", "signed for", "sign for",
                "leave", "drop off", "dropped", "deliver", "handed", "front door", "doorstep", "porch",
                "mailbox", "letterbox")
MISSING = _concept("cannot find", "can not find", "nothing there", "not there", "not here", "gone",
                   "missing", "no parcel", "no package", "was nothing", "not find", "not have",
                   "home all day", "in all day", "was home", "nobody came", "no one came", "none of",
                   "not mine", "not my door", "not my house", "wrong door", "have nothing", "not sign",
                   "someone else", "somebody else")
DAMAGE = _concept(
    "in pieces", "glass everywhere", "crack", "dent", "wreck", "hole", "stain", "not work", "no sound",
    "nothing happen", "no light", "only work", "break", "scratch", "chip", "mark on", "does not turn on",
    "not turn on", "noise", "flicker",
    "not make any sound", "not make a sound", "make no sound", "not play", "not grind", "not heat",
    "not connect", "not pair", "not charge", "not start", "not switch on", "not spin", "not light up",
    "goes off", "turns off", "switches off", "cuts out", "overheat", "burning smell", "rattle", "leak",
)
ADDRESS_MOVE = _concept(
    "go there instead", "send it there", "new place", "old place", "old flat", "new flat", "old address",
    "new address", "moving", "move out", "will not be at home", "not be home", "not be at home",
    "at my parents", "there instead", "new one", "somewhere else", "elsewhere",
)
RETURN_WORDS = _concept("give back", "return", "send back", "take back", "exchange", "swap")
UNWANTED = _concept("not go with", "not like", "not need", "not want", "not what i was after",
                    "changed my mind",
                    "already have", "present", "gift")


_NEGATORS = frozenset({"not", "never", "no", "cannot"})
_NEGATION_REACH = 3


class StemmedTurn:
    """One turn's stemmed words and every run of up to ``longest`` words in it, with positions.

    Concept lookups are set lookups (a few microseconds), cached per concept for the turn.
    """

    def __init__(self, norm: str, longest: int) -> None:
        self.words = [stem(w) for w in norm.split()]
        self.at: dict[str, list[int]] = {}
        for i in range(len(self.words)):
            for n in range(1, min(longest, len(self.words) - i) + 1):
                self.at.setdefault(" ".join(self.words[i:i + n]), []).append(i)
        self._has: dict[int, bool] = {}

    def has(self, concept: Concept) -> bool:
        key = id(concept)
        if key not in self._has:
            self._has[key] = any(p in self.at for p in concept.phrases)
        return self._has[key]

    def unnegated(self, concept: Concept) -> bool:
        """Whether ``concept`` occurs at least once without a negator in the few words before it."""
        return any(not _NEGATORS.intersection(self.words[max(0, i - _NEGATION_REACH):i])
                   for p in concept.phrases for i in self.at.get(p, ()))


@dataclass(frozen=True)
class ConceptRule:
    """Evidence ``weight`` for ``intent`` when every concept of ``all_of`` is in the turn and no veto."""

    intent: Intent
    weight: float
    all_of: tuple[Concept, ...]
    none_of: tuple[Concept, ...] = ()
    negatable: bool = False  # the first concept does not count after "not" ("I don't want to return it")

    def fires(self, turn: StemmedTurn) -> bool:
        if any(turn.has(c) for c in self.none_of):
            return False
        first, *rest = self.all_of
        found = turn.has(first) and (turn.unnegated(first) if self.negatable else True)
        return found and all(turn.has(c) for c in rest)


CONCEPT_RULES: tuple[ConceptRule, ...] = (
    ConceptRule(Intent.REFUND_STATUS, 0.7, (REFUND, WAIT), (COMPLAIN,)),
    ConceptRule(Intent.REFUND_STATUS, 0.8, (REFUND, WHERE), (COMPLAIN,)),
    ConceptRule(Intent.REFUND_STATUS, 0.8, (REFUND, PROMISED), (COMPLAIN, AMOUNT)),
    ConceptRule(Intent.ORDER_STATUS, 0.6, (PARCEL, WAIT), (REFUND,)),
    ConceptRule(Intent.ORDER_STATUS, 0.6, (PARCEL, WHERE), (REFUND,)),
    ConceptRule(Intent.ORDER_STATUS, 0.5, (WAIT, WHERE), (REFUND, CUSTOMS)),
    ConceptRule(Intent.ORDER_STATUS, 0.7, (PARCEL, LATE), (REFUND,)),
    ConceptRule(Intent.ORDER_STATUS, 0.45, (LATE,), (REFUND,)),
    ConceptRule(Intent.REFUND_STATUS, 0.75, (REFUND, ABOUT)),
    ConceptRule(Intent.REFUND_STATUS, 0.75, (REFUND, CREDITED), (COMPLAIN,)),
    ConceptRule(Intent.ORDER_STATUS, 0.6, (PARCEL, ABOUT), (REFUND,)),
    ConceptRule(Intent.ORDER_STATUS, 0.8, (TRACKING, STUCK), (CUSTOMS,)),
    ConceptRule(Intent.CALLBACK_REQUEST, 0.85, (CALL, LATER), (PHONE_DATA, SELF_CALL), negatable=True),
    ConceptRule(Intent.DISPUTE, 0.85, (AMOUNT, CONTEST)),
    ConceptRule(Intent.DISPUTE, 0.8, (COMPLAIN,)),
    ConceptRule(Intent.DISPUTE, 0.6, (REMEDY, CONTEST)),
    ConceptRule(Intent.DISPUTE, 0.8, (TOKEN_REMEDY, MERELY)),
    ConceptRule(Intent.WRONG_ITEM, 0.7, (DIFFERENT, CHOSE), (ADDRESS_PLACE, DAMAGE)),
    ConceptRule(Intent.WRONG_ITEM, 0.7, (DIFFERENT, RECEIVED), (ADDRESS_PLACE, DAMAGE)),
    ConceptRule(Intent.WRONG_ITEM, 0.7, (CHOSE, RECEIVED, VARIANT), (ADDRESS_PLACE, DAMAGE, WAIT)),
    ConceptRule(Intent.DELIVERED_NOT_RECEIVED, 0.75, (LEFT, MISSING)),
    # "It says delivered, where is it?": asking where a delivered parcel is means it is not there.
    ConceptRule(Intent.DELIVERED_NOT_RECEIVED, 0.7, (DELIVERED_CLAIM, WHERE)),
    ConceptRule(Intent.DAMAGED_ITEM, 0.6, (DAMAGE,)),  # DAMAGE phrases carry their own "not"
    ConceptRule(Intent.CHANGE_ADDRESS, 0.6, (ADDRESS_MOVE,), negatable=True),
    ConceptRule(Intent.RETURN_REQUEST, 0.7, (RETURN_WORDS, UNWANTED), negatable=True),
)

# A turn about money is not a parcel question: "the refund, I still not receive it" is about the
# refund, though "still not receive" alone would be a parcel that never came.
DAMPERS: tuple[tuple[Concept, frozenset[Intent], float], ...] = (
    (REFUND, frozenset({Intent.ORDER_STATUS, Intent.DELIVERED_NOT_RECEIVED}), 0.5),
)

LONGEST_PHRASE = max(c.longest for r in CONCEPT_RULES for c in (*r.all_of, *r.none_of))


def stemmed_turn(norm: str) -> StemmedTurn:
    """The turn prepared for :meth:`ConceptRule.fires` and the dampers."""
    return StemmedTurn(norm, LONGEST_PHRASE)
