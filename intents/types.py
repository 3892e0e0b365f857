"""Records shared between the dialogue and the audio pipeline.

The pipeline only knows :class:`DialogueManager`: final transcripts go in, :class:`Reply`
records come out. Everything here is pure and frozen so that dialogue tests run without audio.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any, Protocol


class Intent(enum.StrEnum):
    ORDER_STATUS = "order_status"
    CUSTOMS_DELAY = "customs_delay"
    DELIVERED_NOT_RECEIVED = "delivered_not_received"
    DAMAGED_ITEM = "damaged_item"
    WRONG_ITEM = "wrong_item"
    RETURN_REQUEST = "return_request"
    REFUND_STATUS = "refund_status"
    CANCEL_ORDER = "cancel_order"
    CHANGE_ADDRESS = "change_address"
    HUMAN_AGENT = "human_agent"
    DISPUTE = "dispute"
    CALLBACK_REQUEST = "callback_request"
    AFFIRM = "affirm"
    DENY = "deny"
    GOODBYE = "goodbye"
    GREET = "greet"
    OTHER = "other"


@dataclass(frozen=True)
class Entities:
    """What one utterance names. Every field is a tuple in order of appearance."""

    order_ids: tuple[str, ...] = ()  # digits only, e.g. "10452"
    emails: tuple[str, ...] = ()  # normalised, lower case
    phones: tuple[str, ...] = ()  # digits with an optional leading "+"
    postcodes: tuple[str, ...] = ()  # upper case, single spaces ("SW1A 1AA", "28013")
    tracking_numbers: tuple[str, ...] = ()  # upper case, no spaces
    amounts: tuple[float, ...] = ()
    dates: tuple[str, ...] = ()  # ISO dates "2026-11-08"
    digits: str = ""  # every digit spoken or written in the utterance, in order


@dataclass(frozen=True)
class IntentResult:
    intent: Intent
    confidence: float  # 0..1
    entities: Entities = field(default_factory=Entities)
    # Other intents the words also carried strongly (score >= 0.8), best first: the stage decides
    # between readings only it can tell apart ("Great, thanks, that's it" confirms a number, but
    # answers "anything else?" with a close).
    also: tuple[Intent, ...] = ()


@dataclass(frozen=True)
class Action:
    """A change the call made in the store (a refund, a reship, ...)."""

    kind: str  # refund | reship | coupon | investigation | return_label | escalation | callback
    order_id: str | None = None
    amount: float | None = None
    currency: str | None = None


@dataclass(frozen=True)
class Reply:
    """What the agent says next, and what it did.

    ``text`` is spoken clause by clause; ``actions`` are the store changes made while deciding it;
    ``end_call`` asks the call to hang up once the reply has been heard; ``language`` is the
    language ``text`` is in.
    """

    text: str
    intent: Intent = Intent.OTHER
    actions: tuple[Action, ...] = ()
    end_call: bool = False
    language: str = "en"  # ISO 639-1: the language ``text`` is in (the voice is chosen from it)


class DialogueManager(Protocol):
    """The brain the pipeline talks to. Implementations must not block for long (< 50 ms)."""

    def greeting(self) -> Reply:
        """The opener, spoken when the call starts."""
        ...

    def on_partial(self, text: str) -> None:
        """An interim transcript of the caller's current turn (may be ignored)."""
        ...

    def on_final(self, text: str, language: str | None = None) -> Reply:
        """The caller's whole turn, recognised; returns the reply to speak. ``language``: the
        language the turn was spoken in when the channel knows it (ISO 639-1), else None."""
        ...

    def answers(self, text: str) -> bool:
        """True when ``text``, the caller's words so far, fully answers what the agent last asked.

        Called at every pause in the caller's speech to end the turn without waiting for the
        turn-end silence; must be fast (< 1 ms) and change nothing. False when unsure.
        """
        ...

    def on_heard(self, reply_text: str, heard_text: str) -> None:
        """The caller cut ``reply_text`` short and heard only ``heard_text`` (a prefix)."""
        ...

    def on_dtmf(self, digits: str) -> Reply | None:
        """Keypad digits ("0"-"9", "*", "#"); returns a reply or None to keep collecting."""
        ...

    def close(self, channel: str = "voice", latency: dict[str, Any] | None = None) -> object:
        """The call is over: save its record (transcript, latencies, changes). Never raises."""
        ...
