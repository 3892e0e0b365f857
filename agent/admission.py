"""Admission control for one worker of a fleet: who gets an agent, who gets a callback. Pure.

A worker runs at most ``max_calls`` calls: past that, every call's response latency grows (the
recognitions of several calls queue for the same cores), so one more admitted call makes every
caller wait. A call that arrives when the worker is full is not left in silence either: it hears
a short notice, a callback to its number is booked inside the team's hours, and it ends. Those
*overflow* calls cost a cached synthesis and a few kilobytes a second, so a worker takes up to
``max_overflow_calls`` of them beside its full load; past that it refuses outright.

A draining worker (SIGTERM) takes nothing new: the front door sends the call to another worker.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum
from zoneinfo import ZoneInfo

from intents.policy.types import ActionRequest
from intents.script import say_date, say_time


class WorkerState(Enum):
    """What ``/healthz`` reports: room for a call, full, or draining (no new calls ever)."""

    OK = "ok"
    FULL = "full"
    DRAINING = "draining"


class Admission(Enum):
    ADMIT = "admit"  # a full call with the agent
    OVERFLOW = "overflow"  # the busy notice and a booked callback
    REFUSE = "refuse"  # nothing: draining, or even the overflow slots are taken


@dataclass(frozen=True)
class WorkerLimits:
    max_calls: int
    max_overflow_calls: int


def worker_state(live_calls: int, limits: WorkerLimits, draining: bool) -> WorkerState:
    if draining:
        return WorkerState.DRAINING
    return WorkerState.OK if live_calls < limits.max_calls else WorkerState.FULL


def admit(live_calls: int, overflow_calls: int, limits: WorkerLimits, draining: bool) -> Admission:
    """The decision for one new call, given what the worker is running now."""
    state = worker_state(live_calls, limits, draining)
    if state is WorkerState.OK:
        return Admission.ADMIT
    if state is WorkerState.FULL and overflow_calls < limits.max_overflow_calls:
        return Admission.OVERFLOW
    return Admission.REFUSE


def sip_admission(live_calls: int, overflow_calls: int, limits: WorkerLimits, draining: bool,
                  behind_failover: bool, last_try: bool) -> Admission:
    """The decision for a SIP INVITE. Behind a front door that fails over on 503 (Kamailio), a
    full worker refuses so that the next one is tried, and only its last try (``last_try``: the
    front door has no worker left) gets the notice. That last try gets it from a draining worker
    too: the front door cannot retry a worker that already answered (482), so refusing it would
    leave the caller with a bare 503 while a notice slot is free."""
    decision = admit(live_calls, overflow_calls, limits, draining)
    if decision is Admission.OVERFLOW and behind_failover and not last_try:
        return Admission.REFUSE
    if (decision is Admission.REFUSE and draining and last_try
            and overflow_calls < limits.max_overflow_calls):
        return Admission.OVERFLOW
    return decision


@dataclass(frozen=True)
class CallbackHours:
    """When the team calls customers back: whole hours ``[open_hour, close_hour)`` on ``days``
    (0 = Monday), in ``time_zone``, at least ``lead_minutes`` from now."""

    time_zone: str = "Europe/London"
    open_hour: int = 8
    close_hour: int = 20
    days: tuple[int, ...] = (0, 1, 2, 3, 4, 5)
    lead_minutes: int = 60

    def __post_init__(self) -> None:
        ZoneInfo(self.time_zone)  # raises for an unknown zone, at config time
        if not 0 <= self.open_hour < self.close_hour <= 24:
            raise ValueError("callback hours: need 0 <= open_hour < close_hour <= 24")
        if not self.days or any(not 0 <= d <= 6 for d in self.days):
            raise ValueError("callback hours: days must name at least one of 0..6")


def callback_slot(now: datetime, hours: CallbackHours) -> datetime:
    """The first whole hour at least ``lead_minutes`` after ``now`` inside the team's hours,
    as an aware datetime in the team's zone. ``now`` must be aware."""
    zone = ZoneInfo(hours.time_zone)
    earliest = (now + timedelta(minutes=hours.lead_minutes)).astimezone(zone)
    t = earliest.replace(minute=0, second=0, microsecond=0)
    if t < earliest:
        t += timedelta(hours=1)
    for _ in range(24 * 8):  # a week and a day covers any set of open days
        if t.weekday() in hours.days and hours.open_hour <= t.hour < hours.close_hour:
            return t
        t = (t + timedelta(hours=1)).astimezone(zone)
    raise AssertionError("no open hour within a week")  # unreachable: days is non-empty


def _when(slot: datetime, now: datetime) -> str:
    return f"{say_date(slot, today=now.astimezone(slot.tzinfo).date())} at {say_time(slot)}"


# The first sentence of each message never changes: it is synthesised at start-up (see
# ``CallHost.warm_notices``) and plays at once while the sentence with the slot is synthesised.
BUSY_OPENING = "Thank you for calling. All our agents are busy right now."
DRAIN_OPENING = "I'm sorry, I have to end our call now."
MESSAGE_OPENINGS = (BUSY_OPENING, DRAIN_OPENING)


def busy_notice(slot: datetime, now: datetime, has_number: bool) -> str:
    """What a caller hears when every agent is busy (English for now)."""
    where = ", on the number you're calling from" if has_number else ""
    return f"{BUSY_OPENING} We'll call you back {_when(slot, now)}{where}. Goodbye."


def drain_apology(slot: datetime, now: datetime, has_number: bool) -> str:
    """What a live call hears when its worker must stop before the call ended."""
    where = ", on the number you're calling from" if has_number else ""
    return f"{DRAIN_OPENING} A colleague will call you back {_when(slot, now)}{where}. Goodbye."


def callback_request(reason: str, caller_number: str, slot: datetime) -> ActionRequest:
    """The callback row: the number is kept in the reason, as the dialogue's callbacks do."""
    number = caller_number or "unknown"
    return ActionRequest("callback", None, reason=f"{reason}; call {number}", due_at=slot)
