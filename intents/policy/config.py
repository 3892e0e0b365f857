"""Policy values and persona, loaded from YAML and validated with pydantic at the edge.

``configs/policy.yaml`` holds the business rules (coupon threshold, return windows, customs hold
threshold, refund-without-return limit); ``configs/persona.yaml`` holds who is speaking (store name,
agent name, tone). Both have defaults so the dialogue runs without any file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from intents.i18n import N_

CONFIG_DIR = Path(__file__).resolve().parent.parent / "configs"

EU_COUNTRIES = [
    "AT",
    "BE",
    "BG",
    "HR",
    "CY",
    "CZ",
    "DK",
    "EE",
    "FI",
    "FR",
    "DE",
    "GR",
    "HU",
    "IE",
    "IT",
    "LV",
    "LT",
    "LU",
    "MT",
    "NL",
    "PL",
    "PT",
    "RO",
    "SK",
    "SI",
    "ES",
    "SE",
]


class ConfigError(ValueError):
    """A configuration file is missing, not YAML, or has a bad value (message names file and field)."""


class PolicyConfig(BaseModel):
    """Business rules of the after-sales policy. Amounts are in the order's currency."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    coupon_threshold: float = Field(
        default=50.0, gt=0, description="under this total: refund + coupon, keep the item"
    )
    coupon_value: float = Field(
        default=10.0, gt=0, description="goodwill coupon on the next order, order currency"
    )
    refund_without_return_max: float = Field(
        default=30.0, ge=0, description="returns up to this total keep the item"
    )
    return_window_days: dict[str, int] = Field(default_factory=lambda: {"EU": 14, "default": 30})
    eu_countries: tuple[str, ...] = Field(default=tuple(EU_COUNTRIES))
    customs_hold_days: int = Field(
        default=7, ge=1, description="a hold longer than this is a delay to act on"
    )
    investigation_days: int = Field(default=5, ge=1, description="working days for the carrier to answer")
    refund_days: int = Field(default=5, ge=0, description="business days for a refund to reach the card")
    reship_days: int = Field(default=2, ge=0, description="days until a replacement is dispatched")
    dispatch_days: int = Field(
        default=2, ge=0, description="days from order to dispatch when not shipped yet"
    )
    transit_days: int = Field(default=10, ge=1, description="typical transit when no ETA is known")
    callback_hours: int = Field(
        default=2, ge=1, description="kept for old files; the slot comes from configs/callbacks.yaml"
    )
    max_verification_attempts: int = Field(default=3, ge=1)
    max_order_number_attempts: int = Field(default=3, ge=1)
    verify_failure_limit: int = Field(
        default=5, ge=1, description="wrong verification answers per order, across calls, before only a "
        "callback to the number on file is offered",
    )
    verify_failure_window_hours: int = Field(default=24, ge=1, description="the window of that limit")
    max_text_chars: int = Field(
        default=500, ge=50, description="caller text longer than this is cut before it is used"
    )
    max_address_chars: int = Field(default=160, ge=30, description="a longer new address is refused")
    order_number_digits: int | None = Field(
        default=5, ge=4, le=8,
        description="digits in the shop's order numbers: a caller who said them all needs no more "
        "silence to end the turn (null: always wait)",
    )

    def return_window(self, country: str) -> int:
        """Days a customer in ``country`` (ISO code) has to return an item after delivery."""
        code = country.upper()
        if code in self.return_window_days:
            return self.return_window_days[code]
        if code in self.eu_countries and "EU" in self.return_window_days:
            return self.return_window_days["EU"]
        return self.return_window_days.get("default", 30)


class CallbackHours(BaseModel):
    """When the team calls back: its opening hours in its own time zone, and hours the caller is awake."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    time_zone: str = "Europe/London"
    open_hour: int = Field(default=8, ge=0, le=23, description="first hour a call may start, team time")
    close_hour: int = Field(default=20, ge=1, le=24, description="calls end by this hour, team time")
    days: tuple[int, ...] = Field(default=(0, 1, 2, 3, 4, 5), description="0 = Monday ... 6 = Sunday")
    caller_first_hour: int = Field(default=8, ge=0, le=23, description="earliest hour, caller's time")
    caller_last_hour: int = Field(default=21, ge=1, le=24, description="calls end by this hour, caller's")
    lead_minutes: int = Field(default=60, ge=0, description="the earliest slot starts this long from now")


class Persona(BaseModel):
    """Who is speaking: store, agent name, team, and the open-door line."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    store_name: str = "Northwind"
    agent_name: str = "Alex"
    # Msgids: said in the call's language when the catalogue has them (a custom text stays as written).
    team: str = N_("after-sales")
    promise: str = N_("I'll sort this out with you right now.")
    open_door: str = N_("If anything else comes up, just call back, any time.")
    default_time_zone: str = "UTC"


class DialogueConfig(BaseModel):
    """Everything the dialogue needs: policy plus persona."""

    model_config = ConfigDict(frozen=True)

    policy: PolicyConfig = Field(default_factory=lambda: PolicyConfig())
    persona: Persona = Field(default_factory=lambda: Persona())
    callbacks: CallbackHours = Field(default_factory=lambda: CallbackHours())


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read ({exc.strerror})") from exc
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark is not None else ""
        raise ConfigError(f"{path}:{where} not valid YAML") from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping at the top level")
    return data


def _validate(model: type[BaseModel], data: dict[str, Any], path: Path | str) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        field = ".".join(str(p) for p in err["loc"]) or "(top)"
        raise ConfigError(f"{path}: field {field!r}: {err['msg']}") from exc


def load_policy(path: Path | str | None = None) -> PolicyConfig:
    """Load ``configs/policy.yaml`` (or ``path``); defaults when the default file is absent."""
    p = Path(path) if path is not None else CONFIG_DIR / "policy.yaml"
    if path is None and not p.exists():
        return PolicyConfig()
    result: PolicyConfig = _validate(PolicyConfig, _read_yaml(p), p)
    return result


def load_persona(path: Path | str | None = None) -> Persona:
    """Load ``configs/persona.yaml`` (or ``path``); defaults when the default file is absent."""
    p = Path(path) if path is not None else CONFIG_DIR / "persona.yaml"
    if path is None and not p.exists():
        return Persona()
    result: Persona = _validate(Persona, _read_yaml(p), p)
    return result


def load_callbacks(path: Path | str | None = None) -> CallbackHours:
    """Load ``configs/callbacks.yaml`` (or ``path``); defaults when the default file is absent."""
    p = Path(path) if path is not None else CONFIG_DIR / "callbacks.yaml"
    if path is None and not p.exists():
        return CallbackHours()
    result: CallbackHours = _validate(CallbackHours, _read_yaml(p), p)
    return result


def load_config(
    policy_path: Path | str | None = None,
    persona_path: Path | str | None = None,
    callbacks_path: Path | str | None = None,
) -> DialogueConfig:
    """Policy, persona and callback hours; raises :class:`ConfigError` with file and field on bad input."""
    return DialogueConfig(
        policy=load_policy(policy_path), persona=load_persona(persona_path),
        callbacks=load_callbacks(callbacks_path),
    )
