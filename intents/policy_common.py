"""Shared pieces of the pure core: local times, the close, escalation, callbacks, store trouble."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from intents.policy_config import DialogueConfig
from intents.policy_types import ActionRequest, Decision, DialogueState, OrderFacts, Stage, Turn
from intents.script import say_amount, say_date, say_number, say_time
from intents.types import Intent

ANYTHING_ELSE = "Is there anything else I can help with?"


def zone(name: str) -> ZoneInfo | timezone:
    """The time zone called ``name``; UTC when unknown."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def local(moment: datetime, tz_name: str) -> datetime:
    """``moment`` (naive means UTC) in the time zone ``tz_name``."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(zone(tz_name))


def today(turn: Turn, tz_name: str) -> date:
    """The caller's calendar day at the time of the turn."""
    return local(turn.now, tz_name).date()


def day(moment: datetime, turn: Turn, facts: OrderFacts) -> str:
    """A date in the customer's time zone, as spoken ("tomorrow", "Friday, November the ...")."""
    tz = facts.customer.time_zone
    return say_date(local(moment, tz), today(turn, tz))


def by_day(moment: datetime, turn: Turn, facts: OrderFacts) -> str:
    """A deadline as spoken: "by Friday, ..."; "today" (not "by today") when it is today or past."""
    spoken = day(moment, turn, facts)
    if spoken in ("today", "yesterday") or local(moment, facts.customer.time_zone).date() < today(
            turn, facts.customer.time_zone):
        return "today"
    return f"by {spoken}"


def day_time(moment: datetime, turn: Turn, facts: OrderFacts) -> str:
    """A date and a clock time in the customer's time zone, as spoken."""
    tz = facts.customer.time_zone
    return f"{say_date(local(moment, tz), today(turn, tz))} at {say_time(local(moment, tz))}"


def hours(n: int) -> str:
    """``2`` -> ``"two hours"``."""
    return f"{say_number(n)} hour" + ("" if n == 1 else "s")


def callback_due(now: datetime, config: DialogueConfig) -> datetime:
    """When a colleague calls back: now plus the promised hours, rounded up to the hour."""
    due = now + timedelta(hours=config.policy.callback_hours)
    if due.minute or due.second or due.microsecond:
        due = due.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    return due


def close(s: DialogueState, config: DialogueConfig, lead: str = "") -> Decision:
    """Layer 4: thank, leave the door open, hang up."""
    p = config.persona
    text = f"{lead}Thanks for calling {p.store_name}. {p.open_door} Goodbye."
    return Decision(replace(s, stage=Stage.ENDED), text, Intent.GOODBYE, end_call=True)


def store_down(s: DialogueState, config: DialogueConfig) -> Decision:
    """The store can't be reached: apologise, offer a callback, keep the call going."""
    h = hours(config.policy.callback_hours)
    return Decision(
        replace(s, stage=Stage.OFFER_CALLBACK),
        "I'm sorry, I can't reach our order system right now. "
        f"I can have a colleague call you back within {h}, once it's back. Would you like that?",
        Intent.OTHER,
    )


def book_callback(s: DialogueState, turn: Turn, config: DialogueConfig) -> Decision:
    """The caller accepted a callback after store trouble."""
    order_id = s.order_id if s.verified else None
    due = callback_due(turn.now, config)
    request = ActionRequest("callback", order_id, reason="order system unreachable", due_at=due)
    h = hours(config.policy.callback_hours)
    return Decision(
        replace(s, stage=Stage.ANYTHING_ELSE),
        f"Done. A colleague will call you back within {h}, at the number you're calling from. "
        f"Sorry again for the trouble. {ANYTHING_ELSE}",
        turn.understood.intent,
        (request,),
    )


def offer_human(s: DialogueState, lead: str, intent: Intent) -> Decision:
    """After three failed tries: offer a colleague instead of guessing."""
    return Decision(
        replace(s, stage=Stage.OFFER_HUMAN),
        f"{lead} I can have a colleague call you back to sort it out. Would you like that?",
        intent,
    )


def escalate(s: DialogueState, turn: Turn, config: DialogueConfig) -> Decision:
    """A person: an escalation with the transcript (attached by the shell) and a callback time."""
    intent = turn.understood.intent
    if s.escalated:
        return Decision(
            replace(s, stage=Stage.ANYTHING_ELSE),
            f"You're already booked. A colleague will call you back soon. {ANYTHING_ELSE}",
            intent,
        )
    facts = turn.order(s.order_id) if s.verified else None
    order_id = facts.id if facts is not None else None
    tz_name = facts.customer.time_zone if facts is not None else config.persona.default_time_zone
    due = callback_due(turn.now, config)
    when_local = local(due, tz_name)
    when = say_date(when_local, today(turn, tz_name)) + f" by {say_time(when_local)}"
    whose = "your time" if facts is not None else tz_name.replace("_", " ")
    reason = "caller asked for a person" if intent is Intent.HUMAN_AGENT else "verification failed"
    requests = (
        ActionRequest("escalation", order_id, reason=reason),
        ActionRequest("callback", order_id, reason=reason, due_at=due),
    )
    return Decision(
        replace(s, stage=Stage.ANYTHING_ELSE, escalated=True),
        "Of course. I've passed your call to a colleague, with everything we've said so far. "
        f"They'll call you back {when}, {whose}, at the number you're calling from. "
        f"You won't need to repeat anything. {ANYTHING_ELSE}",
        intent,
        requests,
    )


_REFUND_WORDS = re.compile(r"\b(refund|money back|my money|reimburse)", re.I)
_RESHIP_WORDS = re.compile(
    r"\b(reship|re-ship|resend|send (it|one|another|a new)|new one|replacement|replace|another one|again)",
    re.I,
)


def choice(text: str, options: tuple[str, ...]) -> str | None:
    """Which offered remedy the caller picked ("refund" / "reship"), or None."""
    refund = bool(_REFUND_WORDS.search(text)) and "refund" in options
    reship = bool(_RESHIP_WORDS.search(text)) and "reship" in options
    if refund and not reship:
        return "refund"
    if reship and not refund:
        return "reship"
    return None


def ok(s: DialogueState, text: str, turn: Turn, *requests: ActionRequest) -> Decision:
    """A solution given: move on to the open door."""
    state = replace(s, stage=Stage.ANYTHING_ELSE, options=(), pending="", new_address="")
    return Decision(state, f"{text} {ANYTHING_ELSE}", turn.understood.intent, tuple(requests))


def offer(s: DialogueState, text: str, turn: Turn, *requests: ActionRequest) -> Decision:
    """Offer a reship or a refund; the caller picks."""
    state = replace(s, stage=Stage.CHOOSE_REMEDY, options=("reship", "refund"))
    return Decision(state, text, turn.understood.intent, tuple(requests))


def money(facts: OrderFacts, amount: float | None = None) -> str:
    return say_amount(facts.total if amount is None else amount, facts.currency)


def already(facts: OrderFacts, turn: Turn, config: DialogueConfig) -> str | None:
    """What to say when a refund or a reship was already made on this order."""
    refund = facts.has("refund")
    if refund is not None:
        return (
            f"I see a refund of {money(facts, refund.amount)} was already issued, "
            f"{day(refund.created_at, turn, facts)}. "
            f"It reaches your card within {say_number(config.policy.refund_days)} business days. "
            "There's nothing else you need to do."
        )
    reship = facts.has("reship")
    if reship is not None:
        return (
            f"A replacement is already on its way; we set it up {day(reship.created_at, turn, facts)}. "
            "You'll find its tracking number in your email."
        )
    return None


def reason(s: DialogueState) -> str:
    return (s.problem.value if s.problem is not None else "other").replace("_", " ")
