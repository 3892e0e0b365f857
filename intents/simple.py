"""A minimal rule-based dialogue: greet, restate, say goodbye. Used when no store is wanted."""

from __future__ import annotations

import re
from typing import Any

from intents.types import Intent, Reply

_BYE = re.compile(r"\b(bye|goodbye|that's all|that is all|thanks?,? bye)\b", re.I)


class SimpleDialogue:
    """Restates what it heard and asks for confirmation; no lookups, no actions."""

    def __init__(self, agent_name: str = "Alex", store_name: str = "Northwind") -> None:
        self._intro = (f"Hi, this is {agent_name} from {store_name} after-sales. "
                       "I'm looking at this with you right now. What can I sort out for you?")

    def greeting(self) -> Reply:
        return Reply(self._intro, Intent.GREET)

    def on_partial(self, text: str) -> None:
        return None

    def on_final(self, text: str, language: str | None = None) -> Reply:  # English only
        if _BYE.search(text):
            return Reply("Thanks for calling. If anything else comes up, just call back, any time.",
                         Intent.GOODBYE, end_call=True)
        said = text.strip().rstrip(".?!")
        return Reply(f"Let me make sure I have this right: you said {said}. Is that right?",
                     Intent.OTHER)

    def answers(self, text: str) -> bool:
        return False  # it asks nothing in particular: turns end on silence

    def on_heard(self, reply_text: str, heard_text: str) -> None:
        return None

    def on_dtmf(self, digits: str) -> Reply | None:
        return None

    def close(self, channel: str = "voice", latency: dict[str, Any] | None = None) -> object:
        return None  # no store, nothing to record
