"""Adapter for the dialogue manager: final transcripts in, replies out."""

from __future__ import annotations

import asyncio
import inspect
import itertools
import logging
from collections.abc import Callable

from pipecat.frames.frames import Frame, InputDTMFFrame, InterruptionFrame, StartFrame
from pipecat.processors.frame_processor import FrameDirection, FrameProcessor

from intents.types import DialogueManager, Intent, Reply
from pipeline.events import AgentAudioLogged, ReplyLogged
from pipeline.frames import CallerTranscriptFrame, PlayoutReportFrame, ReplyFrame
from pipeline.playout import PlayoutEventKind
from pipeline.processors.base import CallContext

log = logging.getLogger(__name__)

# Spoken when the dialogue itself fails: the call stays up and the caller knows what happens next.
FALLBACK = Reply("Sorry, something went wrong on my side. Could you say that again?", Intent.OTHER)

# After an interruption, playout reports the replies it held or played (CUT) within a frame or
# two; a reply it never received (flushed inside synthesis) is reported unsaid after this long.
_DROP_CHECK_S = 0.3


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
        self._unstarted: dict[int, str] = {}  # replies said that playout has not reported yet
        self._interruptions = 0  # InterruptionFrames seen (the caller took the floor)
        # the dialogue's state before the latest turn, kept while that turn changed nothing in
        # the store: a continuation (floor control's MERGE) is answered from there, as one turn
        self._before_turn: object | None = None
        # issue #14: dialogues that take the caller's language get it with each final
        self._takes_language = "language" in inspect.signature(dialogue.on_final).parameters

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
                await self._answer(frame)
        elif isinstance(frame, InputDTMFFrame) and self._ending_reply is None:
            key_reply = await self._decide_dtmf(str(frame.button.value))
            if key_reply is not None:
                await self._say(key_reply, caller_text=f"[keypad {frame.button.value}]")
        elif isinstance(frame, InterruptionFrame):
            self._interruptions += 1
            pending = dict(self._unstarted)
            if pending:
                self.create_task(self._report_dropped(pending), name="dialogue-dropped")
        elif isinstance(frame, PlayoutReportFrame):
            event = frame.event
            self._unstarted.pop(event.reply_id, None)
            if event.kind == PlayoutEventKind.CUT:
                self._dialogue.on_heard(event.reply_text, event.heard_text)
                if self._ending_reply == event.reply_id:
                    self._ending_reply = None  # the caller cut the goodbye short: keep listening
            elif event.kind == PlayoutEventKind.FINISHED and self._ending_reply == event.reply_id:
                self.call_ended.set()

    async def _answer(self, frame: CallerTranscriptFrame) -> None:
        """Answer one final transcript, unless the caller takes the floor while it is decided."""
        if frame.continues and self._before_turn is not None:
            # The fragment's reply was dropped unsaid: answer fragment and continuation as one turn
            # from where the dialogue stood before the fragment (it moved nothing in the store).
            self._dialogue.state = self._before_turn  # type: ignore[attr-defined]
        note = getattr(self._dialogue, "note_evidence", None)
        if note is not None:  # issue 11: what the recognizer proved against the audio
            note(frame.evidence)
        before = getattr(self._dialogue, "state", None)
        seen = self._interruptions
        if self._takes_language:
            reply = await self._decide(self._dialogue.on_final, frame.text, language=frame.language)
        else:
            reply = await self._decide(self._dialogue.on_final, frame.text)
        self._before_turn = None if reply.actions else before
        if self._interruptions != seen:
            # The caller went on while this was decided: it answers a fragment; never say it.
            self._log_reply(next(self._ids), reply, frame.text)
            self._dialogue.on_heard(reply.text, "")
            return
        await self._say(reply, caller_text=frame.text)

    async def _report_dropped(self, pending: dict[int, str]) -> None:
        """Tell the dialogue about replies flushed before playout got them: nothing was heard."""
        await asyncio.sleep(_DROP_CHECK_S)
        for reply_id, text in pending.items():
            if self._unstarted.pop(reply_id, None) is not None:
                self._ctx.log.add(AgentAudioLogged("dropped", reply_id, self._ctx.clock.now_ms(), ""))
                self._dialogue.on_heard(text, "")

    async def _decide_dtmf(self, key: str) -> Reply | None:
        try:
            return await asyncio.to_thread(self._dialogue.on_dtmf, key)
        except Exception as exc:
            log.error("dialogue failed on a keypress (%s)", type(exc).__name__,
                      extra={"call_id": self._ctx.call_id}, exc_info=True)
            return FALLBACK

    async def _decide(self, fn: Callable[..., Reply], *args: str, **kwargs: str | None) -> Reply:
        try:
            return await asyncio.to_thread(fn, *args, **kwargs)
        except Exception as exc:  # a bug or an outage must not end the call
            log.error("dialogue failed (%s); speaking the fallback", type(exc).__name__,
                      extra={"call_id": self._ctx.call_id}, exc_info=True)
            return FALLBACK

    def _log_reply(self, reply_id: int, reply: Reply, caller_text: str) -> None:
        self._ctx.log.add(ReplyLogged(
            reply_id, reply.text, reply.intent.value, self._ctx.clock.now_ms(), caller_text,
            tuple((a.kind, a.order_id, a.amount, a.currency) for a in reply.actions), reply.end_call))

    async def _say(self, reply: Reply, caller_text: str) -> None:
        reply_id = next(self._ids)
        self._log_reply(reply_id, reply, caller_text)
        if reply.end_call:
            self._ending_reply = reply_id
        if reply.text:
            self._unstarted[reply_id] = reply.text
            await self.push_frame(ReplyFrame(reply_id=reply_id, reply=reply))
