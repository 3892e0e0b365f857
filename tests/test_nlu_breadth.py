"""The mechanisms behind understanding breadth: stems, concepts, negation, misheard words, long turns."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from intents.lexicon import CONCEPT_RULES, REFUND, WAIT, stem, stemmed_turn
from intents.nlu import normalise, understand
from intents.types import Intent

SCENARIOS = Path(__file__).parent.parent / "benchmarks" / "scenarios"


@pytest.mark.parametrize(("words", "same"), [
    (("arrive", "arrived", "arriving", "arrives"), True),
    (("cancel", "cancelled", "cancelling"), True),
    (("came", "come", "coming"), True),
    (("left", "leave"), True),
    (("refund", "return"), False),
])
def test_inflections_meet_at_one_stem(words, same):
    assert (len({stem(w) for w in words}) == 1) is same


def test_concepts_match_anywhere_in_any_inflection():
    turn = stemmed_turn(normalise("I sent it back ages ago and the refunds have not arrived, still waiting"))
    assert turn.has(REFUND) and turn.has(WAIT)


def test_a_negated_concept_does_not_count():
    rule = next(r for r in CONCEPT_RULES if r.intent is Intent.RETURN_REQUEST)
    assert rule.fires(stemmed_turn(normalise("I want to return it, I don't need it")))
    assert not rule.fires(stemmed_turn(normalise("I don't want to return it, I just don't need it")))


@pytest.mark.parametrize(("text", "intent"), [
    ("Yeah hi, um, I'm calling because, well, I bought a speaker from you and I don't really know where "
     "it is right now.", Intent.ORDER_STATUS),  # a long turn's "yeah" is a filler, not a yes
    ("i want to counsel my order", Intent.CANCEL_ORDER),
    ("can i change the dress on my order", Intent.CHANGE_ADDRESS),
    ("my package is stuck at costumes", Intent.CUSTOMS_DELAY),
    ("wear is my order", Intent.ORDER_STATUS),
    ("Thanks, I'll find the number and call back. Goodbye.", Intent.GOODBYE),  # the caller will call
    ("I'm at work, can somebody ring me later?", Intent.CALLBACK_REQUEST),
    ("That's not enough, I paid more than that.", Intent.DISPUTE),
    ("You're joking, that's it? That's all I get?", Intent.DISPUTE),  # never a goodbye
    ("The refund, I still not receive it.", Intent.REFUND_STATUS),  # money, not a parcel
    ("It's the one with the blue box", Intent.OTHER),  # a description, not a yes
    ("I don't know my order number.", Intent.OTHER),  # not a no
])
def test_mechanisms(text, intent):
    assert understand(text).intent is intent


def _scenario_lines():
    for path in sorted(SCENARIOS.glob("*.yaml")):
        caller = yaml.safe_load(path.read_text())["caller"]
        for line in caller["turns"] + caller.get("answers", []):
            # English lines: the other languages' scenarios (issue #14) are understood in their
            # language (the NLU's own tests per language)
            if line.get("text") and line.get("expect_intent") and line.get("expect_language", "en") == "en":
                yield pytest.param(line["text"], line["expect_intent"], id=f"{path.stem}:{line['text'][:30]}")


@pytest.mark.parametrize(("text", "intent"), list(_scenario_lines()))
def test_every_voice_scenario_line_is_understood_as_its_scenario_expects(text, intent):
    assert understand(text).intent.value == intent


@pytest.mark.parametrize("text", ["US, please.", "Yas please", "yeah sure", "yup, thanks", "Yes."])
def test_a_misheard_yes_to_a_yes_no_question_is_a_yes(text: str) -> None:
    from intents.nlu import sounds_like_yes

    assert sounds_like_yes(text)


@pytest.mark.parametrize("text", ["now please", "nope", "nah", "no thanks", "not now", "know",
                                  "a refund please", "refund please", "okay", "I don't know", ""])
def test_a_no_or_a_request_never_sounds_like_yes(text: str) -> None:
    from intents.nlu import sounds_like_yes

    assert not sounds_like_yes(text)
