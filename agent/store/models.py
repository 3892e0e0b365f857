"""SQLAlchemy 2 models of the after-sales store: customers, orders, shipments, changes, calls.

Times are stored as naive UTC (:class:`UTCDateTime` converts at the edge, so SQLite and PostgreSQL
behave alike); money is ``Numeric(12, 2)`` read back as ``float``. The schema is created by the
Alembic migrations in ``agent/store/migrations``, never by ``create_all``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    Numeric,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

SHIPMENT_STATUSES = (
    "label_created",
    "in_transit",
    "customs_hold",
    "out_for_delivery",
    "delivered",
    "exception",
    "returned",
)

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Aware datetimes in, aware UTC datetimes out; stored as naive UTC."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


Money = Numeric(12, 2, asdecimal=False)


class Base(DeclarativeBase):
    """Declarative base with constraint naming (stable names for migrations)."""

    metadata = MetaData(naming_convention=NAMING)


class Customer(Base):
    __tablename__ = "customers"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(320), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    country: Mapped[str] = mapped_column(String(2), default="")
    postcode: Mapped[str] = mapped_column(String(20), default="")
    language: Mapped[str] = mapped_column(String(10), default="en")
    time_zone: Mapped[str] = mapped_column(String(64), default="UTC")

    orders: Mapped[list[Order]] = relationship(back_populates="customer")


class Order(Base):
    __tablename__ = "orders"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"), index=True)
    placed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    currency: Mapped[str] = mapped_column(String(3))
    total: Mapped[float] = mapped_column(Money)
    shipping_address: Mapped[str | None] = mapped_column(Text, default=None)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)

    customer: Mapped[Customer] = relationship(back_populates="orders")
    items: Mapped[list[OrderItem]] = relationship(order_by="OrderItem.id", cascade="all, delete-orphan")
    shipment: Mapped[Shipment | None] = relationship(back_populates="order", cascade="all, delete-orphan")


class OrderItem(Base):
    __tablename__ = "order_items"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    order_id: Mapped[str] = mapped_column(ForeignKey("orders.id"), index=True)
    sku: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    qty: Mapped[int] = mapped_column(Integer, default=1)
    unit_price: Mapped[float] = mapped_column(Money)


class Shipment(Base):
    __tablename__ = "shipments"
    __table_args__ = (
        CheckConstraint("status IN (" + ", ".join(f"'{s}'" for s in SHIPMENT_STATUSES) + ")", name="status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    order_id: Mapped[str] = mapped_column(ForeignKey("orders.id"), unique=True)
    carrier: Mapped[str] = mapped_column(String(100))
    tracking_number: Mapped[str] = mapped_column(String(100), default="")
    status: Mapped[str] = mapped_column(String(32))
    eta: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    delivery_place: Mapped[str] = mapped_column(String(200), default="")

    order: Mapped[Order] = relationship(back_populates="shipment")
    events: Mapped[list[TrackingEvent]] = relationship(
        order_by="(TrackingEvent.at, TrackingEvent.id)", cascade="all, delete-orphan"
    )


class TrackingEvent(Base):
    __tablename__ = "tracking_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    shipment_id: Mapped[int] = mapped_column(ForeignKey("shipments.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    location: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(32))
    description: Mapped[str] = mapped_column(String(300), default="")


class _Change:
    """Columns every change table has."""

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    amount: Mapped[float | None] = mapped_column(Money, default=None)
    currency: Mapped[str | None] = mapped_column(String(3), default=None)
    reason: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    call_id: Mapped[str | None] = mapped_column(String(64), default=None, index=True)


class _OrderChange(_Change):
    """A change made once per order (a second request finds the first)."""

    order_id: Mapped[str] = mapped_column(ForeignKey("orders.id"), unique=True)


class Refund(_OrderChange, Base):
    __tablename__ = "refunds"


class Reship(_OrderChange, Base):
    __tablename__ = "reships"


class Coupon(_OrderChange, Base):
    __tablename__ = "coupons"


class Investigation(_OrderChange, Base):
    __tablename__ = "investigations"


class ReturnLabel(_OrderChange, Base):
    __tablename__ = "return_labels"


class Escalation(_Change, Base):
    """A hand-over to a person, with the transcript so far; once per call."""

    __tablename__ = "escalations"
    __table_args__ = (UniqueConstraint("call_id"),)

    order_id: Mapped[str | None] = mapped_column(ForeignKey("orders.id"), default=None, index=True)
    transcript: Mapped[list[Any]] = mapped_column(JSON, default=list)
    language: Mapped[str] = mapped_column(String(10), default="en", server_default="en")  # the caller's


class Callback(_Change, Base):
    """A promised call back; once per call."""

    __tablename__ = "callbacks"
    __table_args__ = (UniqueConstraint("call_id"),)

    order_id: Mapped[str | None] = mapped_column(ForeignKey("orders.id"), default=None, index=True)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    language: Mapped[str] = mapped_column(String(10), default="en", server_default="en")  # speak it


class AddressChange(_Change, Base):
    """A new delivery address given before dispatch."""

    __tablename__ = "address_changes"

    order_id: Mapped[str] = mapped_column(ForeignKey("orders.id"), index=True)
    address: Mapped[str] = mapped_column(Text, default="")


class VerifyFailure(Base):
    """A wrong verification answer for an order; counted across calls to stop guessing."""

    __tablename__ = "verify_failures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    order_id: Mapped[str] = mapped_column(ForeignKey("orders.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    call_id: Mapped[str | None] = mapped_column(String(64), default=None)


class CallRecord(Base):
    """One call: when, how, what was said, how fast, what changed."""

    __tablename__ = "calls"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    channel: Mapped[str] = mapped_column(String(32), default="text")
    transcript: Mapped[list[Any]] = mapped_column(JSON, default=list)
    latency: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    changes: Mapped[list[Any]] = mapped_column(JSON, default=list)
    language: Mapped[str] = mapped_column(String(10), default="en", server_default="en")  # ISO 639-1
    # The serve process that held the call, and how the call ended: "ended" (closed by its
    # worker) or "worker_lost" (closed by a survivor); NULL while it goes on.
    worker_id: Mapped[str | None] = mapped_column(String(64), default=None, index=True)
    end_reason: Mapped[str | None] = mapped_column(String(32), default=None)
    # The caller's number while the call goes on, so that a survivor can book the callback of
    # a call its worker lost; None for callers without one (the browser).
    callback_number: Mapped[str | None] = mapped_column(String(32), default=None)


class Worker(Base):
    """One ``serve`` process of a fleet, beating while it lives (agent/store/liveness.py)."""

    __tablename__ = "workers"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    heartbeat_at: Mapped[datetime] = mapped_column(UTCDateTime())
    state: Mapped[str] = mapped_column(String(16), default="alive", server_default="alive")


CHANGE_MODELS: dict[str, type[_Change]] = {
    "refund": Refund,
    "reship": Reship,
    "coupon": Coupon,
    "investigation": Investigation,
    "return_label": ReturnLabel,
    "escalation": Escalation,
    "callback": Callback,
}
