"""Records of the pure dialogue core: the facts the store gives, the state, the event, the decision.

The store (``agent.store``) builds :class:`OrderFacts`; the dialogue shell (``intents.dialogue``)
feeds :class:`Turn` events into :func:`intents.policy.decide.step`, which returns a :class:`Decision`.
Everything is frozen; nothing here touches a database or a clock.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime

from intents.types import Intent, IntentResult

ACTION_KINDS = ("refund", "reship", "coupon", "investigation", "return_label", "escalation", "callback")


@dataclass(frozen=True)
class CustomerFacts:
    """The order's customer, as the store knows them. Contact data is only compared, never spoken."""

    id: str
    name: str
    email: str = ""
    phone: str = ""
    country: str = ""
    postcode: str = ""
    language: str = "en"
    time_zone: str = "UTC"


@dataclass(frozen=True)
class EventFacts:
    """One tracking event."""

    at: datetime
    location: str
    status: str
    description: str


@dataclass(frozen=True)
class ShipmentFacts:
    """The order's parcel; ``events`` oldest first."""

    carrier: str
    tracking_number: str
    status: str
    eta: datetime | None = None
    delivered_at: datetime | None = None
    delivery_place: str = ""
    events: tuple[EventFacts, ...] = ()


@dataclass(frozen=True)
class ChangeFacts:
    """A change already made on the order (in this call or an earlier one)."""

    kind: str
    amount: float | None
    currency: str | None
    reason: str
    created_at: datetime
    call_id: str | None = None


@dataclass(frozen=True)
class ItemFacts:
    """One order line."""

    sku: str
    name: str
    qty: int
    unit_price: float


@dataclass(frozen=True)
class OrderFacts:
    """Everything about one order the dialogue may need (disclosed only after verification)."""

    id: str
    customer: CustomerFacts
    placed_at: datetime
    currency: str
    total: float
    items: tuple[ItemFacts, ...] = ()
    shipment: ShipmentFacts | None = None
    changes: tuple[ChangeFacts, ...] = ()
    cancelled: bool = False

    def has(self, kind: str) -> ChangeFacts | None:
        """The earliest change of ``kind`` on this order, if any."""
        for change in self.changes:
            if change.kind == kind:
                return change
        return None


class Stage(enum.Enum):
    """Where the call is."""

    AWAIT_PROBLEM = "await_problem"  # opener said; what happened?
    AWAIT_ORDER = "await_order"  # problem restated; which order?
    CONFIRM_ORDER = "confirm_order"  # "I heard order one oh four five two, is that right?"
    AWAIT_CONTACT = "await_contact"  # order known; email, phone or postcode to verify
    CHOOSE_REMEDY = "choose_remedy"  # "a reship or a refund?"
    CONFIRM_ACTION = "confirm_action"  # "shall I cancel it?"
    AWAIT_ADDRESS = "await_address"  # change of address: the new one
    OFFER_HUMAN = "offer_human"  # verification or lookup failed; a colleague?
    OFFER_CALLBACK = "offer_callback"  # store down; a callback?
    AWAIT_CALLBACK_NUMBER = "await_callback_number"  # a callback: which number?
    AWAIT_TIME_ZONE = "await_time_zone"  # a callback: where is the caller (their local time)?
    AWAIT_ALSO = "await_also"  # "you also mentioned ...": same order?
    ANYTHING_ELSE = "anything_else"  # solved; open door
    ENDED = "ended"


@dataclass(frozen=True)
class ActionRequest:
    """A change the core asks the shell to persist (idempotent per order and kind in the store)."""

    kind: str
    order_id: str | None
    amount: float | None = None
    currency: str | None = None
    reason: str = ""
    due_at: datetime | None = None  # callbacks: when a colleague calls
    language: str = "en"  # escalations and callbacks: the language the colleague must speak


@dataclass(frozen=True)
class DialogueState:
    """The whole memory of a call. ``order_id`` is confirmed; ``verified`` says it was verified."""

    stage: Stage = Stage.AWAIT_PROBLEM
    problem: Intent | None = None
    heard_order: str | None = None  # a candidate waiting for the caller's yes
    order_id: str | None = None
    verified: bool = False
    verified_customer: str | None = None  # customer id proven by the caller
    spell_mode: bool = False  # asked for the digits one by one
    order_misses: int = 0
    verify_failures: int = 0
    contact_unclear: int = 0  # answers to the verification question with no email, phone or postcode
    contact_digits: str = ""  # digits of half an answer to it, completed by the next (never stored)
    options: tuple[str, ...] = ()  # remedies offered in CHOOSE_REMEDY
    pending: str = ""  # what waits for a yes in CONFIRM_ACTION: "cancel" | "address" | "remedy"
    proposal: tuple[ActionRequest, ...] = ()  # pending "remedy": the changes a yes makes
    proposal_text: str = ""  # pending "remedy": what is said once they are made
    new_address: str = ""  # the address heard, read back before changing it
    escalated: bool = False
    turns: int = 0
    channel: str = "phone"  # "phone" (a voice line) or "chat" (text: no caller id, no number)
    caller_id: str = ""  # the calling number when the line gives one
    missed: int = 0  # turns in a row the agent did not understand
    also: tuple[Intent, ...] = ()  # further problems the caller mentioned, solved after this one
    near: tuple[str, ...] = ()  # orders near a number that matched none: never said; checked on verification
    callback_reason: str = ""  # a callback being set up: why
    callback_number: str = ""  # ... the number to call ("on file" when it is the order's)
    callback_tz: str = ""  # ... the caller's time zone
    last_reason: str = ""  # the policy's last explanation of a refusal, repeated on a dispute
    language: str = "en"  # ISO 639-1: the language the call is spoken in (replies are rendered in it)
    unserved: str = ""  # a language the caller spoke that the line does not serve (told once)


@dataclass(frozen=True)
class Turn:
    """One caller turn, with the store facts the shell fetched for it.

    ``candidates``: store order ids matching the heard digits, closest first; ``exact`` is true when
    the first candidate equals what was heard. ``orders``: facts for candidates and the call's order.
    ``store_ok`` is false when the store could not be reached.
    """

    text: str
    understood: IntentResult
    now: datetime
    heard: str | None = None
    candidates: tuple[str, ...] = ()
    exact: bool = False
    orders: tuple[OrderFacts, ...] = ()
    store_ok: bool = True
    keypad: bool = False
    problems: tuple[Intent, ...] = ()  # every problem named in the turn, in order (two in one sentence)
    locked: tuple[str, ...] = ()  # orders with too many wrong verification answers in the window
    language: str = "en"  # ISO 639-1: the language the caller spoke this turn in

    def order(self, order_id: str | None) -> OrderFacts | None:
        """Facts for ``order_id`` if the shell fetched them."""
        for facts in self.orders:
            if facts.id == order_id:
                return facts
        return None


@dataclass(frozen=True)
class Decision:
    """What the core decided: the next state, the words, the changes to persist."""

    state: DialogueState
    text: str
    intent: Intent = Intent.OTHER
    requests: tuple[ActionRequest, ...] = field(default_factory=tuple)
    end_call: bool = False
    # What the caller meant, read in context, where it differs from the NLU's context-free label:
    # after "Is there anything else?", "No, [anything], thank you" is a goodbye, not a deny.
    understood_as: Intent | None = None
    confirmed: bool = False  # the money requests were said and the caller said yes to them
    failed_orders: tuple[str, ...] = ()  # orders a wrong verification answer counts against
