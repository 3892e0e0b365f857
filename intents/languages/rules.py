"""Extra evidence for glossed text: what a word-by-word gloss says that English callers rarely do.

A gloss keeps some of the caller's word order and phrasing ("machine not speak", "status shows
delivered but nothing arrived", "yet shipped my order"). These rules read such turns; they run only
for glossed languages, so English understanding is exactly what it was.
"""

from __future__ import annotations

from intents.lexicon import DELIVERED_CLAIM, PARCEL, REFUND, RETURN_WORDS, WAIT, ConceptRule, _concept
from intents.spoken.intents import Rule, _rules
from intents.types import Intent

DELIVERED_SAID = _concept("as delivered", "shows delivered", "indicates delivered", "says delivered",
                          "appears delivered", *DELIVERED_CLAIM.phrases)
# The parcel never came, said outright: with a claim of delivery it is a delivered-not-received case.
NEVER_CAME = _concept("nothing arrive", "not arrive", "never arrive", "not receive", "nothing receive",
                      "never receive", "not get", "never get", "never come", "not come", "nothing come",
                      "not there", "nothing there")
SPEAK = _concept("speak", "talk", "chat", "connect me", "transfer me", "put me through")
BOT = _concept("machine", "robot", "bot", "computer", "recording")
PERSON = _concept("person", "human", "representative", "agent", "colleague", "operator", "staff",
                  "customer service", "someone")
LIVE_ELSEWHERE = _concept("no longer live", "not live there", "not live here", "live somewhere else")
# "Has it shipped yet?", "ya han enviado mi pedido": asking whether the parcel has left.
SHIPPED = _concept("shipped", "dispatched", "sent out", "been sent", "posted", "sent")
YET = _concept("yet", "already")
CUSTOMS_WORDS = _concept("customs", "import", "duty")
STOP = _concept("stop", "halt", "hold")
PAY = _concept("pay", "paid", "charge")
WHY = _concept("why", "not understand", "not see")
PROCESSED = _concept("processed", "issued", "initiated", "approved", "been processed")
CHANGE_VERB = _concept("change", "update", "correct", "modify")
ADDRESS = _concept("address", "delivery address")
CALL_ME = _concept("call me", "call back", "call me back", "ring me")
SOON = _concept("as soon as", "when you know", "once you know")
# "beim Nachbarn abgegeben, aber der hat nichts": left somewhere, and nothing there.
LEFT_SOMEWHERE = _concept("left", "dropped off", "handed", "delivered", "neighbour", "door", "pickup point",
                          "locker", "put in", "mailbox")
HAS_NOTHING = _concept("has nothing", "have nothing", "has not nothing", "have not nothing", "not have",
                       "not there", "nothing there", "not find", "not in")

GLOSS_CONCEPT_RULES: tuple[ConceptRule, ...] = (
    ConceptRule(Intent.DELIVERED_NOT_RECEIVED, 0.8, (DELIVERED_SAID, NEVER_CAME), (REFUND,)),
    # Word order free, for callers whose language puts the verb last ("機械とは話しません").
    ConceptRule(Intent.HUMAN_AGENT, 0.8, (BOT, SPEAK)),
    ConceptRule(Intent.HUMAN_AGENT, 0.6, (SPEAK, PERSON), (BOT,)),
    ConceptRule(Intent.CHANGE_ADDRESS, 0.6, (LIVE_ELSEWHERE,)),
    ConceptRule(Intent.ORDER_STATUS, 0.6, (SHIPPED, YET, PARCEL), (REFUND, RETURN_WORDS, CUSTOMS_WORDS)),
    # "Können Sie die Bestellung noch aufhalten?": the verb comes last, so word order cannot tell.
    ConceptRule(Intent.CANCEL_ORDER, 0.75, (STOP, PARCEL), (REFUND, RETURN_WORDS, CUSTOMS_WORDS)),
    ConceptRule(Intent.DELIVERED_NOT_RECEIVED, 0.75, (LEFT_SOMEWHERE, HAS_NOTHING), (REFUND,)),
    # "warum soll ich die Rücksendung bezahlen": paying, contested, in any order
    ConceptRule(Intent.DISPUTE, 0.85, (PAY, WHY), (CUSTOMS_WORDS,)),
    # "Gutschrift für meine Retoure schon veranlasst?": the refund of a return, asked about
    ConceptRule(Intent.REFUND_STATUS, 0.8, (REFUND, PROCESSED)),
    # "返送したけどお金がまだ戻ってこない": sent back, and the money still not back
    ConceptRule(Intent.REFUND_STATUS, 0.85, (REFUND, WAIT, RETURN_WORDS)),
    ConceptRule(Intent.CHANGE_ADDRESS, 0.8, (CHANGE_VERB, ADDRESS)),
    ConceptRule(Intent.CALLBACK_REQUEST, 0.85, (CALL_ME, SOON)),
)

GLOSS_RULES: tuple[Rule, ...] = (
    *_rules(
        Intent.WRONG_ITEM,
        # "not the right item" ("not the right one" is a no to a question, not a wrong item)
        (0.8, r"\bnot (?:the |a |my )?(?:right|correct) (?:items?|products?|article|size|colou?r|model|"
              r"version|style|shoes?|book|part|parcel|package)\b"),
    ),
    *_rules(
        Intent.WRONG_ITEM,
        # "J'ai commandé du 42 et j'ai reçu du 38": two sizes or models, one ordered, one delivered
        (0.75, r"\border(?:ed)? (?:\w+ ){0,2}\d+\b.{0,40}\b(?:received|got|arrived|came|sent|delivered)\b"
               r"(?: \w+){0,3} \d+\b"),
    ),
    *_rules(
        Intent.HUMAN_AGENT,
        (0.85, r"\b(?:give me|want|need) (?:please )?(?:a |an )?(?:colleague|operator|representative)\b"),
    ),
)

LONGEST_GLOSS_PHRASE = max(c.longest for r in GLOSS_CONCEPT_RULES for c in (*r.all_of, *r.none_of))
