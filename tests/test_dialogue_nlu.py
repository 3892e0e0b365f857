"""Whole calls through the real NLU (intents.nlu / intents.entities) and the demo store."""

from __future__ import annotations

import pytest
from helpers import NOW

from agent.store import Store
from intents.dialogue import RuleDialogue, build_dialogue
from intents.types import Reply


def talk(store: Store, *lines: str) -> tuple[RuleDialogue, list[Reply]]:
    d = build_dialogue(store, now=lambda: NOW)
    replies = [d.greeting()]
    replies.extend(d.on_final(line) for line in lines)
    return d, replies


def kinds(replies: list[Reply]) -> list[str]:
    return [a.kind for r in replies for a in r.actions]


@pytest.mark.parametrize(
    ("lines", "expect", "changes"),
    [
        (
            [
                "my parcel is stuck at customs",
                "one oh four five two",
                "two eight oh one three",
                "a refund please",
                "yes please",
            ],
            "thirty-nine euros and ninety cents",
            ["refund"],
        ),
        (["where is my order", "47-1, 1-9", "94107"], "Los Angeles", []),
        (
            [
                "it says delivered but I never got it",
                "5.5.0.1.8",
                "li dot wei at example dot com",
                "send a new one",
                "yes",
            ],
            "replacement leaves our warehouse",
            ["investigation", "reship"],
        ),
        (["my mugs arrived broken", "two three eight seven one", "75011", "yes please"], "coupon",
         ["refund", "coupon"]),
        (
            ["you sent me the wrong size", "six two two four oh", "one double oh oh one", "yes"],
            "wrong item",
            ["refund", "coupon"],
        ),
        (["I'd like to return my scarf", "seven oh three one five", "20121", "yes please"], "send it back",
         ["refund"]),
        (["I want to return the blender", "eight oh four two seven", "2000", "yes"], "insurance",
         ["return_label"]),
        (["can I return my lamp", "eight one five three three", "00-950"], "window closed", []),
        (["where is my refund", "nine oh six one eight", "M5V 2T6"], "issued", []),
        (["I want to cancel my order", "one two oh nine four", "1100-148", "yes"], "cancelled", ["refund"]),
        (["where is my jacket", "five eight eight two two", "D02 X285"], "out for delivery", []),
    ],
)
def test_situations_with_the_real_nlu(
    store: Store, lines: list[str], expect: str, changes: list[str]
) -> None:
    d, r = talk(store, *lines)
    assert expect in r[-1].text or expect in r[-2].text, [x.text for x in r]
    assert kinds(r) == changes
    assert [a.kind for a in store.changes_for_call(d.call_id)] == sorted(
        changes, key=["refund", "reship", "coupon", "investigation", "return_label"].index
    )


def test_misheard_number_confirmed_and_corrected_with_the_real_nlu(store: Store) -> None:
    _, r = talk(
        store, "where is my order", "four seven one one eight", "no, four seven one one nine", "94107"
    )
    assert "couldn't find order four seven one one eight" in r[2].text  # no real neighbour read back
    assert "four seven one one nine" in r[3].text and "postcode" in r[3].text  # the caller's correction
    assert "Los Angeles" in r[4].text


def test_wrong_postcode_with_the_real_nlu_leaks_nothing(store: Store) -> None:
    d, r = talk(store, "my parcel is stuck at customs", "one oh four five two", "two eight oh one four")
    assert "don't match" in r[3].text
    for word in ("Madrid", "twelve", "YunExpress", "euro", "Maria"):
        assert word not in r[3].text
    assert store.changes_for_call(d.call_id) == []


def test_person_with_the_real_nlu(store: Store) -> None:
    _, r = talk(store, "I want to talk to a person",
                "plus four four seven seven zero zero nine zero zero one two three")
    assert "What number" in r[1].text
    assert kinds(r) == ["escalation", "callback"]


@pytest.mark.parametrize("closing", ["No, not so, thank you.", "No, that's all, thanks.", "no"])
def test_a_no_after_anything_else_is_understood_as_goodbye(store: Store, closing: str) -> None:
    # "No, that's all, thank you" misheard as "No, not so, thank you" is a deny to the NLU, which
    # knows no context; after "Is there anything else?" the caller means goodbye.
    _, r = talk(store, "my parcel is stuck at customs", "one oh four five two", "two eight oh one three",
                "a refund please", "yes please", closing)
    assert "anything else" in r[-2].text
    assert r[-1].intent.value == "goodbye" and r[-1].end_call
