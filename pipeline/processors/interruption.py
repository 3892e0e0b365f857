"""Adapter for the interruption controller: VAD and words in, pause/resume/cancel out."""

from __future__ import annotations

import asyncio

from pipecat.frames.frames import CancelFrame, EndFrame, Frame, StartFrame
from pipecat.processors.frame_processor import FrameDirection, FrameProcessor

from pipeline import interruption as ic
from pipeline.events import InterruptionLogged
from pipeline.frames import CallerTranscriptFrame, CallerVadFrame, PlayoutControlFrame, PlayoutReportFrame
from pipeline.playout import PlayoutEventKind
from pipeline.processors.base import CallContext
from pipeline.vad import VadEventKind

_TICK_S = 0.02


class InterruptionProcessor(FrameProcessor):
    """Sits between recognition and dialogue, so it can also hold back the words of a backchannel
    and join the fragments of one utterance.

    A final transcript whose burst resumed the agent is swallowed: "uh-huh" is not a turn. After a
    MERGE the next final reaches the dialogue prefixed by the fragment it continues; the reply to
    the fragment was cut (the dialogue hears of it through playout's CUT report, with what was
    heard of it: nothing, when it was held before its start).
    """

    def __init__(self, ctx: CallContext, params: ic.InterruptionParams) -> None:
        super().__init__(name="interruption")
        self._ctx = ctx
        self._params = params
        self._state = ic.InterruptionState()
        self._swallow_final = False
        self._ticker: asyncio.Task | None = None
        self._last_turn_text = ""  # the latest final that went to the dialogue
        self._merge_prefix: str | None = None  # the fragment the next final continues (MERGE, DEFER)
        self._prefix_answered = False  # the dialogue answered that fragment (MERGE) or never saw it

    async def process_frame(self, frame: Frame, direction: FrameDirection) -> None:
        await super().process_frame(frame, direction)
        if isinstance(frame, StartFrame):
            self._ticker = self.create_task(self._tick_loop(), name="interruption-ticker")
        elif isinstance(frame, (EndFrame, CancelFrame)) and self._ticker:
            await self.cancel_task(self._ticker)
            self._ticker = None
        event = self._to_event(frame)
        if event is not None:
            await self._apply(event)
        if isinstance(frame, CallerTranscriptFrame) and frame.kind == "final":
            if self._swallow_final:
                self._swallow_final = False
                return
            if self._merge_prefix is not None:
                prefix, self._merge_prefix = self._merge_prefix, None
                # a continuation that was only a sound leaves the fragment to stand alone
                text = f"{prefix} {frame.text.strip()}" if ic.real_words(frame.text) else prefix
                # continues: the dialogue answered the fragment (MERGE), not if it never saw it (DEFER)
                frame = CallerTranscriptFrame(text=text, kind="final", at_ms=frame.at_ms,
                                              speech_start_ms=frame.speech_start_ms,
                                              continues=self._prefix_answered,
                                              turn_end_ms=frame.turn_end_ms)
            if frame.text.strip():
                decision = await self._apply(ic.TurnEnded(self._ctx.clock.now_ms(), frame.turn_end_ms))
                if decision == ic.Decision.DEFER:
                    self._merge_prefix, self._prefix_answered = frame.text.strip(), frame.continues
                    return
                self._last_turn_text = frame.text.strip()
        await self.push_frame(frame, direction)

    def _to_event(self, frame: Frame) -> ic.Event | None:
        if isinstance(frame, CallerVadFrame):
            e = frame.event
            if e.kind == VadEventKind.ONSET:
                return ic.CallerOnset(e.at_ms, e.speech_start_ms)
            if e.kind == VadEventKind.ONSET_REJECTED:
                return ic.CallerOnsetRejected(e.at_ms)
            if e.kind == VadEventKind.SPEECH_START:
                return ic.CallerSpeechStarted(e.at_ms, e.speech_start_ms)
            if e.kind == VadEventKind.SPEECH_END:
                return ic.CallerSpeechEnded(e.at_ms)
        elif isinstance(frame, CallerTranscriptFrame) and frame.kind in ("partial", "segment"):
            return ic.CallerWords(frame.at_ms, frame.text, segment_final=frame.kind == "segment")
        elif isinstance(frame, PlayoutReportFrame):
            kind = frame.event.kind
            if kind == PlayoutEventKind.STARTED:
                return ic.AgentStarted(frame.at_ms)
            if kind in (PlayoutEventKind.FINISHED, PlayoutEventKind.CUT):
                return ic.AgentFinished(frame.at_ms)
        return None

    async def _apply(self, event: ic.Event) -> ic.Decision:
        before = self._state.floor
        self._state, decision = ic.step(self._state, event, self._params)
        if decision == ic.Decision.NONE:
            return decision
        self._ctx.log.add(InterruptionLogged(decision.value, self._ctx.clock.now_ms()))
        if decision in (ic.Decision.PAUSE, ic.Decision.HOLD):
            await self.push_frame(PlayoutControlFrame(action="pause"))
        elif decision in (ic.Decision.RESUME, ic.Decision.RELEASE):
            # The burst's words were only a backchannel: its final transcript is not a turn.
            self._swallow_final = before == ic.Floor.PAUSED_CHECKING
            await self.push_frame(PlayoutControlFrame(action="resume"))
        elif decision in (ic.Decision.CANCEL, ic.Decision.MERGE):
            self._swallow_final = False
            if decision == ic.Decision.MERGE:
                self._merge_prefix, self._prefix_answered = self._last_turn_text, True
            # InterruptionFrame flushes reply text and audio from every processor downstream.
            await self.broadcast_interruption()
            if self._state.floor == ic.Floor.CALLER_HOLDS:
                # the cancel unpaused the playout; the caller still talks, so no reply may start
                await self.push_frame(PlayoutControlFrame(action="pause"))
        return decision

    async def _tick_loop(self) -> None:
        while True:
            await asyncio.sleep(_TICK_S)
            await self._apply(ic.Tick(self._ctx.clock.now_ms()))
