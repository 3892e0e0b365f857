"""Shared bits of our adapters: the call context every processor gets."""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.clock import Clock
from pipeline.events import CallLog


@dataclass(frozen=True)
class CallContext:
    call_id: str
    clock: Clock
    log: CallLog
