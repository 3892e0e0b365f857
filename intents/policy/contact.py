"""The verification question and its answers: which detail to ask for, and what an answer was.

Three things a good human agent does, and this module decides (pure):

* **Ask for the easiest detail first.** Digits are far easier to say, and to hear, than a
  spelled email (identifier benchmark: postcodes and phone numbers are captured several times
  as often as emails). Once the order is known the agent knows which details the customer has,
  so it names the easiest one and offers the others; on a voice line, a numeric detail can also
  be typed on the keypad. Naming a *kind* of detail reveals nothing of its value.
* **Tell an unclear answer from a wrong one.** Only a complete answer that does not match (a
  whole email, phone number or postcode) counts toward the limit of wrong answers; silence,
  noise or half an answer is asked again differently and never counted.
* **Keep half an answer.** Digits heard in an incomplete answer are read back in groups (they
  are the caller's own words, never the stored value) and completed by the next answer.
"""

from __future__ import annotations

import enum
import re
from dataclasses import replace

from intents.i18n import N_, t
from intents.i18n.spoken import say_digits
from intents.policy import common as common
from intents.policy.config import DialogueConfig
from intents.policy.opener import ASK_CONTACT, ASK_CONTACT_AGAIN, ASK_CONTACT_SLOWLY
from intents.policy.types import CustomerFacts, Decision, DialogueState
from intents.policy.verify import contact_matches, gave_contact
from intents.types import Entities, Intent

ASK_POSTCODE_FIRST = N_("To keep your order safe, what's the postcode on it? Or the phone number or email, "
                        "if that's easier.")
ASK_PHONE_FIRST = N_("To keep your order safe, what's the phone number on it? Or the postcode or email, "
                     "if that's easier.")
KEYPAD = N_("You can also type it on the keypad, then press hash.")
GOT_SO_FAR = N_("I got {digits} so far. What's the rest?")
# A digit run shorter than this is never a whole phone number (national numbers have 9-11 digits;
# 7 is the shortest the comparison accepts, see intents.policy.verify.contact_matches).
_PHONE_MIN = 7
_MAX_KEPT_DIGITS = 15  # what a partial answer may accumulate: the longest phone number


class Factor(enum.StrEnum):
    POSTCODE = "postcode"
    PHONE = "phone"
    EMAIL = "email"


class Shape(enum.StrEnum):
    NOTHING = "nothing"  # no detail in it (silence, noise, a question, another language)
    PARTIAL = "partial"  # some digits, but no whole detail
    COMPLETE = "complete"  # a whole email, phone number or postcode


def _postcode(customer: CustomerFacts | None) -> str:
    """The customer's postcode without spaces or dashes ('' when none or no customer)."""
    return re.sub(r"[\s-]", "", customer.postcode) if customer is not None else ""


def easiest_factor(customer: CustomerFacts) -> Factor:
    """A numeric postcode, else the phone number, else an alphanumeric postcode, else the email."""
    code = _postcode(customer)
    if code.isdigit():
        return Factor.POSTCODE
    if re.sub(r"\D", "", customer.phone):
        return Factor.PHONE
    if code:
        return Factor.POSTCODE
    return Factor.EMAIL


def ask_contact(customer: CustomerFacts | None, channel: str) -> str:
    """The verification question for this customer (without one: the question naming all three)."""
    if customer is None:
        return t(ASK_CONTACT)
    factor = easiest_factor(customer)
    numeric = factor is Factor.PHONE or (factor is Factor.POSTCODE and _postcode(customer).isdigit())
    ask = {Factor.POSTCODE: ASK_POSTCODE_FIRST, Factor.PHONE: ASK_PHONE_FIRST}.get(factor, ASK_CONTACT)
    keypad = f" {t(KEYPAD)}" if numeric and channel == "phone" else ""
    return t(ask) + keypad


def shape(entities: Entities, text: str, customer: CustomerFacts | None) -> Shape:
    """What kind of answer this is, whatever it matches. A run of digits is whole once it is as long
    as a numeric postcode of this customer's (its length is its country's format, no secret) or
    a phone number; without a customer to compare with, any run of 4 or more is judged whole."""
    if not gave_contact(entities, text):
        return Shape.NOTHING
    if entities.emails or entities.postcodes or entities.phones or len(entities.digits) >= _PHONE_MIN:
        return Shape.COMPLETE
    code = _postcode(customer)
    whole = len(code) if code.isdigit() else (4 if customer is None else _PHONE_MIN)
    if len(entities.digits) >= whole:
        return Shape.COMPLETE
    if re.search(r"[A-Za-z]+\d|\d+[A-Za-z]", text):
        return Shape.COMPLETE  # an alphanumeric code the parser did not place: judged as given
    return Shape.PARTIAL


def with_kept_digits(kept: str, entities: Entities) -> Entities:
    """The answer's entities with the digits kept from the half answer before it in front."""
    if not kept or not entities.digits:
        return entities
    digits = (kept + entities.digits)[:_MAX_KEPT_DIGITS]
    phones = (*entities.phones, digits) if len(digits) >= _PHONE_MIN else entities.phones
    return replace(entities, digits=digits, phones=phones)


def matches_with_kept(s: DialogueState, customer: CustomerFacts, entities: Entities, text: str) -> bool:
    """The answer alone, or the answer completing the kept half answer, is the customer's detail."""
    if contact_matches(customer, entities, text):
        return True
    return bool(s.contact_digits) and contact_matches(customer, with_kept_digits(s.contact_digits, entities))


def grouped(digits: str) -> str:
    """Digits read back in groups of three: "four one oh, seven" (easier to check than a run)."""
    return ", ".join(say_digits(digits[i:i + 3]) for i in range(0, len(digits), 3))


def partial(s: DialogueState, entities: Entities, intent: Intent, config: DialogueConfig) -> Decision:
    """Half an answer (with what was kept, still shorter than a whole detail: see :func:`shape`):
    keep its digits and ask for the rest; counted with the unclear answers, never as wrong."""
    digits = (s.contact_digits + entities.digits)[:_MAX_KEPT_DIGITS]
    kept = replace(s, contact_digits=digits, contact_unclear=s.contact_unclear + 1)
    if kept.contact_unclear > config.policy.max_verification_attempts:
        return unclear(s, intent, config)
    return Decision(kept, t(GOT_SO_FAR, digits=grouped(digits)), intent)


def unclear(s: DialogueState, intent: Intent, config: DialogueConfig) -> Decision:
    """Nothing usable heard: asked again, differently the second time. Never a wrong answer (the
    store's limit of wrong answers is for guesses, not for a line the recogniser can't follow);
    after as many unclear answers as wrong ones allowed, plus one, a colleague takes over."""
    count = s.contact_unclear + 1
    s = replace(s, contact_unclear=count, contact_digits="")
    if count > config.policy.max_verification_attempts:
        return common.offer_human(s, t("I'm sorry, I still can't make out those details."), intent)
    if count < 2:
        return Decision(s, t(ASK_CONTACT_AGAIN), intent)
    slowly = t(ASK_CONTACT_SLOWLY)
    return Decision(s, f"{slowly} {t(KEYPAD)}" if s.channel == "phone" else slowly, intent)
