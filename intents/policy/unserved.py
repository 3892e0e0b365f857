"""A caller speaking a language the line does not serve: the fixed message in their language, and a
callback by a colleague who speaks it. Pure.

The first time, the message is said, an escalation and a callback carrying the caller's language are
requested, and the call stays open for one more turn (the caller may switch to a served language
once they hear which ones there are). Still unserved on the next turn: the message again, and the
call ends.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from intents.i18n.unserved import language_name, unserved_message
from intents.policy import callback as policy_callback
from intents.policy.config import DialogueConfig
from intents.policy.types import ActionRequest, DialogueState, Stage


@dataclass(frozen=True)
class UnservedDecision:
    state: DialogueState
    text: str
    language: str  # the language ``text`` is in
    requests: tuple[ActionRequest, ...]
    end_call: bool


def decide(
    s: DialogueState, language: str, served: tuple[str, ...], now: datetime, config: DialogueConfig
) -> UnservedDecision:
    """The reply to a turn in ``language`` (not in ``served``)."""
    message = unserved_message(language, served)
    if s.unserved == language:  # heard it once already and still can't go on: end the call
        return UnservedDecision(replace(s, stage=Stage.ENDED), message.text, message.language, (), True)
    number = s.caller_id if s.channel == "phone" else ""
    tz = (policy_callback.zone_of_number(number) if number else None) or config.callbacks.time_zone
    reason = f"caller speaks {language_name(language, 'en')} ({language}), not served"
    requests: tuple[ActionRequest, ...] = ()
    if not s.escalated:
        due = policy_callback.slot(now, tz, config)
        requests = (
            ActionRequest("escalation", None, reason=reason, language=language),
            ActionRequest("callback", None, reason=f"{reason}; call {number or 'number unknown'} ({tz})",
                          due_at=due, language=language),
        )
    state = replace(s, unserved=language, escalated=True, turns=s.turns + 1)
    return UnservedDecision(state, message.text, message.language, requests, False)
