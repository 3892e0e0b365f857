"""Persisting the changes a call asks for, idempotently, inside the caller's transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from agent.store.models import (
    CHANGE_MODELS,
    AddressChange,
    Callback,
    Escalation,
    Order,
    Refund,
    Reship,
    Shipment,
)
from intents.policy.types import ActionRequest
from intents.types import Action

PER_ORDER = ("refund", "reship", "coupon", "investigation", "return_label")
PER_CALL = ("escalation", "callback")


class ActionRefused(ValueError):
    """The request breaks a store rule (unknown order, cancel after dispatch, unknown kind)."""


def _existing(session: Session, kind: str, order_id: str | None, call_id: str | None) -> Any:
    model: Any = CHANGE_MODELS[kind]
    if kind in PER_ORDER:
        return session.scalars(select(model).where(model.order_id == order_id)).first()
    if call_id is None:
        return None
    return session.scalars(select(model).where(model.call_id == call_id)).first()


def _action(kind: str, row: Any) -> Action:
    amount = float(row.amount) if row.amount is not None else None
    return Action(kind=kind, order_id=row.order_id, amount=amount, currency=row.currency)


def _insert(session: Session, row: Any) -> bool:
    """Add ``row`` under a savepoint; False when a concurrent call made the same change first."""
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        return False
    return True


def apply(
    session: Session,
    request: ActionRequest,
    call_id: str | None,
    now: datetime,
    transcript: list[Any],
) -> tuple[Action, bool]:
    """Make one change; returns the change and True, or the earlier identical change and False."""
    kind = request.kind
    order = session.get(Order, request.order_id) if request.order_id else None
    if request.order_id and order is None:
        raise ActionRefused(f"unknown order for {kind}")
    if kind == "cancel":
        return _cancel(session, request, order, call_id, now)
    if kind == "reverse_reship":
        return _reverse_reship(session, order, call_id)
    if kind == "address_change":
        if order is None:
            raise ActionRefused("address change needs an order")
        change = AddressChange(
            order_id=order.id, address=request.reason, reason="new address", created_at=now, call_id=call_id
        )
        order.shipping_address = request.reason
        session.add(change)
        return Action(kind="address_change", order_id=order.id), True
    if kind not in CHANGE_MODELS:
        raise ActionRefused(f"unknown change kind {kind!r}")
    if kind in PER_ORDER and order is None:
        raise ActionRefused(f"{kind} needs an order")
    found = _existing(session, kind, request.order_id, call_id)
    if found is not None:
        return _action(kind, found), False
    if kind == "refund" and order is not None and request.amount is not None:
        try:
            _check_refundable(session, order, request.amount)
        except ActionRefused:
            # A concurrent call may have refunded it between the lookup above and now: that is
            # the same refund, reported as already made, not an error.
            found = _existing(session, kind, request.order_id, call_id)
            if found is not None:
                return _action(kind, found), False
            raise
    fields: dict[str, Any] = {
        "order_id": request.order_id,
        "amount": request.amount,
        "currency": request.currency,
        "reason": request.reason[:300],
        "created_at": now,
        "call_id": call_id,
    }
    if kind == "escalation":
        row: Any = Escalation(transcript=transcript, language=request.language, **fields)
    elif kind == "callback":
        row = Callback(due_at=request.due_at, language=request.language, **fields)
    else:
        row = CHANGE_MODELS[kind](**fields)
    if not _insert(session, row):
        found = _existing(session, kind, request.order_id, call_id)
        return _action(kind, found), False
    return _action(kind, row), True


def _check_refundable(session: Session, order: Order, amount: float) -> None:
    """The store's own guard: a refund never exceeds what was paid less what was refunded."""
    rows = session.scalars(select(Refund).where(Refund.order_id == order.id))
    refunded = sum(float(r.amount or 0) for r in rows)
    if amount > float(order.total) - refunded + 0.005:
        raise ActionRefused("refund above what was paid less what was refunded")


def _reverse_reship(session: Session, order: Order | None, call_id: str | None) -> tuple[Action, bool]:
    """A change of mind before fulfilment: the replacement set up earlier is withdrawn (in the same
    transaction as the refund that replaces it)."""
    if order is None:
        raise ActionRefused("reverse_reship needs an order")
    row = session.scalars(select(Reship).where(Reship.order_id == order.id)).first()
    if row is None:
        raise ActionRefused("no replacement to reverse")
    session.delete(row)
    session.flush()
    return Action(kind="reverse_reship", order_id=order.id, amount=row.amount, currency=row.currency), True


def _cancel(
    session: Session, request: ActionRequest, order: Order | None, call_id: str | None, now: datetime
) -> tuple[Action, bool]:
    """Cancel before dispatch: mark the order and refund it in full (reported as a refund)."""
    if order is None:
        raise ActionRefused("cancel needs an order")
    shipment = session.scalars(select(Shipment).where(Shipment.order_id == order.id)).first()
    if shipment is not None and shipment.status != "label_created":
        raise ActionRefused("the order has already shipped")
    if order.cancelled_at is None:
        order.cancelled_at = now
    found = _existing(session, "refund", order.id, call_id)
    if found is not None:
        return _action("refund", found), False
    row = Refund(
        order_id=order.id,
        amount=request.amount if request.amount is not None else order.total,
        currency=request.currency or order.currency,
        reason=request.reason or "cancelled",
        created_at=now,
        call_id=call_id,
    )
    if not _insert(session, row):
        return _action("refund", _existing(session, "refund", order.id, call_id)), False
    return _action("refund", row), True


def changes_for_call(session: Session, call_id: str) -> list[Action]:
    """Every change a call made, oldest first: the kinds of ``intents.policy.types.ACTION_KINDS``
    and ``address_change`` (a new delivery address; no amount)."""
    found: list[tuple[datetime, int, int, Action]] = []
    models = {**CHANGE_MODELS, "address_change": AddressChange}
    for rank, (kind, model) in enumerate(models.items()):
        m: Any = model
        for row in session.scalars(select(m).where(m.call_id == call_id)):
            found.append((row.created_at, rank, row.id, _action(kind, row)))
    found.sort(key=lambda t: (t[0], t[1], t[2]))
    return [t[3] for t in found]


def change_summaries(session: Session, call_id: str) -> list[dict[str, Any]]:
    """A call's changes as the call record keeps them (kind, order, amount, currency)."""
    return [{"kind": a.kind, "order_id": a.order_id, "amount": a.amount, "currency": a.currency}
            for a in changes_for_call(session, call_id)]
