"""Answer-aware endpointing: a whole answer to the agent's question ends the turn, a fragment waits."""

from __future__ import annotations

import pytest
from dialogue_fakes import scripted_call
from helpers import NOW

from agent.store import Store
from intents.policy.types import CustomerFacts, DialogueState, Stage
from intents.turn_complete import is_complete_answer

CASES = [
    # (stage, words so far, whole answer?)
    (Stage.AWAIT_ORDER, "5, 8, 8, 3, 1", True),
    (Stage.AWAIT_ORDER, "It's one oh four five two.", True),
    (Stage.AWAIT_ORDER, "5, 8, 8", False),
    (Stage.AWAIT_ORDER, "1, 4, 5, 2...", False),  # Whisper says it trails off, and 4 digits
    (Stage.AWAIT_ORDER, "8, 0, 3, 1, 4...", True),  # all five digits: the dots are Whisper's guess
    (Stage.AWAIT_ORDER, "My order number is", False),
    (Stage.CONFIRM_ORDER, "Yes, correct.", True),
    (Stage.CONFIRM_ORDER, "No, that's wrong.", True),
    (Stage.CONFIRM_ORDER, "Yes.", False),  # a bare yes is often the start of more
    (Stage.CONFIRM_ORDER, "Yes,", False),
    (Stage.CONFIRM_ACTION, "Yes, please.", True),
    (Stage.CONFIRM_ACTION, "Yes, please...", True),  # Whisper's dots after a closing word
    (Stage.CONFIRM_ACTION, "Yes, and...", False),
    (Stage.OFFER_HUMAN, "No, thanks.", True),
    (Stage.AWAIT_CONTACT, "My post code is 10115", True),
    (Stage.AWAIT_CONTACT, "My postcode is SW1A 1AA.", True),
    (Stage.AWAIT_CONTACT, "The post code is 1012, a b", True),
    (Stage.AWAIT_CONTACT, "my email is li dot wei at example dot com", True),
    (Stage.AWAIT_CONTACT, "My phone number is 0 7 7 0 0 9 0 0 1 0 3", True),
    (Stage.AWAIT_CONTACT, "My phone number is 0 7 7 0 0 9", False),
    (Stage.AWAIT_CONTACT, "The zip code is 6 0 6", False),
    (Stage.AWAIT_CONTACT, "Yes, correct.", False),
    (Stage.ANYTHING_ELSE, "No, that's all. Thank you!", True),
    (Stage.ANYTHING_ELSE, "No.", False),
    (Stage.ANYTHING_ELSE, "Yes, there is one more thing.", False),
    (Stage.AWAIT_PROBLEM, "I'd like to speak to a real person, please.", True),
    # a statement of the problem is often followed by the question: silence decides
    (Stage.AWAIT_PROBLEM, "Hi, I'm calling to check on my order.", False),
    (Stage.AWAIT_PROBLEM, "5, 8, 8, 3, 1", False),
    (Stage.AWAIT_ADDRESS, "Twelve High Street, London, SW1A 1AA.", False),
    (Stage.AWAIT_ORDER, "", False),
]


@pytest.mark.parametrize(("stage", "text", "whole"), CASES)
def test_whole_answers_end_the_turn(stage: Stage, text: str, whole: bool) -> None:
    assert is_complete_answer(text, DialogueState(stage=stage)) is whole


def test_remedy_choice_must_name_an_offered_option() -> None:
    offered = DialogueState(stage=Stage.CHOOSE_REMEDY, options=("reship", "refund"))
    assert is_complete_answer("I'd prefer a refund, please.", offered)
    assert is_complete_answer("A replacement, please.", offered)
    assert is_complete_answer("I'd prefer a refund, please...", offered)
    assert not is_complete_answer("A refund, or...", offered)
    assert not is_complete_answer("Hmm, let me think.", offered)
    only_refund = DialogueState(stage=Stage.CHOOSE_REMEDY, options=("refund",))
    assert not is_complete_answer("A replacement, please.", only_refund)


def test_order_number_length_comes_from_config() -> None:
    waiting = DialogueState(stage=Stage.AWAIT_ORDER)
    assert not is_complete_answer("1 2 3 4 5", waiting, order_number_digits=6)
    assert is_complete_answer("1 2 3 4 5 6", waiting, order_number_digits=6)
    assert not is_complete_answer("1 2 3 4 5 6 7 8", waiting, order_number_digits=None)


def test_rule_dialogue_judges_by_the_question_it_asked(store: Store) -> None:
    dialogue, _ = scripted_call(store, now=NOW)
    assert not dialogue.answers("one oh four five two")  # nobody asked for a number yet
    dialogue.on_final("my parcel is stuck at customs")
    assert dialogue.answers("one oh four five two")
    assert not dialogue.answers("one oh four")
    state_before = dialogue.state
    dialogue.answers("one oh four five two")
    assert dialogue.state is state_before  # judging changes nothing


def test_a_verification_answer_is_whole_only_when_it_matches_the_customer() -> None:
    # A number dictated in groups pauses anywhere: "0 7 7 0 0 9 0 0 1 0 [pause] 3" ended the turn
    # before the "3" under the digit-count rule, and the caller failed verification (CI).
    oliver = CustomerFacts(id="C-103", name="Oliver Grant", email="oliver.grant@example.com",
                           phone="+447700900103", country="GB", postcode="EH1 2NG")
    asked = DialogueState(stage=Stage.AWAIT_CONTACT, order_id="63027")
    assert not is_complete_answer("My phone number is 0 7 7 0 0 9 0 0 1 0", asked, customer=oliver)
    assert is_complete_answer("My phone number is 0 7 7 0 0 9 0 0 1 0 3", asked, customer=oliver)
    assert not is_complete_answer("My phone number is 0 7 7 0 0", asked, customer=oliver)
    assert not is_complete_answer("My postcode is E H 1", asked, customer=oliver)
    assert is_complete_answer("My postcode is EH1 2NG.", asked, customer=oliver)
    assert is_complete_answer("oliver dot grant at example dot com", asked, customer=oliver)
    # without the customer (no facts) the shape rules still apply
    assert is_complete_answer("My phone number is 0 7 7 0 0 9 0 0 1 0", asked)


def test_rule_dialogue_checks_the_contact_against_the_confirmed_order(store: Store) -> None:
    dialogue, _ = scripted_call(store, "my parcel is stuck at customs", "one oh four five two", now=NOW)
    if dialogue.state.stage is Stage.CONFIRM_ORDER:
        dialogue.on_final("yes")
    assert dialogue.state.stage is Stage.AWAIT_CONTACT
    assert not dialogue.answers("my postcode is 2 8 0")
    assert not dialogue.answers("my postcode is 28014")  # not hers: may be half an answer
    assert dialogue.answers("my postcode is 28013")
    assert not dialogue.state.verified  # judging verifies nothing
