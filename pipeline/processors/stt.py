"""Incremental recognition: partials while the caller talks, a final when the turn ends."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from pipecat.frames.frames import CancelFrame, EndFrame, Frame, InputAudioRawFrame
from pipecat.processors.frame_processor import FrameDirection, FrameProcessor

from intents.verify_evidence import Expected
from pipeline.asr import Recognizer, Transcript
from pipeline.endpointing import AudioDeadline, EndpointingParams, Verdict, judge
from pipeline.events import FinalLogged, PartialLogged
from pipeline.frames import CallerTranscriptFrame, CallerVadFrame
from pipeline.identifier_check import IdentifierChecker, check_turn
from pipeline.language_id import LanguageTracker
from pipeline.processors.base import CallContext
from pipeline.turn_audio import RATE_HZ, TurnAudio
from pipeline.vad import VadEventKind


class SttProcessor(FrameProcessor):
    """One recognition at a time per call; partials are skipped while one is running."""

    def __init__(self, ctx: CallContext, recognizer: Recognizer, turn: TurnAudio,
                 endpointing: EndpointingParams | None = None,
                 answers: Callable[[str], bool] | None = None,
                 expects: Callable[[], tuple[Expected, ...]] | None = None,
                 checker: IdentifierChecker | None = None,
                 languages: LanguageTracker | None = None) -> None:
        """With ``endpointing.words``, a paused burst that reads as a complete sentence ends the
        turn at once, one that wholly answers the agent's question (``answers``, the dialogue's
        judge) ends it ``answer_wait_ms`` after the pause, and a trailing one waits
        ``long_wait_ms`` beyond the VAD's turn end. Both waits count caller audio, not wall time.

        ``expects`` (the dialogue's) names the identifiers the call waits for; with a ``checker``
        each final is checked against them over the audio already encoded, and the final carries
        what was proven (``CallerTranscriptFrame.evidence``).

        ``languages`` (issue #14) holds the call's language: every recognition decodes in it,
        those that may become the final identify the language from the same encoder output
        first, and each final tells the dialogue the caller's language (or None: unsure)."""
        self._languages = languages
        self._expects = expects
        self._checker = checker
        # (segment transcript, its check) started at the pause; used if that segment is the final
        self._early_check: tuple[Transcript, asyncio.Task[tuple[Expected, ...]]] | None = None
        super().__init__(name="stt")
        self._answers = answers
        self._endpointing = endpointing or EndpointingParams()
        self._pause_audio_ms = 0.0  # where in the caller's audio the latest pause (SPEECH_END) was
        self._deadline = AudioDeadline()  # a turn end waiting for more caller silence
        self._speculative: asyncio.Task[Transcript] | None = None  # started on QUIET
        self._last_partial = ""  # the turn's latest interim words
        self._ctx = ctx
        self._recognizer = recognizer
        self._turn = turn
        self._job: asyncio.Task | None = None
        self._segment: asyncio.Task[Transcript] | None = None  # recognition of the last burst

    async def process_frame(self, frame: Frame, direction: FrameDirection) -> None:
        await super().process_frame(frame, direction)
        await self.push_frame(frame, direction)
        if isinstance(frame, InputAudioRawFrame):
            self._turn.push(frame.audio)
            now = self._ctx.clock.now_ms()
            frame_ms = len(frame.audio) * 1000.0 / (2 * frame.sample_rate * frame.num_channels)
            if self._deadline.on_audio(frame_ms) and self._turn.active:
                self.create_task(self._final(now), name="stt-final")
                return
            if self._turn.partial_due(now) and self._idle():
                self._turn.last_partial_ms = now
                self._job = self.create_task(self._partial(), name="stt-partial")
        elif isinstance(frame, CallerVadFrame):
            await self._on_vad(frame)
        elif isinstance(frame, (EndFrame, CancelFrame)):
            await self._cancel_jobs()

    def _idle(self) -> bool:
        return (self._job is None or self._job.done()) and (
            self._segment is None or self._segment.done())

    async def _on_vad(self, frame: CallerVadFrame) -> None:
        event, now = frame.event, self._ctx.clock.now_ms()
        if event.kind in (VadEventKind.ONSET, VadEventKind.GOING_ON):
            # The caller may be going on after a comma ("a refund, [pause] please"): the level
            # onset (or, inside a pause, any sound over the pause's noise) comes ~30-100 ms
            # before the model's SPEECH_START, in time to hold the early end. If it was a noise,
            # TURN_END still ends the turn on silence.
            self._deadline.on_onset(event.audio_ms)
        elif event.kind == VadEventKind.SPEECH_START:
            self._turn.start(event.speech_start_ms, now)
            self._segment = None  # speech resumed: an earlier segment result misses the new words
            self._speculative = None
            self._deadline.cancel()
        elif event.kind == VadEventKind.QUIET and self._turn.active:
            # Recognise while the VAD is still making sure this is a pause: if it is, the words
            # are ready ~100 ms sooner; if the caller goes on, SPEECH_START discards them.
            audio, _ = self._turn.snapshot()
            self._speculative = self.create_task(self._recognize(audio), name="stt-speculative")
        elif event.kind == VadEventKind.SPEECH_END and self._turn.active:
            self._pause_audio_ms = event.audio_ms
            job = self._speculative
            self._speculative = None
            if job is None:
                audio, _ = self._turn.snapshot()
                job = self.create_task(self._recognize(audio), name="stt-segment")
            self._segment = job
            self.create_task(self._announce_segment(job), name="stt-segment-announce")
        elif event.kind == VadEventKind.TURN_END and self._turn.active:
            segment = self._segment
            trailing = (self._endpointing.words and segment is not None and segment.done()
                        and not segment.cancelled() and judge(segment.result().text) == Verdict.WAIT_LONGER)
            if not trailing or self._deadline.arm(self._endpointing.long_wait_ms, from_ms=event.audio_ms):
                self.create_task(self._final(now), name="stt-final")

    async def _recognize(self, audio, identify: bool = True) -> Transcript:  # type: ignore[no-untyped-def]
        tracker = self._languages
        if tracker is None:
            return await asyncio.to_thread(self._recognizer.transcribe, audio)
        # Partials only show words: once the call's language is settled they skip the language ID
        # (~35-120 ms); before, they identify too (nothing is committed) so they show the right
        # words. A turn too short to settle or switch the language skips it as well.
        wanted = identify or not tracker.settled
        long_enough = tracker.may_move(len(audio) * 1000.0 / RATE_HZ)
        picker = tracker if tracker.identifies and wanted and long_enough else None
        return await asyncio.to_thread(self._recognizer.transcribe, audio, language=tracker.language,
                                       identify=picker)

    async def _partial(self) -> None:
        audio, _ = self._turn.snapshot()
        result = await self._recognize(audio, identify=False)
        if result.text and self._turn.active:
            at = self._ctx.clock.now_ms()
            self._last_partial = result.text
            self._ctx.log.add(PartialLogged(result.text, at))
            await self.push_frame(CallerTranscriptFrame(text=result.text, kind="partial", at_ms=at,
                                                        speech_start_ms=self._turn.speech_start_ms))

    async def _announce_segment(self, job: asyncio.Task[Transcript]) -> None:
        result = await job
        running = self._early_check is not None and not self._early_check[1].done()
        if self._segment is job and not running:
            # Check the identifiers while the VAD waits out the pause: if this burst ends the turn,
            # the evidence is ready with (or soon after) the final instead of ~0.5 s later. One at
            # a time: a check holds the model, and a caller pausing between digit groups would
            # otherwise queue one per group ahead of the recognitions (seen: 6-11 s replies).
            self._early_check = (result, self.create_task(self._evidence(result), name="stt-check"))
        await self.push_frame(CallerTranscriptFrame(text=result.text, kind="segment",
                                                    at_ms=self._ctx.clock.now_ms(),
                                                    speech_start_ms=self._turn.speech_start_ms))
        if not (self._endpointing.words and self._segment is job and self._turn.active):
            return
        # A complete sentence after a pause ends the turn now, ~300 ms before the silence rule; a
        # whole answer ends it a little later, once a comma pause would have been over.
        end_now = judge(result.text) == Verdict.END_NOW
        if not end_now and self._answers is not None and self._answers(result.text):
            # arm() says "now" when the wait was already heard while the words were recognised
            end_now = self._deadline.arm(self._endpointing.answer_wait_ms, from_ms=self._pause_audio_ms,
                                         early_answer=True)
        if end_now:
            await self._final(self._ctx.clock.now_ms())

    async def _final(self, turn_end_ms: float) -> None:
        audio, _ = self._turn.snapshot()
        speech_start_ms = self._turn.speech_start_ms
        segment = self._segment
        self._deadline.cancel()
        self._turn.reset()
        self._segment = None
        if segment is not None:
            # Only silence arrived since SPEECH_END, so the segment's words are the turn's words.
            result = await segment
        else:
            result = await self._recognize(audio)
        # Greedy decoding sometimes stops after a word on audio it read fully a moment ago
        # (seen: "Your" after a partial "Your natural thank you."): recognise the whole turn once
        # more and keep the fuller reading.
        partial_words = len(self._last_partial.split())
        if partial_words >= 3 and len(result.text.split()) * 2 < partial_words:
            retry = await self._recognize(audio)
            if len(retry.text.split()) > len(result.text.split()):
                result = retry
        self._last_partial = ""
        early, self._early_check = self._early_check, None
        if early is not None and early[0] is result:
            evidence = await early[1]
        else:
            if early is not None:
                await self.cancel_task(early[1])  # a stale burst: its check no longer counts
            evidence = await self._evidence(result)
        language = None
        if self._languages is not None and result.text:
            language = self._languages.on_final(result.guess, result.audio_ms, result.language_probs).dialogue
        at = self._ctx.clock.now_ms()
        guess = result.guess
        self._ctx.log.add(FinalLogged(result.text, at, turn_end_ms, speech_start_ms, result.compute_ms,
                                      result.language, guess.language if guess else None,
                                      guess.confidence if guess else None))
        await self.push_frame(CallerTranscriptFrame(text=result.text, kind="final", at_ms=at,
                                                    speech_start_ms=speech_start_ms, turn_end_ms=turn_end_ms,
                                                    evidence=evidence, language=language))

    async def _evidence(self, result: Transcript) -> tuple[Expected, ...]:
        expected = self._expects() if self._expects is not None else ()
        if not expected or self._checker is None:
            return ()
        return await asyncio.to_thread(check_turn, self._checker, result, expected)

    async def _cancel_jobs(self) -> None:
        self._deadline.cancel()
        for job in (self._job, self._segment, self._speculative):
            if job and not job.done():
                await self.cancel_task(job)
