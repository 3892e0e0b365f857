"""The pipeline's tail: paces the agent's audio into an :class:`AudioSink`, 20 ms at a time."""

from __future__ import annotations

import asyncio

from pipecat.frames.frames import CancelFrame, EndFrame, Frame, InterruptionFrame, StartFrame
from pipecat.processors.frame_processor import FrameDirection, FrameProcessor

from pipeline.devices import FRAME_MS, AudioSink
from pipeline.events import AgentAudioLogged
from pipeline.frames import PlayoutControlFrame, PlayoutReportFrame, ReplyAudioFrame
from pipeline.playout import Playout, PlayoutEvent
from pipeline.processors.base import CallContext


class PlayoutProcessor(FrameProcessor):
    """Owns the pacing task. Frame n is written at call time n × 20 ms after the pipeline starts;
    if the loop falls behind, missed frames are written at once so call time stays exact."""

    def __init__(self, ctx: CallContext, sink: AudioSink) -> None:
        super().__init__(name="playout")
        self._ctx = ctx
        self._sink = sink
        self._playout = Playout()
        self._pacer: asyncio.Task | None = None

    async def process_frame(self, frame: Frame, direction: FrameDirection) -> None:
        await super().process_frame(frame, direction)
        if isinstance(frame, StartFrame):
            self._pacer = self.create_task(self._pace(), name="playout-pacer")
        elif isinstance(frame, (EndFrame, CancelFrame)) and self._pacer:
            await self.cancel_task(self._pacer)
            self._pacer = None
        elif isinstance(frame, ReplyAudioFrame):
            self._playout.add_clause(frame.reply_id, frame.reply_text, frame.clause, frame.pcm,
                                     frame.last, frame.word_marks)
            return
        elif isinstance(frame, PlayoutControlFrame):
            if frame.action == "pause":
                event = self._playout.pause()
                # Drop what sits in device/provider buffers too (Twilio's "clear"): the caller
                # must hear silence now. A resume then loses at most those few buffered frames.
                self._sink.clear()
            else:
                event = self._playout.resume()
            await self._report([event] if event else [])
            return
        elif isinstance(frame, InterruptionFrame):
            await self._report(self._playout.cancel())
            self._sink.clear()
        await self.push_frame(frame, direction)

    async def _pace(self) -> None:
        clock = self._ctx.clock
        frame_index = int(clock.now_ms() // FRAME_MS) + 1
        while True:
            delay_ms = frame_index * FRAME_MS - clock.now_ms()
            if delay_ms > 0:
                await asyncio.sleep(delay_ms / 1000.0)
            pcm, events = self._playout.next_frame()
            self._sink.write_frame(pcm, frame_index * FRAME_MS)
            await self._report(events, at_ms=frame_index * FRAME_MS)
            frame_index += 1

    async def _report(self, events: list[PlayoutEvent], at_ms: float | None = None) -> None:
        """Log and send upstream; pacer events carry the call time of the frame they concern."""
        for event in events:
            at = self._ctx.clock.now_ms() if at_ms is None else at_ms
            self._ctx.log.add(AgentAudioLogged(event.kind.value, event.reply_id, at, event.heard_text))
            await self.push_frame(PlayoutReportFrame(event=event, at_ms=at), FrameDirection.UPSTREAM)
