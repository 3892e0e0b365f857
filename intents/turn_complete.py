"""Did the caller just answer what the agent asked? Then the turn can end without more silence.

Silence alone ends a turn late: 500 ms after "Yes, correct." is dead air, yet 500 ms is what a
caller pauses between "I ordered headphones two weeks ago." and "Can you tell me where they are?"
(measured on the scenario suite). The dialogue knows what it asked, so the words can decide:
five digits when it asked for the order number, a whole postcode when it asked for one, "a
refund, please" when it offered a refund or a reship. Pure: the words and the dialogue state in,
a yes or no out; fast enough (< 1 ms) to run on the event loop at every pause.

Each rule needs an answer that is *whole*, because ending a turn early on a fragment costs more
than the silence it saves: the rest of the sentence arrives over the agent's reply as a barge-in.
"""

from __future__ import annotations

import re

from intents.nlu import understand
from intents.policy import common as common
from intents.policy.types import CustomerFacts, DialogueState, Stage
from intents.policy.verify import contact_matches
from intents.types import Intent

# "Yes. [pause] Please." and "No, that's all, [pause] thank you." were split when a bare yes or
# no ended the turn (measured); a bare yes is often the start of more, so it waits for silence.
_MIN_YES_NO_WORDS = 2
_MIN_POSTCODE_CHARS = 5  # "SW1A 1AA", "28013", "1012 AB"; "606" or "1012" may be half of one
_MIN_PHONE_DIGITS = 9  # national numbers have 9-11 digits; fewer is a caller mid-dictation
_TRAILING_OFF = re.compile(r"(\.\.\.|…|,|-|—)$")
# ...unless the last words close the answer: "I'd prefer a refund, please..." waited 900 ms in
# the bench for words that never came (Whisper's dots are a guess about the audio's end).
_POLITE_CLOSE = re.compile(r"\b(please|thanks|thank you)\s*(\.\.\.|…)$", re.IGNORECASE)
_YES_NO_STAGES = frozenset({Stage.CONFIRM_ORDER, Stage.CONFIRM_ACTION, Stage.OFFER_HUMAN,
                            Stage.OFFER_CALLBACK})


def is_complete_answer(text: str, state: DialogueState, order_number_digits: int | None = 5,
                       customer: CustomerFacts | None = None) -> bool:
    """True when ``text`` (the caller's turn so far) fully answers the question ``state`` waits on.

    ``order_number_digits``: how many digits the shop's order numbers have (None: never judge an
    order number complete by its length). ``customer``: the confirmed order's customer, when the
    dialogue has it; then a verification answer is whole only when it matches (nothing leaks: the
    reply says "that matches" or "doesn't match" a moment later either way).
    """
    t = text.strip()
    if not t:
        return False
    understood = understand(t)
    intent, entities = understood.intent, understood.entities
    words = len(re.findall(r"[\w']+", t))
    stage = state.stage
    if stage is Stage.AWAIT_ORDER:
        # All the digits an order number has: complete even when Whisper writes "8, 0, 3, 1, 4..."
        # (it guesses the caller trails off; waiting 900 ms for more was measured in the bench).
        if order_number_digits is None:
            return False
        heard = entities.order_ids[0] if entities.order_ids else entities.digits
        return len(heard) >= order_number_digits
    if _TRAILING_OFF.search(t) and not _POLITE_CLOSE.search(t):
        return False
    if stage in _YES_NO_STAGES:
        return intent in (Intent.AFFIRM, Intent.DENY) and words >= _MIN_YES_NO_WORDS
    if stage is Stage.ANYTHING_ELSE:
        return intent in (Intent.DENY, Intent.GOODBYE) and words >= _MIN_YES_NO_WORDS
    if stage is Stage.AWAIT_CONTACT:
        if customer is not None:
            # Dictated numbers pause anywhere: "0 7 7 0 0 9 0 0 1 0 [pause] 3" has 10 digits before
            # the pause, and ending there failed the caller's verification (seen in CI). A mismatch
            # may be half an answer, so it waits for the silence.
            return contact_matches(customer, entities, t)
        postcodes = [p for p in entities.postcodes if len(re.sub(r"[\s-]", "", p)) >= _MIN_POSTCODE_CHARS]
        phones = [p for p in entities.phones if len(p.lstrip("+")) >= _MIN_PHONE_DIGITS]
        return bool(entities.emails or postcodes or phones)
    if stage is Stage.CHOOSE_REMEDY:
        return common.choice(t, state.options) is not None
    if stage is Stage.AWAIT_PROBLEM:
        # Only a request for a person is whole on its own: a problem statement is often followed
        # by a second sentence (the question), which a split would turn into a barge-in.
        return intent is Intent.HUMAN_AGENT
    return False  # an address, or a stage with nothing to wait for
