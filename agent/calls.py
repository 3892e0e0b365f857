"""Live calls for the server: one pipeline per call over shared models, recorded in the store.

``CallHost.run_call()`` runs a call to its end and always closes its record, whether the caller
hung up, the agent said goodbye, or the server is shutting down (``shutdown()``).
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from agent.call import CallPipeline, Models
from agent.config import AgentConfig
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


class CallHost:
    """Owns the live calls of one server process. Not thread-safe: use from the event loop."""

    def __init__(self, config: AgentConfig, models: Models, store: Any | None = None) -> None:
        self.config = config
        self.models = models
        self.store = store  # agent.store.Store, or None for the rule-based dialogue
        self.calls: dict[str, LiveCall] = {}
        self.accepting = True

    def _dialogue(self, call_id: str) -> DialogueManager:
        from agent.dialogue_factory import make_dialogue

        return make_dialogue(self.config, self.store, call_id=call_id)

    def open_call(self, source: AudioSource, sink: AudioSink, channel: str,
                  call_id: str | None = None) -> LiveCall:
        """Build (not start) a call; raises RuntimeError while shutting down."""
        if not self.accepting:
            raise RuntimeError("the server is shutting down")
        call_id = call_id or uuid.uuid4().hex[:12]
        dialogue = self._dialogue(call_id)
        pipeline = CallPipeline(self.config, self.models, source, sink, dialogue, call_id=call_id)
        live = LiveCall(call_id, channel, pipeline, dialogue, datetime.now(UTC))
        self.calls[call_id] = live
        return live

    async def run_call(self, live: LiveCall, hang_up: asyncio.Event | None = None) -> None:
        """Run ``live`` until the caller's audio ends, ``hang_up`` is set, or the agent says bye.

        Cancellation-safe: the pipeline is closed and the record written in every case.
        """
        pipeline = live.pipeline
        runner = asyncio.create_task(pipeline.run(), name=f"call-{live.call_id}")
        live.task = runner
        waits = [asyncio.create_task(pipeline.agent_hung_up.wait()),
                 asyncio.create_task(pipeline.caller_audio_ended.wait())]
        if hang_up is not None:
            waits.append(asyncio.create_task(hang_up.wait()))
        try:
            await asyncio.wait([runner, *waits], return_when=asyncio.FIRST_COMPLETED)
        finally:
            for w in waits:
                w.cancel()
            await pipeline.aclose()
            await asyncio.gather(runner, *waits, return_exceptions=True)
            self.calls.pop(live.call_id, None)
            # The dialogue writes the record: its transcript knows what was cut short, and it
            # saves callbacks promised while the store was down. It never raises.
            latency = {k: v for k, v in live.extra.items() if k.endswith("_ms")}
            await asyncio.to_thread(live.dialogue.close, live.channel, latency)

    async def shutdown(self, timeout_s: float = 5.0) -> None:
        """Stop taking calls and end the live ones (each closes its record)."""
        self.accepting = False
        tasks = [c.task for c in self.calls.values() if c.task is not None]
        for c in list(self.calls.values()):
            await c.pipeline.aclose()
        if tasks:
            await asyncio.wait(tasks, timeout=timeout_s)
