"""What the dialogue shell needs from a store (``agent.store.Store`` implements it)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol

from intents.policy.types import ActionRequest, OrderFacts
from intents.types import Action

log = logging.getLogger(__name__)

# Keeps callbacks the store could not take when the call ended: (call id, requests); raises OSError.
Spool = Callable[[str, Sequence[ActionRequest]], None]


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

    def verify_failures_since(self, order_id: str, since: Any) -> int:
        """Wrong verification answers for ``order_id`` since ``since``, across calls."""
        ...

    def record_verify_failure(self, order_id: str, call_id: str | None) -> None:
        """Count one wrong verification answer against ``order_id``."""
        ...

    def record_call(
        self,
        call_id: str,
        started_at: Any,
        ended_at: Any,
        channel: str,
        transcript: Sequence[Mapping[str, Any]],
        latency: Mapping[str, Any] | None = None,
        language: str = "en",
    ) -> None:
        """Save the call record (``language``: the language the call was held in, ISO 639-1)."""
        ...


def spool_unsaved(call_id: str, unsaved: list[ActionRequest], spool: Spool | None) -> None:
    """At the end of a call: hand the callbacks the store never took to ``spool``, and empty
    ``unsaved``. A promise that cannot be kept anywhere is logged as an error, never dropped quietly."""
    if not unsaved:
        return
    count = len(unsaved)
    if spool is None:
        log.error("call %s: %d promised callback(s) not saved: no store and no spool", call_id, count)
    else:
        try:
            spool(call_id, tuple(unsaved))
            log.warning("call %s: %d promised callback(s) spooled until the store is back", call_id, count)
        except OSError as exc:
            log.error("call %s: %d promised callback(s) lost: spool not writable (%s)", call_id, count,
                      type(exc).__name__)
    unsaved.clear()
