"""What the dialogue shell needs from a store (``agent.store.Store`` implements it)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from intents.policy_types import ActionRequest, OrderFacts
from intents.types import Action


class StoreUnavailable(RuntimeError):
    """The order store cannot be reached (database down, refused, timed out)."""


class OrderStore(Protocol):
    """Lookups and changes the dialogue makes; every call may raise :class:`StoreUnavailable`."""

    def order_ids(self) -> list[str]:
        """Every known order id."""
        ...

    def order_facts(self, order_id: str) -> OrderFacts | None:
        """Everything about one order, or None when unknown."""
        ...

    def apply(
        self,
        requests: Sequence[ActionRequest],
        call_id: str | None,
        transcript: Sequence[Mapping[str, Any]] = (),
    ) -> list[tuple[Action, bool]]:
        """Persist changes idempotently in one transaction; each with True when new."""
        ...

    def record_call(
        self,
        call_id: str,
        started_at: Any,
        ended_at: Any,
        channel: str,
        transcript: Sequence[Mapping[str, Any]],
        latency: Mapping[str, Any] | None = None,
    ) -> None:
        """Save the call record."""
        ...
