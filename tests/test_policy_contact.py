"""The verification question (issue 11): the easiest detail first, the keypad, half answers."""

from __future__ import annotations

from intents.policy.contact import (
    Factor,
    Shape,
    ask_contact,
    easiest_factor,
    grouped,
    shape,
    with_kept_digits,
)
from intents.policy.opener import ASK_CONTACT
from intents.policy.types import CustomerFacts
from intents.types import Entities

US = CustomerFacts("c1", "Ann", email="ann@example.com", phone="+14155550123", postcode="94107")
GB = CustomerFacts("c2", "Li", email="li@example.com", phone="+447700900123", postcode="SW1A 1AA")
MAIL_ONLY = CustomerFacts("c3", "Jo", email="jo@example.com")


def test_the_easiest_detail_is_asked_for_first() -> None:
    assert easiest_factor(US) is Factor.POSTCODE  # five digits
    assert easiest_factor(GB) is Factor.PHONE  # digits before a spelled postcode
    assert easiest_factor(MAIL_ONLY) is Factor.EMAIL
    assert easiest_factor(CustomerFacts("c4", "X", email="x@y.z", postcode="D02 X285")) is Factor.POSTCODE


def test_the_ask_names_one_detail_offers_the_others_and_the_keypad_on_a_voice_line() -> None:
    us = ask_contact(US, "phone")
    assert "postcode on it" in us and "phone number or email" in us and "keypad" in us
    assert "keypad" not in ask_contact(US, "chat")  # typed chat: no keypad
    assert "phone number on it" in ask_contact(GB, "phone")
    assert ask_contact(MAIL_ONLY, "phone") == ASK_CONTACT
    for text in (us, ask_contact(GB, "phone")):
        assert "94107" not in text and "0123" not in text and "SW1A" not in text  # nothing disclosed


def test_an_answer_is_whole_half_or_nothing() -> None:
    assert shape(Entities(), "hmm, hang on", US) is Shape.NOTHING
    assert shape(Entities(digits="941"), "nine four one", US) is Shape.PARTIAL
    assert shape(Entities(digits="94108"), "nine four one oh eight", US) is Shape.COMPLETE
    assert shape(Entities(digits="94108"), "nine four one oh eight", GB) is Shape.PARTIAL  # of a phone
    assert shape(Entities(emails=("a@b.c",)), "a at b dot c", GB) is Shape.COMPLETE
    assert shape(Entities(digits="0770090"), "...", GB) is Shape.COMPLETE


def test_kept_digits_go_in_front_and_are_read_back_in_groups() -> None:
    kept = with_kept_digits("0770", Entities(digits="0900123"))
    assert kept.digits == "07700900123" and "07700900123" in kept.phones
    assert with_kept_digits("", Entities(digits="12")).digits == "12"
    assert grouped("4107") == "four one oh, seven"


def test_a_short_run_of_kept_digits_is_no_phone_number() -> None:
    joined = with_kept_digits("941", Entities(digits="7"))
    assert joined.digits == "9417" and joined.phones == ()
    assert shape(joined, "seven", US) is Shape.PARTIAL  # still one digit short of the postcode
