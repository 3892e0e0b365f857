"""Callbacks that can be kept: a concrete slot inside the team's hours, in the caller's local time,
to a number the agent actually has.

The number: the one on file once the caller is verified, else the line's caller id (a phone call),
else asked (a text chat has none). The time zone: the customer's record once verified (derived from
the country when the record has none), else from the number's country code, else asked. Pure.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from zoneinfo import available_timezones

from intents.i18n import N_, current_language, t
from intents.i18n.spoken import say_date, say_digits, say_number, say_time
from intents.policy import places
from intents.policy.common import ANYTHING_ELSE, local, zone
from intents.policy.config import DialogueConfig
from intents.policy.types import ActionRequest, Decision, DialogueState, OrderFacts, Stage, Turn
from intents.types import Intent

# Countries in one time zone; countries spanning several (US, CA, AU, BR, RU, MX) are asked.
COUNTRY_ZONES = {
    "ES": "Europe/Madrid", "GB": "Europe/London", "UK": "Europe/London", "IE": "Europe/Dublin",
    "FR": "Europe/Paris", "DE": "Europe/Berlin", "IT": "Europe/Rome", "PT": "Europe/Lisbon",
    "PL": "Europe/Warsaw", "BE": "Europe/Brussels", "NL": "Europe/Amsterdam", "AT": "Europe/Vienna",
    "CH": "Europe/Zurich", "SE": "Europe/Stockholm", "DK": "Europe/Copenhagen", "NO": "Europe/Oslo",
    "FI": "Europe/Helsinki", "GR": "Europe/Athens", "CZ": "Europe/Prague", "HU": "Europe/Budapest",
    "RO": "Europe/Bucharest", "BG": "Europe/Sofia", "HR": "Europe/Zagreb", "SK": "Europe/Bratislava",
    "SI": "Europe/Ljubljana", "LU": "Europe/Luxembourg", "EE": "Europe/Tallinn", "LV": "Europe/Riga",
    "LT": "Europe/Vilnius", "MT": "Europe/Malta", "CY": "Asia/Nicosia", "JP": "Asia/Tokyo",
    "NZ": "Pacific/Auckland", "IN": "Asia/Kolkata", "SG": "Asia/Singapore", "ZA": "Africa/Johannesburg",
}
# Calling codes of those countries (longest first when matching).
CALLING_CODES = {
    "34": "ES", "44": "GB", "353": "IE", "33": "FR", "49": "DE", "39": "IT", "351": "PT", "48": "PL",
    "32": "BE", "31": "NL", "43": "AT", "41": "CH", "46": "SE", "45": "DK", "47": "NO", "358": "FI",
    "30": "GR", "420": "CZ", "36": "HU", "40": "RO", "359": "BG", "385": "HR", "421": "SK", "386": "SI",
    "352": "LU", "372": "EE", "371": "LV", "370": "LT", "356": "MT", "357": "CY", "81": "JP",
    "64": "NZ", "91": "IN", "65": "SG", "27": "ZA",
}
_NAMES = {
    "spain": "ES", "britain": "GB", "england": "GB", "scotland": "GB", "wales": "GB", "uk": "GB",
    "united kingdom": "GB", "ireland": "IE", "france": "FR", "germany": "DE", "italy": "IT",
    "portugal": "PT", "poland": "PL", "belgium": "BE", "netherlands": "NL", "holland": "NL",
    "austria": "AT", "switzerland": "CH", "sweden": "SE", "denmark": "DK", "norway": "NO",
    "finland": "FI", "greece": "GR", "japan": "JP", "new zealand": "NZ", "india": "IN",
}
# Big cities that are not the name of their IANA zone.
_CITY_ALIASES = {
    "san francisco": "America/Los_Angeles", "seattle": "America/Los_Angeles",
    "san diego": "America/Los_Angeles", "portland": "America/Los_Angeles",
    "las vegas": "America/Los_Angeles", "california": "America/Los_Angeles",
    "boston": "America/New_York", "washington": "America/New_York", "miami": "America/New_York",
    "atlanta": "America/New_York", "philadelphia": "America/New_York", "florida": "America/New_York",
    "dallas": "America/Chicago", "houston": "America/Chicago", "austin": "America/Chicago",
    "texas": "America/Chicago", "minneapolis": "America/Chicago", "salt lake city": "America/Denver",
    "montreal": "America/Toronto", "ottawa": "America/Toronto", "calgary": "America/Edmonton",
    "manchester": "Europe/London", "birmingham": "Europe/London", "glasgow": "Europe/London",
    "edinburgh": "Europe/London", "barcelona": "Europe/Madrid", "seville": "Europe/Madrid",
    "valencia": "Europe/Madrid", "munich": "Europe/Berlin", "hamburg": "Europe/Berlin",
    "frankfurt": "Europe/Berlin", "cologne": "Europe/Berlin", "lyon": "Europe/Paris",
    "marseille": "Europe/Paris", "milan": "Europe/Rome", "naples": "Europe/Rome", "porto": "Europe/Lisbon",
    "krakow": "Europe/Warsaw", "rotterdam": "Europe/Amsterdam", "antwerp": "Europe/Brussels",
    "geneva": "Europe/Zurich", "cork": "Europe/Dublin", "brisbane": "Australia/Brisbane",
}
_US_WORDS = {
    "eastern": "America/New_York", "central": "America/Chicago", "mountain": "America/Denver",
    "pacific": "America/Los_Angeles",
}
NUMBER_ON_FILE = "on file"
PASSED = N_("Of course. I've passed your call to a colleague, with everything we've said so far.")
STORE_DOWN_REASON = "order system unreachable"


def zone_of_country(country: str) -> str | None:
    """The time zone of a single-zone country (ISO code), else None."""
    return COUNTRY_ZONES.get(country.upper())


def zone_of_number(number: str) -> str | None:
    """The time zone implied by an international number's country code ("+34 ..." -> Madrid)."""
    digits = re.sub(r"\D", "", number)
    if not number.strip().startswith("+") and not digits.startswith("00"):
        return None
    digits = digits.removeprefix("00")
    for n in (3, 2):
        country = CALLING_CODES.get(digits[:n])
        if country is not None:
            return zone_of_country(country)
    return None


@lru_cache(maxsize=1)
def _cities() -> dict[str, str]:
    out: dict[str, str] = {}
    for name in available_timezones():
        if "/" in name and not name.startswith(("Etc/", "SystemV/", "US/")):
            out[name.rsplit("/", 1)[1].replace("_", " ").lower()] = name
    return out


def zone_of_text(text: str) -> str | None:
    """A time zone named in the caller's words: a city ("Madrid"), a country, or a US zone word; in
    English first, then in the other served languages."""
    lower = " " + re.sub(r"[^a-z ]", " ", text.lower()) + " "
    for word, tz in _US_WORDS.items():
        if f" {word} " in lower:
            return tz
    for city, tz in sorted(_CITY_ALIASES.items(), key=lambda kv: -len(kv[0])):
        if f" {city} " in lower:
            return tz
    for name, country in sorted(_NAMES.items(), key=lambda kv: -len(kv[0])):
        if f" {name} " in lower:
            return zone_of_country(country)
    for city, tz in sorted(_cities().items(), key=lambda kv: -len(kv[0])):
        if len(city) >= 4 and f" {city} " in lower:
            return tz
    return places.zone_in(text, COUNTRY_ZONES)  # "Ich bin in Wien", "en Allemagne", "東京"


def customer_zone(facts: OrderFacts) -> str | None:
    """The customer's own time zone: the record's, else the country's; None when neither is known."""
    tz = facts.customer.time_zone
    if tz and tz != "UTC":
        return tz
    return zone_of_country(facts.customer.country) or (tz or None)


def slot(now: datetime, caller_tz: str, config: DialogueConfig) -> datetime:
    """The first whole hour, at least ``lead_minutes`` away, inside the team's hours and the caller's
    waking hours; UTC. Falls back to the first team hour when the two never overlap in two weeks."""
    cb = config.callbacks
    t = now.astimezone(UTC) + timedelta(minutes=cb.lead_minutes)
    if t.minute or t.second or t.microsecond:
        t = t.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    first_team: datetime | None = None
    for _ in range(24 * 14):
        team = t.astimezone(zone(cb.time_zone))
        mine = t.astimezone(zone(caller_tz))
        if team.weekday() in cb.days and cb.open_hour <= team.hour < cb.close_hour:
            first_team = first_team or t
            if cb.caller_first_hour <= mine.hour < cb.caller_last_hour:
                return t
        t += timedelta(hours=1)
    return first_team or t


def _period(hour: int) -> str:
    if hour < 12:
        return t("in the morning")
    if hour < 18:
        return t("in the afternoon")
    return t("in the evening")


def say_slot(start: datetime, caller_tz: str, now: datetime) -> str:
    """"tomorrow between nine and ten in the morning" in the caller's local time."""
    mine = local(start, caller_tz)
    day = say_date(mine, local(now, caller_tz).date())
    if current_language() != "en":  # a 24-hour clock or the language's own way of saying hours
        return t("{day} between {start} and {end}", day=day, start=say_time(mine),
                 end=say_time(mine + timedelta(hours=1)))
    h1, h2 = mine.hour % 12 or 12, (mine.hour + 1) % 12 or 12
    if mine.hour == 11:
        return f"{day} between eleven and noon"
    return f"{day} between {say_number(h1)} and {say_number(h2)} {_period(mine.hour)}"


def begin(s: DialogueState, turn: Turn, config: DialogueConfig, reason: str, lead: str = "") -> Decision:
    """Set up a callback: find the number and the time zone (asking for what is missing), then book."""
    facts = turn.order(s.order_id) if s.verified or s.callback_number == NUMBER_ON_FILE else None
    number = s.callback_number
    tz = s.callback_tz
    if facts is not None:
        number = number or (NUMBER_ON_FILE if facts.customer.phone else "")
        tz = tz or customer_zone(facts) or ""
    if not number and s.channel == "phone" and s.caller_id:
        number = s.caller_id
    if number and not tz and number != NUMBER_ON_FILE:
        tz = zone_of_number(number) or ""
    s = replace(s, callback_reason=reason, callback_number=number, callback_tz=tz)
    if not number:
        return Decision(replace(s, stage=Stage.AWAIT_CALLBACK_NUMBER),
                        (lead + t("What number should they call you on?")).strip(), turn.understood.intent)
    if not tz:
        return Decision(replace(s, stage=Stage.AWAIT_TIME_ZONE),
                        (lead + t("So they call at a good time for you: "
                                  "which city or country are you in?")).strip(),
                        turn.understood.intent)
    return _book(s, turn, config, lead)


def _book(
    s: DialogueState, turn: Turn, config: DialogueConfig, lead: str, whose: str | None = None
) -> Decision:
    whose = whose or t("your time")
    facts = turn.order(s.order_id) if s.verified or s.callback_number == NUMBER_ON_FILE else None
    order_id = facts.id if facts is not None else None
    start = slot(turn.now, s.callback_tz, config)
    number = s.callback_number
    if number == NUMBER_ON_FILE:
        where = t("on the number we have on file for you")
        phone = facts.customer.phone if facts is not None else ""
    elif number == s.caller_id and s.channel == "phone":
        where, phone = t("on the number you're calling from"), number
    else:
        tail = re.sub(r"\D", "", number)[-3:]
        where, phone = t("on the number ending {digits}", digits=say_digits(tail)), number
    reason = s.callback_reason or "callback"
    callback = ActionRequest("callback", order_id, reason=f"{reason}; call {phone} ({s.callback_tz})",
                             due_at=start, language=s.language)
    # With the store down only the callback is kept (spooled); an escalation could not be saved.
    requests = (callback,) if reason == STORE_DOWN_REASON else (
        ActionRequest("escalation", order_id, reason=reason, language=s.language), callback)
    text = lead + t(
        "A colleague will call you {slot}, {whose}, {where}. "
        "They'll have a summary of our call, so you won't need to repeat anything.",
        slot=say_slot(start, s.callback_tz, turn.now), whose=whose, where=where,
    ) + " " + t(ANYTHING_ELSE)
    state = replace(s, stage=Stage.ANYTHING_ELSE, escalated=reason != STORE_DOWN_REASON, callback_reason="")
    return Decision(state, text.strip(), turn.understood.intent, requests)


def escalate(s: DialogueState, turn: Turn, config: DialogueConfig, reason: str = "") -> Decision:
    """A person: an escalation with the transcript (attached by the shell) and a callback slot."""
    intent = turn.understood.intent
    if s.escalated:
        return Decision(
            replace(s, stage=Stage.ANYTHING_ELSE),
            t("You're already booked; a colleague will call you back.") + " " + t(ANYTHING_ELSE),
            intent,
        )
    why = reason or ("caller asked for a person" if intent is Intent.HUMAN_AGENT else "verification failed")
    return begin(s, turn, config, why, lead=t(PASSED) + " ")


def on_number(s: DialogueState, turn: Turn, config: DialogueConfig) -> Decision:
    """AWAIT_CALLBACK_NUMBER: a number is a number here, never a new problem."""
    e = turn.understood.entities
    found = [p for p in (*e.phones, e.digits) if len(re.sub(r"\D", "", p)) >= 7]
    if not found:
        if turn.understood.intent is Intent.DENY:
            return Decision(replace(s, stage=Stage.ANYTHING_ELSE, callback_reason=""),
                            t("All right, no callback then.") + " " + t(ANYTHING_ELSE),
                            turn.understood.intent)
        return Decision(s, t("Sorry, I didn't get the number. Please say it digit by digit, with the country "
                             "code if you're outside the UK."), turn.understood.intent)
    number = found[0]
    plus = "+" if "+" in turn.text or re.search(r"\bplus\b", turn.text, re.IGNORECASE) else ""
    number = plus + re.sub(r"\D", "", number)
    return begin(replace(s, callback_number=number), turn, config, s.callback_reason)


def on_time_zone(s: DialogueState, turn: Turn, config: DialogueConfig) -> Decision:
    """AWAIT_TIME_ZONE: a city, a country or a zone word. Anything else (a misheard city, a goodbye)
    still books the promised callback, said in the team's own time, named, never as "your time"."""
    tz = zone_of_text(turn.text)
    if tz is not None:
        return _book(replace(s, callback_tz=tz, missed=0), turn, config, "")
    team = config.callbacks.time_zone
    return _book(replace(s, callback_tz=team, missed=0), turn, config,
                 t("Sorry, I didn't catch the place.") + " ",
                 whose=t("{city} time", city=team.rsplit("/", 1)[-1].replace("_", " ")))
