"""Intent classification of Whisper tiny.en style transcripts (rule-based, pure, fast)."""

from __future__ import annotations

import time

import pytest

from intents.nlu import normalise, score_intents, understand
from intents.types import Intent

CASES = {
    Intent.ORDER_STATUS: [
        "where is the face mask I bought last week",
        "Where's my order?",
        "Hi, my parcel hasn't arrived yet.",
        "When will my package arrive?",
        "Can you check on my order please",
        "Has it been shipped?",
        "what happened to the shoes we ordered",
        "I'd like to track my package",
        "any update on my delivery",
    ],
    Intent.CUSTOMS_DELAY: [
        "stuck at customs for ten days",
        "Stuck at customers for 10 days.",  # Whisper tiny mishearing of "customs"
        "It's been held at the border for two weeks",
        "why do I have to pay import duty",
        "the tracking says customs clearance since Monday",
    ],
    Intent.DELIVERED_NOT_RECEIVED: [
        "it says delivered but I never got it",
        "It says delivered, but I never got it.",
        "tracking shows delivered yesterday and there's nothing at my door",
        "the app says it was delivered but it's not in my mailbox",
        "I think my package was stolen",
        "it was delivered to the wrong house",
    ],
    Intent.DAMAGED_ITEM: [
        "the box was crushed and the bottle is broken",
        "The box was crashed and the bottle is broken.",  # "crushed" misheard
        "the screen is cracked",
        "It doesn't work.",
        "it arrived in terrible condition",
        "the cream was leaking all over the box",
        "it stopped working after one day",
    ],
    Intent.WRONG_ITEM: [
        "you sent me the wrong colour",
        "You sent me the wrong color.",
        "this is the wrong size",
        "that's not what I ordered",
        "I ordered a blue one but got a red one",
        "you sent me the wrong collar",  # "colour" misheard
    ],
    Intent.RETURN_REQUEST: [
        "I want to send it back",
        "I want to send it back.",
        "how do I return this",
        "Yes, I want to return it",
        "I want a refund",
        "it doesn't fit, can I exchange it",
        "I want my money back",
        "Could you refund me?",
        "It's not what I expected",
    ],
    Intent.REFUND_STATUS: [
        "where's my refund",
        "Where's my refund?",
        "I still haven't received my refund",
        "When will I get my money back?",
        "what's the status of my refund",
        "the refund hasn't arrived on my card",
    ],
    Intent.CANCEL_ORDER: [
        "I want to cancel my order",
        "please cancel it",
        "Can I cancel the order I placed this morning?",
        "stop the order, don't ship it",
    ],
    Intent.CHANGE_ADDRESS: [
        "I need to change my delivery address",
        "I gave you the wrong address",
        "can you update the shipping address",
        "we just moved, can you send it to my new place",
    ],
    Intent.HUMAN_AGENT: [
        "I'd like to talk to a person",
        "Can I speak to a human please",
        "transfer me to an agent",
        "let me talk to your manager",
        "are you a robot",
        "I want to speak to customer service",
    ],
    Intent.AFFIRM: [
        "yes that's right",
        "Yes, that's right.",
        "yeah",
        "Yeah.",
        "correct",
        "Yep, that's it.",
        "sure",
        "Uh, yeah, it's 4711 9.",
        "uh huh",
    ],
    Intent.DENY: ["no, that's wrong", "No, that's wrong.", "nope", "Nope.", "That's the wrong order number"],
    Intent.GOODBYE: ["thanks, bye", "Thanks. Bye.", "No, that's all, thanks", "have a nice day", "thank you"],
    Intent.GREET: ["hello", "Hello?", "Hi there.", "good morning"],
}


@pytest.mark.parametrize(
    ("text", "intent"), [(text, intent) for intent, texts in CASES.items() for text in texts]
)
def test_intent(text: str, intent: Intent) -> None:
    result = understand(text)
    assert result.intent is intent
    assert 0.0 < result.confidence <= 1.0


@pytest.mark.parametrize(
    "text",
    [
        "My order number is 47-1, 1-9.",
        "It's 4 7 1 1 9",
        "li dot wei at example dot com",
        "the postcode is SW1A 1AA",
        "nine four one oh seven",
    ],
)
def test_bare_data_is_other_with_entities(text: str) -> None:
    result = understand(text)
    assert result.intent is Intent.OTHER
    e = result.entities
    assert e.order_ids or e.emails or e.postcodes
    assert result.confidence >= 0.6


@pytest.mark.parametrize("text", ["", "hmm", "the weather is nice", "blah blah"])
def test_nonsense_is_other_with_low_confidence(text: str) -> None:
    result = understand(text)
    assert result.intent is Intent.OTHER
    assert result.confidence < 0.5


@pytest.mark.parametrize(
    ("text", "not_intent"),
    [
        ("I don't want to cancel", Intent.CANCEL_ORDER),
        ("it's not broken, it's the wrong size", Intent.DAMAGED_ITEM),
        ("no, it's not damaged", Intent.DAMAGED_ITEM),
        ("I never got my refund", Intent.ORDER_STATUS),
        ("I don't want to return it", Intent.RETURN_REQUEST),
        ("my order number is 10452", Intent.ORDER_STATUS),  # naming the order is not asking its status
        ("I don't want to cancel", Intent.AFFIRM),  # "I do..." is not a yes
    ],
)
def test_negation_and_bare_keywords(text: str, not_intent: Intent) -> None:
    assert understand(text).intent is not not_intent


def test_entities_ride_along() -> None:
    result = understand("it says delivered but I never got it, order four seven one one nine")
    assert result.intent is Intent.DELIVERED_NOT_RECEIVED
    assert result.entities.order_ids == ("47119",)
    assert result.entities.digits == "47119"


def test_task_beats_yes() -> None:
    ranked = score_intents("yes, I want to send it back")
    assert ranked[0].intent is Intent.RETURN_REQUEST
    assert any(s.intent is Intent.AFFIRM for s in ranked)


def test_specific_beats_generic_order_status() -> None:
    ranked = score_intents("it says delivered but I never got it")
    assert ranked[0].intent is Intent.DELIVERED_NOT_RECEIVED
    assert ranked[0].score > next(s.score for s in ranked if s.intent is Intent.ORDER_STATUS)


def test_clear_intent_more_confident_than_mixed() -> None:
    assert understand("yeah").confidence > understand("No, that's all, thanks").confidence


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Where's my REFUND?!", "where is my refund"),
        ("I didn’t get it", "i did not get it"),
        ("dont ship it", "do not ship it"),
        ("the colour", "the color"),
        ("Um, yeah.", "yeah"),
    ],
)
def test_normalise(text: str, expected: str) -> None:
    assert normalise(text) == expected


def test_fast_enough() -> None:
    text = (
        "It says delivered but I never got it, my order number is 47-1, 1-9 and my email is li dot wei "
        "at example dot com, postcode S W one A one A A"
    )
    understand(text)  # compile caches
    # CPU time of this thread, not wall time: other processes on a shared 2-core machine must not
    # decide the outcome (the budget is the dialogue's 5 ms of work per utterance).
    start = time.thread_time()
    for _ in range(50):
        understand(text)
    assert (time.thread_time() - start) / 50 < 0.005


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        # Whisper tiny.en on the scenario voices: the noun is garbled, the question survives.
        ("Hi, I ordered headphones two weeks ago. Can you tell me where my power is?", Intent.ORDER_STATUS),
        ("Hi, I sent the old remote back to weak Sanco and I'm still waiting for my reef end.",
         Intent.REFUND_STATUS),
        ("Can you tell me where my refund is?", Intent.REFUND_STATUS),
    ],
)
def test_garbled_but_clear_requests(text: str, intent: Intent) -> None:
    assert understand(text).intent is intent


def test_waiting_for_a_replacement_is_not_refund_status() -> None:
    assert understand("I sent it back and I'm still waiting for the replacement").intent is not (
        Intent.REFUND_STATUS
    )


@pytest.mark.parametrize("text", [
    "Hi, can you tell me where my order is?",
    "Hello, I'd like to know when my parcel will arrive.",
    "Hi, I ordered headphones two weeks ago and I want to know where my parcel is?",
    "Hi, it still hasn't shipped. Can you check it?",
])
def test_greeting_opener_does_not_hide_the_request(text):
    assert understand(text).intent == Intent.ORDER_STATUS
