"""Streaming synthesis: a reply is split into clauses, each spoken as soon as it is ready, in the
voice of the reply's language."""

from __future__ import annotations

import asyncio

from pipecat.frames.frames import Frame
from pipecat.processors.frame_processor import FrameDirection, FrameProcessor

from pipeline.clauses import split_clauses
from pipeline.events import ClauseLogged
from pipeline.frames import ReplyAudioFrame, ReplyFrame
from pipeline.processors.base import CallContext
from pipeline.tts import CachingSynthesizer
from pipeline.voice_bank import VoiceBank


class TtsProcessor(FrameProcessor):
    """Consumes :class:`ReplyFrame`, emits one :class:`ReplyAudioFrame` per clause.

    Runs in the processor's data task, so pipecat's InterruptionFrame cancels a reply mid-way:
    the clause being synthesized finishes in its thread and is discarded, later ones never start.

    ``voices`` is a :class:`VoiceBank`, or a single synthesizer: then English replies use it and
    any other language gets its built-in voice (espeak-ng, Kokoro for ja), loaded on first use.
    The language is ``Reply.language`` ("en" for a reply that carries none).
    """

    def __init__(self, ctx: CallContext, voices: CachingSynthesizer | VoiceBank,
                 min_clause_words: int = 3) -> None:
        super().__init__(name="tts")
        self._ctx = ctx
        self._voices = voices if isinstance(voices, VoiceBank) else VoiceBank(english=voices)
        self._min_words = min_clause_words

    async def process_frame(self, frame: Frame, direction: FrameDirection) -> None:
        await super().process_frame(frame, direction)
        if not isinstance(frame, ReplyFrame):
            await self.push_frame(frame, direction)
            return
        text = frame.reply.text
        language = getattr(frame.reply, "language", None) or "en"
        synth = self._voices.loaded(language)
        if synth is None:  # a first use loads it: off the loop
            synth = await asyncio.to_thread(self._voices.synthesizer, language)
        clauses = split_clauses(text, self._min_words, language=language)
        for index, clause in enumerate(clauses):
            result = await asyncio.to_thread(synth.synthesize, clause.text)
            self._ctx.log.add(ClauseLogged(frame.reply_id, index, self._ctx.clock.now_ms(),
                                           result.compute_ms, len(result.pcm) / 16.0))
            await self.push_frame(ReplyAudioFrame(
                reply_id=frame.reply_id, reply_text=text, clause=clause, pcm=result.pcm,
                last=index == len(clauses) - 1, word_marks=result.word_marks))
