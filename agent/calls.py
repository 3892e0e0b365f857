"""Live calls for the server: one pipeline per call over shared models, recorded in the store.

``CallHost.run_call()`` runs a call to its end and always closes its record, whether the caller
hung up, the agent said goodbye, or the server is shutting down (``shutdown()``).

The host is also the worker's admission control (:mod:`agent.admission`): ``open_call`` admits
at most ``fleet.max_calls`` calls, ``admission()`` tells a channel whether a new caller gets the
agent, the busy notice, or nothing, and ``drain()`` lets live calls finish up to a limit before
ending the rest with a booked callback (the channel plays ``LiveCall.farewell``).

With a store, ``keep_alive()`` makes the worker one of a fleet that survives its members: it
beats, saves what each live call has said so far, and closes the calls of workers that stopped
beating (agent/store/liveness.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from agent.admission import (
    MESSAGE_OPENINGS,
    Admission,
    CallbackHours,
    WorkerLimits,
    WorkerState,
    admit,
    busy_notice,
    callback_request,
    callback_slot,
    drain_apology,
    worker_state,
)
from agent.call import CallPipeline, Models
from agent.config import AgentConfig
from intents.policy.config import load_callbacks
from intents.policy.types import ActionRequest
from intents.types import DialogueManager
from pipeline.devices import AudioSink, AudioSource

log = logging.getLogger(__name__)


@dataclass
class LiveCall:
    call_id: str
    channel: str
    pipeline: CallPipeline
    dialogue: DialogueManager
    started_at: datetime
    task: asyncio.Task[None] | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    caller_number: str = ""  # for callbacks; never logged
    hang_up: asyncio.Event = field(default_factory=asyncio.Event)  # set to end the call now
    farewell: str = ""  # said by the channel after the pipeline ends (drain: apology + callback)
    ending: bool = False  # its end has begun (hung up, goodbye said): closing the pipeline takes a while


@dataclass(frozen=True)
class Snapshot:
    """What a live call has said so far, taken on the event loop and saved from a thread."""

    call_id: str
    started_at: datetime
    channel: str
    transcript: list[dict[str, Any]]
    language: str
    caller_number: str  # for the callback a survivor books if this worker dies; never logged


class CallRefused(RuntimeError):
    """No call can be opened now (full or draining); ``state`` says which."""

    def __init__(self, state: WorkerState) -> None:
        super().__init__(f"the worker is {state.value}")
        self.state = state


class CallHost:
    """Owns the live calls of one server process. Not thread-safe: use from the event loop."""

    def __init__(self, config: AgentConfig, models: Models, store: Any | None = None) -> None:
        self.config = config
        self.models = models
        self.store = store  # agent.store.Store, or None for the rule-based dialogue
        self.calls: dict[str, LiveCall] = {}
        self.accepting = True  # False once draining: no new call of any kind
        fleet = config.fleet
        self.limits = WorkerLimits(fleet.max_calls, fleet.max_overflow_calls)
        # The team's hours are the dialogue's (configs/callbacks.yaml): one place for when
        # callers are called back, whichever path booked the callback.
        h = load_callbacks()
        self.hours = CallbackHours(h.time_zone, h.open_hour, h.close_hour, tuple(h.days),
                                   h.lead_minutes)
        self.overflow_calls = 0  # busy notices being played now
        self.callbacks_booked = 0
        # Unique per process, so a restarted worker never inherits its predecessor's beats.
        self.worker_id = f"{socket.gethostname()[:32]}-{os.getpid()}-{uuid.uuid4().hex[:6]}"
        self.lost_calls_closed = 0  # calls of lost workers this worker closed
        # One writer of this worker's call rows at a time: a snapshot never lands after the
        # call's final record (which would reopen it).
        self._record_lock = asyncio.Lock()
        # Set by a new call: its first snapshot is saved at once, not at the next beat, so a
        # worker killed in a call's first seconds still leaves it for a survivor to close.
        self._new_call = asyncio.Event()

    # -- admission -------------------------------------------------------------------------
    def state(self) -> WorkerState:
        return worker_state(len(self.calls), self.limits, not self.accepting)

    def admission(self) -> Admission:
        return admit(len(self.calls), self.overflow_calls, self.limits, not self.accepting)

    def health(self) -> dict[str, Any]:
        """``/healthz``'s body: the state and the load (no call ids, no numbers)."""
        state = self.state()
        return {"state": state.value, "status": state.value, "calls": len(self.calls),
                "max_calls": self.limits.max_calls,
                "free": max(0, self.limits.max_calls - len(self.calls)) if self.accepting else 0,
                "overflow_calls": self.overflow_calls, "callbacks_booked": self.callbacks_booked,
                "lost_calls_closed": self.lost_calls_closed}

    async def speak(self, text: str) -> AsyncIterator[Any]:
        """``text`` synthesised with the call voice, clause by clause as int16 PCM at 16 kHz, so
        the first clause can play while the next is synthesised (fixed ones come from the cache)."""
        import numpy as np

        from pipeline.clauses import split_clauses

        gap = np.zeros(16_000 * 120 // 1000, dtype=np.int16)  # a short breath between clauses
        for clause in split_clauses(text, self.config.tts.min_clause_words):
            synthesis = await asyncio.to_thread(self.models.synthesizer.synthesize, clause.text)
            yield np.concatenate([synthesis.pcm, gap])

    def warm_notices(self) -> None:
        """Synthesise the fixed openings of the busy notice and the drain apology (blocking)."""
        from pipeline.clauses import split_clauses

        for text in MESSAGE_OPENINGS:
            for clause in split_clauses(text, self.config.tts.min_clause_words):
                self.models.synthesizer.synthesize(clause.text)

    async def book_callback(self, call_id: str, caller_number: str, reason: str,
                            slot: datetime | None = None) -> datetime:
        """Book the callback of a call we could not serve (at ``slot``, default the next one);
        returns its slot.

        Saved in the store, or spooled to disk while the store is down (replayed by the next
        call); never raises: a failure is logged and the slot still returned."""
        slot = slot or callback_slot(datetime.now(UTC), self.hours)
        request = callback_request(reason, caller_number, slot)

        def save() -> None:
            from pathlib import Path

            from agent.store.spool import CallbackSpool

            try:
                if self.store is None:
                    raise RuntimeError("no store")
                self.store.apply((request,), call_id, ())
            except Exception as exc:  # noqa: BLE001 - the store is down: keep it on disk
                log.warning("callback not saved in the store (%s): spooled", type(exc).__name__,
                            extra={"call_id": call_id})
                CallbackSpool(Path(self.config.dialogue.spool_path)).add(call_id, [request])

        try:
            await asyncio.to_thread(save)
            self.callbacks_booked += 1
        except Exception as exc:  # noqa: BLE001 - the spool failed too: say so loudly
            log.error("callback lost (%s)", type(exc).__name__, extra={"call_id": call_id})
        return slot

    def overflow_notice(self, call_id: str, caller_number: str,
                        channel: str) -> tuple[str, asyncio.Task[None]]:
        """The busy notice's text, at once (its slot is computed, not looked up), and the task that
        books the callback and records the call meanwhile: the caller hears the notice while the
        store is written, and the channel awaits the task before hanging up."""
        started = datetime.now(UTC)
        slot = callback_slot(started, self.hours)
        text = busy_notice(slot, started, bool(caller_number))
        return text, asyncio.create_task(self._book_busy(call_id, caller_number, channel, slot, text))

    async def _book_busy(self, call_id: str, caller_number: str, channel: str, slot: datetime,
                         text: str) -> None:
        started = datetime.now(UTC)
        await self.book_callback(call_id, caller_number, "all agents busy", slot)
        if self.store is not None:
            transcript = [{"speaker": "agent", "text": text}]
            try:
                await asyncio.to_thread(self.store.record_call, call_id, started, datetime.now(UTC),
                                        channel, transcript, {"overflow": True})
            except Exception as exc:  # noqa: BLE001 - the callback is what matters
                log.warning("overflow call not recorded (%s)", type(exc).__name__,
                            extra={"call_id": call_id})

    def _dialogue(self, call_id: str) -> DialogueManager:
        from agent.dialogue_factory import make_dialogue

        return make_dialogue(self.config, self.store, call_id=call_id)

    def open_call(self, source: AudioSource, sink: AudioSink, channel: str,
                  call_id: str | None = None, caller_number: str = "") -> LiveCall:
        """Build (not start) a call; raises :class:`CallRefused` (a RuntimeError) when the worker
        is full or draining: every channel goes through here, so none can pass the limit."""
        state = self.state()
        if state is not WorkerState.OK:
            raise CallRefused(state)
        call_id = call_id or uuid.uuid4().hex[:12]
        dialogue = self._dialogue(call_id)
        pipeline = CallPipeline(self.config, self.models, source, sink, dialogue, call_id=call_id)
        live = LiveCall(call_id, channel, pipeline, dialogue, datetime.now(UTC),
                        caller_number=caller_number)
        self.calls[call_id] = live
        self._new_call.set()
        return live

    async def run_call(self, live: LiveCall, hang_up: asyncio.Event | None = None) -> None:
        """Run ``live`` until the caller's audio ends, ``hang_up`` is set, or the agent says bye.

        Cancellation-safe: the pipeline is closed and the record written in every case.
        """
        pipeline = live.pipeline
        runner = asyncio.create_task(pipeline.run(), name=f"call-{live.call_id}")
        live.task = runner
        waits = [asyncio.create_task(pipeline.agent_hung_up.wait()),
                 asyncio.create_task(pipeline.caller_audio_ended.wait()),
                 asyncio.create_task(live.hang_up.wait())]
        if hang_up is not None:
            waits.append(asyncio.create_task(hang_up.wait()))
        try:
            await asyncio.wait([runner, *waits], return_when=asyncio.FIRST_COMPLETED)
        finally:
            live.ending = True
            for w in waits:
                w.cancel()
            await pipeline.aclose()
            await asyncio.gather(runner, *waits, return_exceptions=True)
            self.calls.pop(live.call_id, None)
            # The dialogue writes the record: its transcript knows what was cut short, and it
            # saves callbacks promised while the store was down. It never raises.
            latency = {k: v for k, v in live.extra.items() if k.endswith("_ms")}
            async with self._record_lock:
                await asyncio.to_thread(live.dialogue.close, live.channel, latency)

    # -- liveness (a fleet sharing one store) ----------------------------------------------
    async def keep_alive(self) -> None:
        """Every ``fleet.heartbeat_s`` (and at once when a call opens) until cancelled: beat, save
        what each live call has said so far, and close the calls of workers silent for
        ``fleet.worker_lost_after_s``.
        A store that is down is logged once and tried again at the next beat. No store: returns."""
        if self.store is None:
            return
        fleet = self.config.fleet
        failing = False
        while True:
            try:
                async with self._record_lock:
                    snaps = [Snapshot(c.call_id, c.started_at, c.channel,
                                      [dict(t) for t in getattr(c.dialogue, "transcript", ())],
                                      str(getattr(c.dialogue, "spoken_language", "en")),
                                      c.caller_number)
                             for c in self.calls.values() if not c.ending]
                    closed = await asyncio.to_thread(self._liveness_tick, snaps,
                                                     fleet.worker_lost_after_s)
            except Exception as exc:  # noqa: BLE001 - the store is down: calls go on without it
                if not failing:
                    log.warning("liveness: store unavailable (%s)", type(exc).__name__)
                failing = True
            else:
                if failing:
                    log.warning("liveness: store back")
                failing = False
                if closed:
                    self.lost_calls_closed += len(closed)
                    log.warning("closed %d call(s) of a lost worker", len(closed))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._new_call.wait(), fleet.heartbeat_s)
            self._new_call.clear()

    def _liveness_tick(self, snaps: list[Snapshot], lost_after_s: float) -> list[str]:
        store = self.store
        assert store is not None  # keep_alive runs only with a store
        store.beat(self.worker_id)
        for c in snaps:
            store.snapshot_call(c.call_id, self.worker_id, c.started_at, c.channel, c.transcript,
                                c.language, c.caller_number)

        def callback_for(number: str) -> ActionRequest:
            slot = callback_slot(datetime.now(UTC), self.hours)
            return callback_request("call cut off: its worker stopped", number, slot)

        closed: list[str] = store.close_lost_calls(lost_after_s, self.worker_id, callback_for)
        return closed

    async def stopped(self) -> None:
        """Mark this worker stopped in the store (after its calls closed); never raises."""
        if self.store is None:
            return
        try:
            await asyncio.to_thread(self.store.worker_stopped, self.worker_id)
        except Exception as exc:  # noqa: BLE001 - survivors will declare it lost instead
            log.warning("worker not marked stopped (%s)", type(exc).__name__)

    async def drain(self, timeout_s: float) -> int:
        """Stop taking calls; let live calls end by themselves for up to ``timeout_s``, then end
        the rest, each with a booked callback and an apology (``farewell``). Returns how many
        calls were ended that way."""
        self.accepting = False
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout_s
        def going_on() -> list[LiveCall]:
            return [c for c in self.calls.values() if not c.ending]

        while going_on() and loop.time() < deadline:
            await asyncio.sleep(min(0.1, max(0.0, deadline - loop.time())))
        late = going_on()
        for live in late:
            now = datetime.now(UTC)
            slot = await self.book_callback(live.call_id, live.caller_number, "call ended by a restart")
            live.farewell = drain_apology(slot, now, bool(live.caller_number))
            live.hang_up.set()
        tasks = [c.task for c in self.calls.values() if c.task is not None]
        if tasks:
            await asyncio.wait(tasks, timeout=5.0)
        if late:
            log.warning("drain: %d call(s) ended with a callback after %.0f s", len(late), timeout_s)
        return len(late)

    async def shutdown(self, timeout_s: float = 5.0) -> None:
        """Stop taking calls and end the live ones (each closes its record)."""
        self.accepting = False
        tasks = [c.task for c in self.calls.values() if c.task is not None]
        for c in list(self.calls.values()):
            await c.pipeline.aclose()
        if tasks:
            await asyncio.wait(tasks, timeout=timeout_s)
