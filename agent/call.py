"""One call = one pipecat pipeline over shared models: assembly and lifetime.

``CallPipeline.run()`` drives the call until it ends; ``end()`` asks for a graceful stop (queued
frames drain), ``aclose()`` stops at once. The pipecat tasks are created by the runner inside
``run()`` and torn down there, never in ``__init__``.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from pipecat.audio.dtmf.types import KeypadEntry
from pipecat.frames.frames import EndFrame, InputDTMFFrame
from pipecat.pipeline.pipeline import Pipeline
from pipecat.pipeline.worker import PipelineParams, PipelineWorker
from pipecat.workers.runner import WorkerRunner

from agent.config import AgentConfig
from intents.policy import decide as policy
from intents.policy.config import ConfigError
from intents.policy.config import load_config as load_dialogue_config
from intents.types import DialogueManager
from pipeline.asr import Recognizer, load_recognizer
from pipeline.clock import Clock, MonotonicClock
from pipeline.devices import PIPELINE_RATE_HZ, AudioSink, AudioSource
from pipeline.events import CallLog
from pipeline.identifier_check import IdentifierChecker
from pipeline.language_id import LanguageParams, LanguageTracker
from pipeline.processors.audio_input import AudioInputProcessor
from pipeline.processors.base import CallContext
from pipeline.processors.dialogue import DialogueProcessor
from pipeline.processors.interruption import InterruptionProcessor
from pipeline.processors.playout import PlayoutProcessor
from pipeline.processors.stt import SttProcessor
from pipeline.processors.tts import TtsProcessor
from pipeline.processors.vad import VadProcessor
from pipeline.tts import Synthesizer, load_synthesizer
from pipeline.turn_audio import TurnAudio
from pipeline.vad import VadStream, make_speech_model
from pipeline.voice_bank import VoiceBank, load_voice_bank

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Models:
    """Loaded once per process and shared by every call."""

    recognizer: Recognizer
    synthesizer: Synthesizer  # the English voice (busy notices; the default of an English line)
    voices: VoiceBank  # a voice per language (issue #14): replies are spoken in ``Reply.language``


def load_models(config: AgentConfig) -> Models:
    """Load (or reuse) the ASR model and the voices of the served languages; ~1.5 s the first time
    for English alone (Kokoro's Japanese adds ~1-3 s a fixed phrase on the first start only).

    Each model runs once on a throwaway input: the first ONNX/CTranslate2 run allocates and is
    several times slower, and that must not land on a caller's first turn. The first clauses of
    the dialogue's fixed phrases are synthesized too (~1 s), in every served language, so replies
    opening with them start at once. A bad voice file raises :class:`voices.registry.ModelError`.
    """
    langs = config.languages
    english = load_synthesizer(config.tts.voice)
    voices = load_voice_bank(langs.served, langs.voices, english=english)
    models = Models(load_recognizer(config.asr.model, config.asr.cpu_threads, config.asr.language),
                    english, voices)
    noise = (np.random.default_rng(0).standard_normal(16_000) * 300).astype(np.int16)
    models.recognizer.transcribe(noise)
    from intents.languages import warm_up

    # Every line, English-only too: the dialogue identifies each turn's written language (to hear
    # a caller who switched languages), and loading langid and the vocabularies took 1.9-2.8 s of
    # the first caller's first turn after every worker start (seen as 3.3 s responses in the
    # fleet load test and the capacity sweep). ~2 s at start-up instead.
    warm_up()
    try:
        dialogue_config = load_dialogue_config()
    except ConfigError:
        return models  # the dialogue reports a bad policy file where it loads it, with its name
    for language in langs.served:
        voices.warm(language, policy.fixed_phrases(dialogue_config, language), config.tts.min_clause_words)
    return models


def language_tracker(config: AgentConfig, recognizer: Recognizer) -> LanguageTracker:
    """A new call's language (issue #14): the default until the caller's words say otherwise."""
    langs = config.languages
    params = LanguageParams(served=langs.served, min_confidence=langs.min_confidence)
    return LanguageTracker(params, identifies=langs.multilingual and recognizer.multilingual)


class CallSession(Protocol):
    """What drives a call from outside (simulation, server): ours or a baseline pipeline."""

    call_id: str
    log: CallLog

    @property
    def agent_hung_up(self) -> asyncio.Event: ...

    async def run(self) -> None: ...

    async def aclose(self) -> None: ...


# (source, sink, dialogue, clock, call_id) -> a call ready to run
CallFactory = Callable[[AudioSource, AudioSink, DialogueManager, Clock, str], CallSession]


def our_call_factory(config: AgentConfig, models: Models) -> CallFactory:
    """Calls built from this project's pipeline with ``config`` over shared ``models``."""

    def make(source: AudioSource, sink: AudioSink, dialogue: DialogueManager, clock: Clock,
             call_id: str) -> CallSession:
        return CallPipeline(config, models, source, sink, dialogue, clock=clock, call_id=call_id)

    return make


class CallPipeline:
    """A single call's pipeline. Create, then ``await run()``; stop with ``end()``/``aclose()``."""

    def __init__(self, config: AgentConfig, models: Models, source: AudioSource, sink: AudioSink,
                 dialogue: DialogueManager, clock: Clock | None = None,
                 call_id: str | None = None) -> None:
        self.call_id = call_id or uuid.uuid4().hex[:12]
        self.clock = clock or MonotonicClock()
        self.log = CallLog()
        ctx = CallContext(self.call_id, self.clock, self.log)
        self._input = AudioInputProcessor(source)
        self._dialogue = DialogueProcessor(ctx, dialogue)
        processors = [
            self._input,
            VadProcessor(ctx, VadStream(make_speech_model(config.vad.model), config.vad_params())),
            SttProcessor(ctx, models.recognizer, TurnAudio(config.turn_audio_params()),
                         config.endpointing_params(), dialogue.answers,
                         expects=getattr(dialogue, "expects", None),  # issue 11: identifier check
                         checker=IdentifierChecker(models.recognizer),
                         languages=language_tracker(config, models.recognizer)),
            InterruptionProcessor(ctx, config.interruption_params()),
            self._dialogue,
            TtsProcessor(ctx, models.voices, config.tts.min_clause_words),
            PlayoutProcessor(ctx, sink),
        ]
        self._worker = PipelineWorker(
            Pipeline(processors),
            params=PipelineParams(audio_in_sample_rate=PIPELINE_RATE_HZ,
                                  audio_out_sample_rate=PIPELINE_RATE_HZ),
            idle_timeout_secs=None, cancel_on_idle_timeout=False, enable_rtvi=False,
            enable_turn_tracking=False,
        )

    @property
    def agent_hung_up(self) -> asyncio.Event:
        """Set once the dialogue's closing reply (``end_call``) has been fully played."""
        return self._dialogue.call_ended

    @property
    def caller_audio_ended(self) -> asyncio.Event:
        """Set when the audio source reports its end (the caller hung up)."""
        return self._input.source_ended

    async def run(self) -> None:
        """Run the call until ``end()``/``aclose()`` (or the pipeline stops by itself)."""
        runner = WorkerRunner(handle_sigint=False)
        await runner.add_workers(self._worker)
        log.info("call started", extra={"call_id": self.call_id})
        try:
            await runner.run()
        finally:
            log.info("call ended", extra={"call_id": self.call_id})

    async def send_dtmf(self, key: str) -> None:
        """A keypad press from the caller ("0"-"9", "*", "#"); unknown keys raise ValueError."""
        await self._worker.queue_frame(InputDTMFFrame(button=KeypadEntry(key)))

    async def end(self) -> None:
        """Graceful stop: an EndFrame travels the pipeline after what is queued."""
        await self._worker.queue_frame(EndFrame())

    async def aclose(self) -> None:
        """Hard stop: cancels every processor task now."""
        await self._worker.cancel(reason="call closed")
