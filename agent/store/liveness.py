"""Worker liveness in the store: beats, live-call snapshots, and survivors closing a lost worker's calls.

A ``serve`` worker that is killed (SIGKILL, an OOM kill, a power cut) never writes its calls'
records. So each worker keeps a row in ``workers`` fresh (:func:`beat`, every ``heartbeat_s``) and
its live calls' rows up to date (:func:`snapshot_call`: ``ended_at`` NULL, what was said so far).
Every worker, at each beat, also looks for workers whose beat is older than ``lost_after_s``
(:func:`lost_workers`, pure) and closes their open calls (:func:`close_lost_calls`) with the
transcript of their last snapshot and the changes the store holds for them, ``end_reason``
"worker_lost". Two survivors doing it at once is harmless: the update only touches open rows.

A worker that was only slow (a stalled event loop) and is declared lost comes back at its next
beat; its calls' next snapshot reopens them and its own close writes the final record.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from agent.store import actions
from agent.store.models import CallRecord, Worker
from intents.policy.types import ActionRequest

# The callback booked for a lost call, from the caller's number (None: book nothing).
CallbackFor = Callable[[str], ActionRequest | None]

ALIVE = "alive"
STOPPED = "stopped"  # shut down cleanly: its calls were closed by itself
LOST = "lost"  # stopped beating: its open calls were closed by a survivor
WORKER_LOST = "worker_lost"  # a call's end_reason when a survivor closed it
ENDED = "ended"  # a call's end_reason when its own worker closed it


@dataclass(frozen=True)
class Beat:
    """A worker's last beat as the store has it."""

    worker_id: str
    heartbeat_at: datetime
    state: str


def lost_workers(beats: Iterable[Beat], now: datetime, lost_after_s: float,
                 me: str = "") -> list[str]:
    """The ids of workers still marked alive whose last beat is more than ``lost_after_s`` old
    (never ``me``: a worker that beats is alive by definition)."""
    limit = now - timedelta(seconds=lost_after_s)
    return sorted(b.worker_id for b in beats
                  if b.state == ALIVE and b.heartbeat_at < limit and b.worker_id != me)


def beat(s: Session, worker_id: str, now: datetime) -> None:
    """Record that ``worker_id`` is alive at ``now`` (creating its row on the first beat)."""
    row = s.get(Worker, worker_id)
    if row is None:
        s.add(Worker(id=worker_id, started_at=now, heartbeat_at=now, state=ALIVE))
        return
    row.heartbeat_at = now
    row.state = ALIVE


def stopped(s: Session, worker_id: str, now: datetime) -> None:
    """``worker_id`` shut down cleanly (it closed its own calls)."""
    row = s.get(Worker, worker_id)
    if row is not None:
        row.heartbeat_at = now
        row.state = STOPPED


def snapshot_call(s: Session, call_id: str, worker_id: str, started_at: datetime, channel: str,
                  transcript: Sequence[Mapping[str, Any]], language: str = "en",
                  callback_number: str = "") -> None:
    """Save what a live call has said so far (``ended_at`` stays NULL). A call its worker already
    closed is left alone: the final record is the truth."""
    row = s.get(CallRecord, call_id)
    if row is None:
        row = CallRecord(id=call_id, started_at=started_at)
        s.add(row)
    elif row.end_reason == ENDED:
        return
    row.worker_id = worker_id
    row.channel = channel
    row.transcript = [dict(t) for t in transcript]
    row.language = language
    row.callback_number = callback_number or None
    row.ended_at = None
    row.end_reason = None


def close_lost_calls(s: Session, now: datetime, lost_after_s: float, me: str = "",
                     callback_for: CallbackFor | None = None) -> list[str]:
    """Declare lost every worker whose beat is stale and close its open calls; returns the ids
    of the calls closed. Each closed call keeps its last snapshot's transcript, gets a callback
    to its caller's number (``callback_for``; idempotent per call, so never twice) and the
    changes the store holds for it, ``ended_at`` = now and ``end_reason`` "worker_lost". The
    number is then dropped from the row: it lives on in the callback, where colleagues need it."""
    # On PostgreSQL, survivors sweeping at once each take the stale rows no other one holds
    # (FOR UPDATE SKIP LOCKED), so every call is closed by exactly one; SQLite ignores it (its
    # writers are serialised anyway).
    limit = now - timedelta(seconds=lost_after_s)
    stale = select(Worker).where(Worker.state == ALIVE, Worker.heartbeat_at < limit)
    rows = list(s.scalars(stale.with_for_update(skip_locked=True)))
    lost = set(lost_workers((Beat(r.id, r.heartbeat_at, r.state) for r in rows), now,
                            lost_after_s, me))
    if not lost:
        return []
    for r in rows:
        if r.id in lost:
            r.state = LOST
    closed = []
    open_calls = s.scalars(select(CallRecord).where(CallRecord.worker_id.in_(lost),
                                                    CallRecord.ended_at.is_(None)))
    for call in open_calls:
        request = callback_for(call.callback_number) if callback_for and call.callback_number else None
        if request is not None:
            actions.apply(s, request, call.id, now, list(call.transcript))
        call.ended_at = now
        call.end_reason = WORKER_LOST
        call.callback_number = None
        call.changes = actions.change_summaries(s, call.id)
        closed.append(call.id)
    return sorted(closed)
