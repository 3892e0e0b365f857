"""Extra evidence for glossed text: what a word-by-word gloss says that English callers rarely do.

A gloss keeps some of the caller's word order and phrasing ("machine not speak", "status shows
delivered but nothing arrived", "yet shipped my order"). These rules read such turns; they run only
for glossed languages, so English understanding is exactly what it was.
"""

from __future__ import annotations

from intents.lexicon import DELIVERED_CLAIM, PARCEL, REFUND, RETURN_WORDS, ConceptRule, _concept
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

GLOSS_CONCEPT_RULES: tuple[ConceptRule, ...] = (
    ConceptRule(Intent.DELIVERED_NOT_RECEIVED, 0.8, (DELIVERED_SAID, NEVER_CAME), (REFUND,)),
    # Word order free, for callers whose language puts the verb last ("機械とは話しません").
    ConceptRule(Intent.HUMAN_AGENT, 0.8, (BOT, SPEAK)),
    ConceptRule(Intent.HUMAN_AGENT, 0.6, (SPEAK, PERSON), (BOT,)),
    ConceptRule(Intent.CHANGE_ADDRESS, 0.6, (LIVE_ELSEWHERE,)),
    ConceptRule(Intent.ORDER_STATUS, 0.6, (SHIPPED, YET, PARCEL), (REFUND, RETURN_WORDS, CUSTOMS_WORDS)),
)

GLOSS_RULES: tuple[Rule, ...] = (
    *_rules(
        Intent.WRONG_ITEM,
        # "not the right item" ("not the right one" is a no to a question, not a wrong item)
        (0.8, r"\bnot (?:the |a |my )?(?:right|correct) (?:items?|products?|article|size|colou?r|model|"
              r"version|style|shoes?|book|part|parcel|package)\b"),
    ),
    *_rules(
        Intent.HUMAN_AGENT,
        (0.85, r"\b(?:give me|want|need) (?:please )?(?:a |an )?(?:colleague|operator|representative)\b"),
    ),
)

LONGEST_GLOSS_PHRASE = max(c.longest for r in GLOSS_CONCEPT_RULES for c in (*r.all_of, *r.none_of))
