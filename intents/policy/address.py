"""A new delivery address, checked before it is read back or saved: bounded in length and carrying a
postcode in the format of the customer's country. Pure."""

from __future__ import annotations

import re
from dataclasses import replace

from intents.i18n import t
from intents.policy.common import ANYTHING_ELSE
from intents.policy.config import DialogueConfig
from intents.policy.orders import address_heard
from intents.policy.text import clean_caller_text
from intents.policy.types import Decision, DialogueState, Stage, Turn
from intents.types import Intent

# Postcode shapes by ISO country (as written in an address; spaces and case normalised first).
POSTCODE_FORMATS = {
    "ES": r"\d{5}", "FR": r"\d{5}", "DE": r"\d{5}", "IT": r"\d{5}", "FI": r"\d{5}", "GR": r"\d{3} ?\d{2}",
    "US": r"\d{5}(?:-\d{4})?", "PT": r"\d{4}-\d{3}", "PL": r"\d{2}-\d{3}", "NL": r"\d{4} ?[A-Z]{2}",
    "BE": r"\d{4}", "AT": r"\d{4}", "CH": r"\d{4}", "DK": r"\d{4}", "AU": r"\d{4}", "NO": r"\d{4}",
    "SE": r"\d{3} ?\d{2}", "CZ": r"\d{3} ?\d{2}", "CA": r"[A-Z]\d[A-Z] ?\d[A-Z]\d",
    "GB": r"[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}", "IE": r"[AC-FHKNPRTV-Y]\d{2}(?:\d|W)? ?[AC-FHKNPRTV-Y\d]{4}",
    "JP": r"\d{3}-\d{4}", "IN": r"\d{6}",
}


def postcode_in(address: str, country: str) -> str | None:
    """The postcode of ``country``'s format found in ``address``, or None (unknown country: any
    group of 3 to 10 letters and digits with a digit in it)."""
    pattern = POSTCODE_FORMATS.get(country.upper(), r"(?=[A-Z\d -]*\d)[A-Z\d][A-Z\d -]{1,8}[A-Z\d]")
    found = re.search(rf"(?<![A-Z\d])({pattern})(?![A-Z\d])", address.upper())
    return found.group(1) if found else None


def has_postcode(text: str, turn: Turn, country: str) -> bool:
    """A postcode of ``country``'s format in the address as written, or as the recogniser's entities
    read it (spoken digits: "six oh six one oh" is 60610)."""
    e = turn.understood.entities
    spoken = [*e.postcodes, *(e.digits[-n:] for n in range(4, 10) if len(e.digits) >= n)]
    return postcode_in(text, country) is not None or any(
        postcode_in(p, country) is not None for p in spoken if p
    )


def on_address(s: DialogueState, turn: Turn, config: DialogueConfig) -> Decision:
    """AWAIT_ADDRESS: bounded, with a postcode of the customer's country, read back before any change."""
    intent = turn.understood.intent
    if intent is Intent.DENY:
        return Decision(replace(s, stage=Stage.ANYTHING_ELSE),
                        t("All right, I'll keep the address as it is.") + " " + t(ANYTHING_ELSE), intent)
    raw = clean_caller_text(turn.text, 10_000)
    if len(raw) > config.policy.max_address_chars:
        too_long = t("That's too long for an address. Please say just the street and number, the town "
                     "and the postcode.")
        return Decision(s, too_long, intent)
    text = address_heard(raw)
    if len(text) < 8:
        return Decision(s, t("Please say the full new address, with the postcode."), intent)
    facts = turn.order(s.order_id)
    country = facts.customer.country if facts is not None else ""
    if not has_postcode(text, turn, country):
        return Decision(s, t("I couldn't hear a valid postcode for your country in that. "
                             "Please say the full new address again, with the postcode."), intent)
    return Decision(replace(s, stage=Stage.CONFIRM_ACTION, pending="address", new_address=text),
                    t("I heard: {address}. Is that right?", address=text), intent)
