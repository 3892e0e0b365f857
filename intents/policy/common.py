"""Shared pieces of the pure core: local times, the close, escalation, callbacks, store trouble."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, date, datetime, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from intents.i18n import N_, t
from intents.i18n.spoken import relative_day, say_amount, say_date, say_number, say_time
from intents.policy import words
from intents.policy.config import DialogueConfig
from intents.policy.types import ActionRequest, Decision, DialogueState, OrderFacts, Stage, Turn
from intents.types import Intent

ANYTHING_ELSE = N_("Is there anything else I can help with?")  # a msgid: say it with t()

PROBLEMS = frozenset(
    {
        Intent.ORDER_STATUS,
        Intent.CUSTOMS_DELAY,
        Intent.DELIVERED_NOT_RECEIVED,
        Intent.DAMAGED_ITEM,
        Intent.WRONG_ITEM,
        Intent.RETURN_REQUEST,
        Intent.REFUND_STATUS,
        Intent.CANCEL_ORDER,
        Intent.CHANGE_ADDRESS,
    }
)

RESTATE = {
    Intent.ORDER_STATUS: N_("you'd like to know where your parcel is"),
    Intent.CUSTOMS_DELAY: N_("your parcel seems stuck at customs"),
    Intent.DELIVERED_NOT_RECEIVED: N_("the tracking says delivered, but you don't have the parcel"),
    Intent.DAMAGED_ITEM: N_("your item arrived damaged or doesn't work"),
    Intent.WRONG_ITEM: N_("you received the wrong item"),
    Intent.RETURN_REQUEST: N_("you'd like to return your order"),
    Intent.REFUND_STATUS: N_("you're asking about a refund"),
    Intent.CANCEL_ORDER: N_("you'd like to cancel your order"),
    Intent.CHANGE_ADDRESS: N_("you'd like to change the delivery address"),
}  # msgids: restated() renders them


def restated(problem: Intent) -> str:
    """The caller's problem said back to them, in the current language (a clause, no period)."""
    return t(RESTATE[problem])


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
    tz = facts.customer.time_zone
    now = today(turn, tz)
    if local(moment, tz).date() <= now:
        return relative_day(now, now) or ""
    return t("by {day}", day=day(moment, turn, facts))


def day_time(moment: datetime, turn: Turn, facts: OrderFacts) -> str:
    """A date and a clock time in the customer's time zone, as spoken."""
    tz = facts.customer.time_zone
    return t("{day} at {time}", day=say_date(local(moment, tz), today(turn, tz)),
             time=say_time(local(moment, tz)))


def close(s: DialogueState, config: DialogueConfig, lead: str = "") -> Decision:
    """Layer 4: thank, leave the door open, hang up."""
    p = config.persona
    thanks = t("Thanks for calling {store_name}.", store_name=p.store_name)
    text = f"{lead}{thanks} {t(p.open_door)} {t('Goodbye.')}"
    return Decision(replace(s, stage=Stage.ENDED), text, Intent.GOODBYE, end_call=True)


def store_down(s: DialogueState, config: DialogueConfig) -> Decision:
    """The store can't be reached: apologise, offer a callback (its slot is set when booked)."""
    return Decision(
        replace(s, stage=Stage.OFFER_CALLBACK),
        t("I'm sorry, I can't reach our order system right now. "
          "I can have a colleague call you back once it's working again. Would you like that?"),
        Intent.OTHER,
    )


def book_callback(s: DialogueState, turn: Turn, config: DialogueConfig) -> Decision:
    """The caller accepted a callback after store trouble (see :mod:`intents.policy.callback`)."""
    from intents.policy import callback as policy_callback

    return policy_callback.begin(s, turn, config, policy_callback.STORE_DOWN_REASON,
                                 lead=t("Sorry again for the trouble.") + " ")


def offer_human(s: DialogueState, lead: str, intent: Intent) -> Decision:
    """After three failed tries: offer a colleague instead of guessing."""
    return Decision(
        replace(s, stage=Stage.OFFER_HUMAN),
        lead + " " + t("I can have a colleague call you back to sort it out. Would you like that?"),
        intent,
    )


def escalate(s: DialogueState, turn: Turn, config: DialogueConfig, reason: str = "") -> Decision:
    """A person: an escalation and a callback slot (see :mod:`intents.policy.callback`)."""
    from intents.policy import callback as policy_callback

    return policy_callback.escalate(s, turn, config, reason)


_REFUND_WORDS = re.compile(r"\b(refund|money back|my money|reimburse)", re.I)
_RESHIP_WORDS = re.compile(
    r"\b(reship|re-ship|resend|send (it|one|another|a new)|new one|replacement|replace|another one|again)",
    re.I,
)


def choice(text: str, options: tuple[str, ...]) -> str | None:
    """Which offered remedy the caller picked ("refund" / "reship"), or None."""
    refund = bool(_REFUND_WORDS.search(text) or words.has(words.REFUND, text)) and "refund" in options
    reship = bool(_RESHIP_WORDS.search(text) or words.has(words.RESHIP, text)) and "reship" in options
    if refund and not reship:
        return "refund"
    if reship and not refund:
        return "reship"
    return None


def ok(
    s: DialogueState, text: str, turn: Turn, *requests: ActionRequest, confirmed: bool = False
) -> Decision:
    """A solution given: move on to the open door. ``confirmed``: the caller said yes to the money
    requests among ``requests`` (else :func:`intents.policy.remedy.wrap_unconfirmed` asks first)."""
    state = replace(s, stage=Stage.ANYTHING_ELSE, options=(), pending="", new_address="", proposal=(),
                    proposal_text="")
    return Decision(state, f"{text} {t(ANYTHING_ELSE)}", turn.understood.intent, tuple(requests),
                    confirmed=confirmed)


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
        return t(
            "That's already done: a refund of {amount} was issued {when}. "
            "It reaches your card within {days} business days. "
            "There's nothing else you need to do.",
            amount=money(facts, refund.amount), when=_on_day(refund.created_at, turn, facts),
            days=say_number(config.policy.refund_days),
        )
    reship = facts.has("reship")
    if reship is not None:
        return t(
            "That's already done: a replacement was set up {when}. "
            "You'll find its tracking number in your email.",
            when=_on_day(reship.created_at, turn, facts),
        )
    return None


def _on_day(moment: datetime, turn: Turn, facts: OrderFacts) -> str:
    """"today", "yesterday", or "on Friday, November the ..."."""
    tz = facts.customer.time_zone
    near = relative_day(local(moment, tz), today(turn, tz))
    return near if near is not None else t("on {day}", day=day(moment, turn, facts))


def reason(s: DialogueState) -> str:
    return (s.problem.value if s.problem is not None else "other").replace("_", " ")
