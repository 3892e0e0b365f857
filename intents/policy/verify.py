"""Verification: does what the caller said match the order's customer? Pure; nothing is disclosed.

The caller proves they own an order with its number and one of the email, phone number or
postcode on it (see :func:`intents.policy.decide.step`); these functions only compare.
"""

from __future__ import annotations

import re

from intents.policy.types import CustomerFacts
from intents.types import Entities


def _phone_digits(value: str) -> str:
    return re.sub(r"\D", "", value)


def _norm_postcode(value: str) -> str:
    return re.sub(r"[\s-]", "", value).upper()


def contact_matches(customer: CustomerFacts, entities: Entities, text: str = "") -> bool:
    """True when an email, phone number or postcode the caller gave is the customer's own.

    ``text`` is a fallback for alphanumeric postcodes the entity parser did not recognise (an Irish
    Eircode, say): the whole postcode must appear, spaces ignored, as its own words.
    """
    if customer.email and customer.email.strip().lower() in {e.strip().lower() for e in entities.emails}:
        return True
    theirs = _phone_digits(customer.phone)
    for spoken in (*entities.phones, entities.digits):
        mine = _phone_digits(spoken)
        n = min(len(mine), len(theirs), 9)
        if n >= 7 and mine[-n:] == theirs[-n:]:
            return True
    code = _norm_postcode(customer.postcode)
    heard = (*entities.postcodes, *entities.order_ids, entities.digits)
    if code and any(_norm_postcode(p) == code for p in heard if p):
        return True
    if len(code) >= 5 and any(c.isalpha() for c in code) and any(c.isdigit() for c in code):
        words = re.findall(r"[A-Z0-9]+", text.upper())
        joined = {
            "".join(words[i:j]) for i in range(len(words)) for j in range(i + 1, min(i + 4, len(words) + 1))
        }
        return code in joined
    return False


def gave_contact(entities: Entities, text: str = "") -> bool:
    """True when the turn carries anything that could be an email, phone number or postcode."""
    if entities.emails or entities.phones or entities.postcodes or entities.order_ids:
        return True
    return len(entities.digits) >= 3 or bool(re.search(r"[A-Za-z]+\d|\d+[A-Za-z]", text))
