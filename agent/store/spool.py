"""Callbacks promised while the store was down, kept in a local file until the store is back.

A caller who was told "a colleague will call you back within two hours" must get that call even
if the order system stayed down until the call ended. The dialogue hands such promises to
:meth:`CallbackSpool.add` (one JSON line each, flushed and fsynced before the call is closed);
:meth:`CallbackSpool.replay` saves them into the store later (``make_dialogue`` tries at the
start of every call) and removes them from the file only once the store has taken them.
Callbacks are idempotent per call in the store, so replaying a line twice books one callback.

Lines hold the call id, the order id, the reason and the due time: no contact data.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from intents.dialogue_store import OrderStore
from intents.policy.types import ActionRequest

log = logging.getLogger(__name__)

DEFAULT_SPOOL_PATH = Path("var/pending-callbacks.jsonl")
_LOCK = threading.Lock()  # one process appends and replays; calls run in threads


class CallbackSpool:
    """A JSON-lines file of unsaved callbacks at ``path`` (created on first use)."""

    def __init__(self, path: Path = DEFAULT_SPOOL_PATH) -> None:
        self.path = Path(path)

    def add(self, call_id: str, requests: Sequence[ActionRequest]) -> None:
        """Append ``requests`` for ``call_id``; durable when it returns. Raises OSError."""
        lines = [json.dumps(_to_json(call_id, r)) + "\n" for r in requests]
        with _LOCK:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as f:
                f.writelines(lines)
                f.flush()
                os.fsync(f.fileno())

    def pending(self) -> list[tuple[str, ActionRequest]]:
        """The spooled callbacks, oldest first (unreadable lines are skipped and logged)."""
        with _LOCK:
            return self._read()

    def replay(self, store: OrderStore) -> int:
        """Save spooled callbacks into ``store``; returns how many.

        Stops at the first failure (the store is down again) and keeps the rest for next time.
        """
        with _LOCK:
            entries = self._read()
            saved = 0
            for call_id, request in entries:
                try:
                    store.apply((request,), call_id, ())
                except Exception as exc:  # noqa: BLE001 - keep the line; the store may be down again
                    log.warning("callback spool: replay stopped (%s); %d left", type(exc).__name__,
                                len(entries) - saved)
                    break
                saved += 1
            if saved:
                self._rewrite(entries[saved:])
                log.info("callback spool: %d callback(s) saved into the store", saved)
            return saved

    def _read(self) -> list[tuple[str, ActionRequest]]:
        if not self.path.exists():
            return []
        entries = []
        for number, line in enumerate(self.path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                entries.append(_from_json(json.loads(line)))
            except (ValueError, KeyError, TypeError):
                log.error("callback spool %s: line %d unreadable, skipped", self.path, number)
        return entries

    def _rewrite(self, entries: list[tuple[str, ActionRequest]]) -> None:
        if not entries:
            self.path.unlink(missing_ok=True)
            return
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text("".join(json.dumps(_to_json(c, r)) + "\n" for c, r in entries), encoding="utf-8")
        os.replace(tmp, self.path)  # atomic: a crash leaves the old file or the new one


def _to_json(call_id: str, r: ActionRequest) -> dict[str, object]:
    return {"call_id": call_id, "kind": r.kind, "order_id": r.order_id, "amount": r.amount,
            "currency": r.currency, "reason": r.reason,
            "due_at": r.due_at.isoformat() if r.due_at else None, "language": r.language}


def _from_json(d: dict[str, object]) -> tuple[str, ActionRequest]:
    due = d.get("due_at")
    amount = d.get("amount")
    request = ActionRequest(
        kind=str(d["kind"]),
        order_id=None if d.get("order_id") is None else str(d["order_id"]),
        amount=None if amount is None else float(amount),  # type: ignore[arg-type]
        currency=None if d.get("currency") is None else str(d["currency"]),
        reason=str(d.get("reason") or ""),
        due_at=datetime.fromisoformat(str(due)) if due else None,
        language=str(d.get("language") or "en"),  # spooled before issue 14: English
    )
    return str(d["call_id"]), request
