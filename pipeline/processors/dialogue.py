"""Adapter for the dialogue manager: final transcripts in, replies out."""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections.abc import Callable

from pipecat.frames.frames import Frame, InputDTMFFrame, StartFrame
from pipecat.processors.frame_processor import FrameDirection, FrameProcessor

from intents.types import DialogueManager, Intent, Reply
from pipeline.events import ReplyLogged
from pipeline.frames import CallerTranscriptFrame, PlayoutReportFrame, ReplyFrame
from pipeline.playout import PlayoutEventKind
from pipeline.processors.base import CallContext

log = logging.getLogger(__name__)

# Spoken when the dialogue itself fails: the call stays up and the caller knows what happens next.
FALLBACK = Reply("Sorry, something went wrong on my side. Could you say that again?", Intent.OTHER)


class DialogueProcessor(FrameProcessor):
    """Speaks the greeting at start, answers each final transcript, reports what was heard.

    The dialogue runs in a worker thread: it may touch the store, and the loop must keep pacing
    audio meanwhile.
    """

    def __init__(self, ctx: CallContext, dialogue: DialogueManager) -> None:
        super().__init__(name="dialogue")
        self._ctx = ctx
        self._dialogue = dialogue
        self._ids = itertools.count(1)
        self._ending_reply: int | None = None  # the goodbye (end_call) on its way, if any
        self.call_ended = asyncio.Event()

    async def process_frame(self, frame: Frame, direction: FrameDirection) -> None:
        await super().process_frame(frame, direction)
        await self.push_frame(frame, direction)
        if isinstance(frame, StartFrame):
            await self._say(await self._decide(self._dialogue.greeting), caller_text="")
        elif isinstance(frame, CallerTranscriptFrame):
            if frame.kind == "partial":
                self._dialogue.on_partial(frame.text)
            elif frame.kind == "final" and frame.text.strip() and self._ending_reply is None:
                # (once the goodbye is on its way, a trailing "thanks" is not a new request)
                note = getattr(self._dialogue, "note_evidence", None)
                if note is not None:  # issue 11: what the recognizer proved against the audio
                    note(frame.evidence)
                reply = await self._decide(self._dialogue.on_final, frame.text)
                await self._say(reply, caller_text=frame.text)
        elif isinstance(frame, InputDTMFFrame) and self._ending_reply is None:
            key_reply = await self._decide_dtmf(str(frame.button.value))
            if key_reply is not None:
                await self._say(key_reply, caller_text=f"[keypad {frame.button.value}]")
        elif isinstance(frame, PlayoutReportFrame):
            event = frame.event
            if event.kind == PlayoutEventKind.CUT:
                self._dialogue.on_heard(event.reply_text, event.heard_text)
                if self._ending_reply == event.reply_id:
                    self._ending_reply = None  # the caller cut the goodbye short: keep listening
            elif event.kind == PlayoutEventKind.FINISHED and self._ending_reply == event.reply_id:
                self.call_ended.set()

    async def _decide_dtmf(self, key: str) -> Reply | None:
        try:
            return await asyncio.to_thread(self._dialogue.on_dtmf, key)
        except Exception as exc:
            log.error("dialogue failed on a keypress (%s)", type(exc).__name__,
                      extra={"call_id": self._ctx.call_id}, exc_info=True)
            return FALLBACK

    async def _decide(self, fn: Callable[..., Reply], *args: str) -> Reply:
        try:
            return await asyncio.to_thread(fn, *args)
        except Exception as exc:  # a bug or an outage must not end the call
            log.error("dialogue failed (%s); speaking the fallback", type(exc).__name__,
                      extra={"call_id": self._ctx.call_id}, exc_info=True)
            return FALLBACK

    async def _say(self, reply: Reply, caller_text: str) -> None:
        reply_id = next(self._ids)
        self._ctx.log.add(ReplyLogged(
            reply_id, reply.text, reply.intent.value, self._ctx.clock.now_ms(), caller_text,
            tuple((a.kind, a.order_id, a.amount, a.currency) for a in reply.actions), reply.end_call))
        if reply.end_call:
            self._ending_reply = reply_id
        if reply.text:
            await self.push_frame(ReplyFrame(reply_id=reply_id, reply=reply))
