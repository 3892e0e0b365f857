"""Rows to the frozen :class:`~intents.policy.types.OrderFacts` the pure dialogue core reads."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from agent.store.models import CHANGE_MODELS, Order, Shipment
from intents.policy.types import (
    ChangeFacts,
    CustomerFacts,
    EventFacts,
    ItemFacts,
    OrderFacts,
    ShipmentFacts,
)


def order_facts(session: Session, order_id: str) -> OrderFacts | None:
    """Everything about ``order_id`` (customer, items, shipment, events, earlier changes)."""
    order = session.scalars(
        select(Order)
        .where(Order.id == order_id)
        .options(
            selectinload(Order.customer),
            selectinload(Order.items),
            selectinload(Order.shipment).selectinload(Shipment.events),
        )
    ).one_or_none()
    if order is None:
        return None
    c = order.customer
    customer = CustomerFacts(
        id=c.id,
        name=c.name,
        email=c.email,
        phone=c.phone,
        country=c.country,
        postcode=c.postcode,
        language=c.language,
        time_zone=c.time_zone,
    )
    shipment = None
    if order.shipment is not None:
        sh = order.shipment
        shipment = ShipmentFacts(
            carrier=sh.carrier,
            tracking_number=sh.tracking_number,
            status=sh.status,
            eta=sh.eta,
            delivered_at=sh.delivered_at,
            delivery_place=sh.delivery_place,
            events=tuple(
                EventFacts(at=e.at, location=e.location, status=e.status, description=e.description)
                for e in sh.events
            ),
        )
    changes: list[ChangeFacts] = []
    for kind, model in CHANGE_MODELS.items():
        rows = session.scalars(select(model).where(model.order_id == order_id))  # type: ignore[attr-defined]
        changes.extend(
            ChangeFacts(
                kind=kind,
                amount=row.amount,
                currency=row.currency,
                reason=row.reason,
                created_at=row.created_at,
                call_id=row.call_id,
            )
            for row in rows
        )
    changes.sort(key=lambda ch: ch.created_at)
    return OrderFacts(
        id=order.id,
        customer=customer,
        placed_at=order.placed_at,
        currency=order.currency,
        total=float(order.total),
        items=tuple(ItemFacts(i.sku, i.name, i.qty, float(i.unit_price)) for i in order.items),
        shipment=shipment,
        changes=tuple(changes),
        cancelled=order.cancelled_at is not None,
    )
