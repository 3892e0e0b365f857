"""Fixtures: the ``fixtures:`` mapping of a scenario (or a ``store load`` file), validated then loaded.

Shape::

    customers: [{id, name, email, phone, country, postcode, language, time_zone}]
    orders: [{id, customer, placed_at, currency, items: [{sku, name, qty, unit_price}], total?,
              cancelled?, shipment?: {carrier, tracking_number, status, eta, delivered_at,
              delivery_place, events: [{at, location, status, description}]}}]
    changes: [{kind, order, amount?, currency?, reason?, created_at}]   # earlier refunds etc.

The total is the sum of the items unless given. Every error names the row and the field; nothing is
loaded unless every row is good (one transaction).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from sqlalchemy.orm import Session

from agent.store.models import (
    CHANGE_MODELS,
    Customer,
    Order,
    OrderItem,
    Shipment,
    TrackingEvent,
)

Status = Literal[
    "label_created", "in_transit", "customs_hold", "out_for_delivery", "delivered", "exception", "returned"
]
ChangeKind = Literal["refund", "reship", "coupon", "investigation", "return_label", "escalation", "callback"]

COUNTRY_ZONES = {
    "ES": "Europe/Madrid",
    "FR": "Europe/Paris",
    "DE": "Europe/Berlin",
    "IT": "Europe/Rome",
    "NL": "Europe/Amsterdam",
    "PL": "Europe/Warsaw",
    "IE": "Europe/Dublin",
    "GB": "Europe/London",
    "UK": "Europe/London",
    "US": "America/New_York",
    "CA": "America/Toronto",
    "AU": "Australia/Sydney",
    "JP": "Asia/Tokyo",
    "CN": "Asia/Shanghai",
    "SE": "Europe/Stockholm",
}


class FixtureError(ValueError):
    """A bad fixture row; the message names the row and the field."""


def to_utc(value: Any) -> datetime:
    """A date, datetime or ISO string as an aware UTC datetime (dates at midnight UTC)."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime(value.year, value.month, value.day)
    elif isinstance(value, str):
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    else:
        raise ValueError("expected a date or an ISO date-time")
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


class _Row(BaseModel):
    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="before")
    @classmethod
    def _scalars_as_text(cls, v: Any, info: Any) -> Any:
        field = cls.model_fields.get(info.field_name)
        if field is not None and field.annotation in (str, "str") and isinstance(v, int | float):
            return str(v)
        return v


class _When(_Row):
    @field_validator(
        "at", "placed_at", "eta", "delivered_at", "created_at", mode="before", check_fields=False
    )
    @classmethod
    def _when(cls, v: Any) -> Any:
        return None if v is None else to_utc(v)


class CustomerRow(_Row):
    id: str
    name: str
    email: str = ""
    phone: str = ""
    country: str = Field(default="", max_length=2)
    postcode: str = ""
    language: str = "en"
    time_zone: str | None = None


class ItemRow(_Row):
    sku: str = ""
    name: str
    qty: int = Field(default=1, ge=1)
    unit_price: float = Field(ge=0)


class EventRow(_When):
    at: datetime
    location: str = ""
    status: Status
    description: str = ""


class ShipmentRow(_When):
    carrier: str
    tracking_number: str = ""
    status: Status
    eta: datetime | None = None
    delivered_at: datetime | None = None
    delivery_place: str = ""
    events: list[EventRow] = Field(default_factory=list)


class OrderRow(_When):
    id: str
    customer: str
    placed_at: datetime
    currency: str = Field(min_length=3, max_length=3)
    items: list[ItemRow] = Field(default_factory=list)
    total: float | None = Field(default=None, ge=0)
    cancelled: bool = False
    shipment: ShipmentRow | None = None


class ChangeRow(_When):
    kind: ChangeKind
    order: str
    amount: float | None = None
    currency: str | None = None
    reason: str = ""
    created_at: datetime
    call_id: str | None = None


class Fixtures(BaseModel):
    """The whole ``fixtures:`` mapping, validated."""

    model_config = ConfigDict(extra="forbid")

    customers: list[CustomerRow] = Field(default_factory=list)
    orders: list[OrderRow] = Field(default_factory=list)
    changes: list[ChangeRow] = Field(default_factory=list)


def _row_name(data: Mapping[str, Any], loc: tuple[Any, ...]) -> tuple[str, tuple[Any, ...]]:
    """ "orders[1] (id 10452)" and the rest of the location, from a pydantic error location."""
    if len(loc) >= 2 and isinstance(loc[1], int):
        table, index = str(loc[0]), loc[1]
        rows = data.get(table)
        ident = ""
        if isinstance(rows, list) and index < len(rows) and isinstance(rows[index], Mapping):
            row_id = rows[index].get("id")
            ident = f" (id {row_id})" if row_id is not None else ""
        return f"{table}[{index}]{ident}", loc[2:]
    return (str(loc[0]) if loc else "fixtures"), loc[1:]


def parse(data: Mapping[str, Any] | None) -> Fixtures:
    """Validate a fixtures mapping; raises :class:`FixtureError` naming the first bad row and field."""
    if data is None:
        return Fixtures()
    if not isinstance(data, Mapping):
        raise FixtureError("fixtures: expected a mapping with customers, orders and changes")
    try:
        parsed = Fixtures.model_validate(dict(data))
    except ValidationError as exc:
        err = exc.errors()[0]
        row, rest = _row_name(data, tuple(err["loc"]))
        field = ".".join(str(p) for p in rest) or "(row)"
        msg = str(err["msg"]).removeprefix("Value error, ")
        raise FixtureError(f"fixtures: {row}: field {field!r}: {msg}") from None
    _check_references(parsed)
    return parsed


def _check_references(f: Fixtures) -> None:
    customers = {c.id for c in f.customers}
    if len(customers) != len(f.customers):
        dup = next(c.id for i, c in enumerate(f.customers) if c.id in {x.id for x in f.customers[:i]})
        raise FixtureError(f"fixtures: customers: field 'id': duplicate id {dup}")
    seen: set[str] = set()
    for i, o in enumerate(f.orders):
        if o.id in seen:
            raise FixtureError(f"fixtures: orders[{i}] (id {o.id}): field 'id': duplicate id")
        seen.add(o.id)
        if o.customer not in customers:
            raise FixtureError(
                f"fixtures: orders[{i}] (id {o.id}): field 'customer': unknown customer {o.customer!r}"
            )
        if not o.items and o.total is None:
            raise FixtureError(f"fixtures: orders[{i}] (id {o.id}): field 'items': no items and no total")
    once: set[tuple[str, str]] = set()
    for i, ch in enumerate(f.changes):
        if ch.order not in seen:
            raise FixtureError(f"fixtures: changes[{i}]: field 'order': unknown order {ch.order!r}")
        if ch.kind in ("refund", "reship", "coupon", "investigation", "return_label"):
            if (ch.kind, ch.order) in once:
                raise FixtureError(f"fixtures: changes[{i}]: field 'kind': a second {ch.kind} on {ch.order}")
            once.add((ch.kind, ch.order))


def insert(session: Session, f: Fixtures) -> int:
    """Add validated fixtures to ``session`` (caller commits); returns the number of rows added.

    Rows whose id already exists in the store are an error too (nothing is overwritten).
    """
    count = 0
    for i, c in enumerate(f.customers):
        if session.get(Customer, c.id) is not None:
            raise FixtureError(f"fixtures: customers[{i}] (id {c.id}): field 'id': already in the store")
        zone = c.time_zone or COUNTRY_ZONES.get(c.country.upper(), "UTC")
        session.add(
            Customer(
                id=c.id,
                name=c.name,
                email=c.email.strip().lower(),
                phone=c.phone,
                country=c.country.upper(),
                postcode=c.postcode.upper(),
                language=c.language,
                time_zone=zone,
            )
        )
        count += 1
    session.flush()
    for i, o in enumerate(f.orders):
        if session.get(Order, o.id) is not None:
            raise FixtureError(f"fixtures: orders[{i}] (id {o.id}): field 'id': already in the store")
        total = o.total if o.total is not None else round(sum(it.qty * it.unit_price for it in o.items), 2)
        order = Order(
            id=o.id,
            customer_id=o.customer,
            placed_at=o.placed_at,
            currency=o.currency.upper(),
            total=total,
            cancelled_at=o.placed_at if o.cancelled else None,
            items=[
                OrderItem(sku=it.sku, name=it.name, qty=it.qty, unit_price=it.unit_price) for it in o.items
            ],
        )
        if o.shipment is not None:
            sh = o.shipment
            order.shipment = Shipment(
                carrier=sh.carrier,
                tracking_number=sh.tracking_number.replace(" ", "").upper(),
                status=sh.status,
                eta=sh.eta,
                delivered_at=sh.delivered_at,
                delivery_place=sh.delivery_place,
                events=[
                    TrackingEvent(at=e.at, location=e.location, status=e.status, description=e.description)
                    for e in sorted(sh.events, key=lambda e: e.at)
                ],
            )
        session.add(order)
        count += 1 + len(o.items) + (1 + len(o.shipment.events) if o.shipment else 0)
    session.flush()
    for ch in f.changes:
        model: Any = CHANGE_MODELS[ch.kind]
        session.add(
            model(
                order_id=ch.order,
                amount=ch.amount,
                currency=ch.currency,
                reason=ch.reason,
                created_at=ch.created_at,
                call_id=ch.call_id,
            )
        )
        count += 1
    session.flush()
    return count
