"""The baseline: a STOCK pipecat 1.14 pipeline from pipecat's own defaults, as a ``CallFactory``.

    sim input transport -> WhisperSTTService -> LLMUserAggregator(SileroVADAnalyzer()) ->
    rules (the same DialogueManager, in place of an LLM) -> PiperTTSService -> sim output transport

Everything that decides timing is pipecat's, untouched: Silero with default ``VADParams``, the
segmented Whisper service (same local tiny.en files as ours, default device and compute type), the
default user-turn strategies (VAD/transcription start, smart-turn v3 stop), Piper in-process (same
joe-medium voice files), the base output transport (40 ms chunks, ``BotStarted/StoppedSpeaking``).
What is ours: two thin transports over the simulated line (the input reads 20 ms frames as they
arrive; the output plays each chunk in real time like a sound card with no extra buffer) and
taps that log what the simulated caller and the report need into a ``CallLog``. Taps only
observe; RTVI is off (no client on the line).
"""

from __future__ import annotations

import asyncio
import uuid
from collections import deque
from dataclasses import dataclass, field

from pipecat.audio.vad.silero import SileroVADAnalyzer
from pipecat.frames.frames import (
    BotStartedSpeakingFrame,
    BotStoppedSpeakingFrame,
    CancelFrame,
    EndFrame,
    Frame,
    InputAudioRawFrame,
    InterruptionFrame,
    LLMContextFrame,
    LLMContextUserTurnFrame,
    OutputAudioRawFrame,
    StartFrame,
    TTSAudioRawFrame,
    TTSSpeakFrame,
    TTSStartedFrame,
    TTSStoppedFrame,
    TTSTextFrame,
    UserStoppedSpeakingFrame,
    VADUserStartedSpeakingFrame,
    VADUserStoppedSpeakingFrame,
)
from pipecat.pipeline.pipeline import Pipeline
from pipecat.pipeline.worker import PipelineParams, PipelineWorker
from pipecat.processors.aggregators.llm_context import LLMContext
from pipecat.processors.aggregators.llm_response_universal import (
    LLMUserAggregator,
    LLMUserAggregatorParams,
)
from pipecat.processors.frame_processor import FrameDirection, FrameProcessor
from pipecat.services.piper.tts import PiperTTSService
from pipecat.services.whisper.stt import WhisperSTTService
from pipecat.transports.base_input import BaseInputTransport
from pipecat.transports.base_output import BaseOutputTransport
from pipecat.transports.base_transport import TransportParams
from pipecat.workers.runner import WorkerRunner

from agent.call import CallFactory, CallSession
from intents.types import DialogueManager, Reply
from pipeline.clock import Clock
from pipeline.devices import FRAME_BYTES, FRAME_MS, PIPELINE_RATE_HZ, AudioSink, AudioSource
from pipeline.events import (
    AgentAudioLogged,
    CallLog,
    ClauseLogged,
    FinalLogged,
    ReplyLogged,
    VadLogged,
)
from voices.registry import PIPER_JOE_MEDIUM, WHISPER_TINY_EN, model_dir

PIPER_VOICE = "en_US-joe-medium"


def baseline_models() -> dict[str, str]:
    """What the baseline loads, for the bench header."""
    return {"stt": f"pipecat WhisperSTTService, {WHISPER_TINY_EN.name} (local dir)",
            "tts": f"pipecat PiperTTSService, {PIPER_VOICE}", "vad": "pipecat SileroVADAnalyzer, VADParams()",
            "turn": "pipecat default UserTurnStrategies (VAD + transcription start, smart-turn v3 stop)"}


# ---------------------------------------------------------------- transports over the sim line


class SimInputTransport(BaseInputTransport):
    """Feeds the simulated caller's 20 ms frames into pipecat's input path as they arrive."""

    def __init__(self, source: AudioSource, params: TransportParams) -> None:
        super().__init__(params, name="sim-input")
        self._source = source
        self._reader: asyncio.Task | None = None

    async def start(self, frame: StartFrame) -> None:
        await super().start(frame)
        await self.set_transport_ready(frame)
        self._reader = self.create_task(self._read_loop(), name="sim-input-reader")

    async def _read_loop(self) -> None:
        while True:
            pcm = await self._source.read_frame()
            if pcm is None:
                return
            await self.push_audio_frame(InputAudioRawFrame(audio=pcm, sample_rate=PIPELINE_RATE_HZ,
                                                           num_channels=1))

    async def _stop_reader(self) -> None:
        if self._reader is not None:
            await self.cancel_task(self._reader)
            self._reader = None

    async def stop(self, frame: EndFrame) -> None:
        await self._stop_reader()
        await super().stop(frame)

    async def cancel(self, frame: CancelFrame) -> None:
        await self._stop_reader()
        await super().cancel(frame)


class SimOutputTransport(BaseOutputTransport):
    """Plays each chunk pipecat writes in real time, 20 ms frames at call-time frame boundaries.

    Like a sound card with no buffer beyond the frame playing: a write returns when its last
    frame starts to play; when idle, the next write starts at the next frame boundary.
    """

    def __init__(self, sink: AudioSink, clock: Clock, params: TransportParams) -> None:
        super().__init__(params, name="sim-output")
        self._sink = sink
        self._clock = clock
        self._next_index = 0

    async def start(self, frame: StartFrame) -> None:
        await super().start(frame)
        await self.set_transport_ready(frame)

    async def write_audio_frame(self, frame: OutputAudioRawFrame) -> bool:
        audio = frame.audio
        for off in range(0, len(audio), FRAME_BYTES):
            piece = audio[off:off + FRAME_BYTES]
            if len(piece) < FRAME_BYTES:
                piece = piece + bytes(FRAME_BYTES - len(piece))
            now = self._clock.now_ms()
            index = max(self._next_index, int(-(-now // FRAME_MS)))
            delay_ms = index * FRAME_MS - now
            if delay_ms > 0:
                await asyncio.sleep(delay_ms / 1000.0)
            self._sink.write_frame(piece, index * FRAME_MS)
            self._next_index = index + 1
        return True


# ---------------------------------------------------------------- taps and the rule-based "LLM"


@dataclass
class _Shared:
    """State the taps share: replies waiting for synthesis/playback, tagged with the number of
    interruptions seen when they were decided (an interruption drops everything queued before it)."""

    clock: Clock
    log: CallLog
    to_synth: deque[tuple[int, int]] = field(default_factory=deque)
    to_play: deque[tuple[int, int]] = field(default_factory=deque)
    texts: dict[int, str] = field(default_factory=dict)
    ending_reply: int | None = None
    hung_up: asyncio.Event = field(default_factory=asyncio.Event)


def _drop_stale(queue: deque[tuple[int, int]], epoch: int) -> None:
    while queue and queue[0][1] < epoch:
        queue.popleft()


class RulesProcessor(FrameProcessor):
    """In place of the LLM: the user turn's text -> ``dialogue.on_final`` -> ``TTSSpeakFrame``.

    Also logs VAD, turn end and the turn's final text (what the report and the caller need).
    """

    def __init__(self, shared: _Shared, dialogue: DialogueManager) -> None:
        super().__init__(name="rules")
        self._s = shared
        self._dialogue = dialogue
        self._reply_ids = 0
        self._epoch = 0
        self._turn_speech_start: float | None = None
        self._last_vad_start: float | None = None  # a turn started by a late transcript has no VAD start
        self._turn_end: float | None = None

    async def process_frame(self, frame: Frame, direction: FrameDirection) -> None:
        await super().process_frame(frame, direction)
        now = self._s.clock.now_ms()
        if isinstance(frame, LLMContextFrame) and direction == FrameDirection.DOWNSTREAM:
            return  # an LLM would consume it; the turn's text came in LLMContextUserTurnFrame
        await self.push_frame(frame, direction)
        if direction != FrameDirection.DOWNSTREAM:
            return
        if isinstance(frame, StartFrame):
            await self._say(await asyncio.to_thread(self._dialogue.greeting), "")
        elif isinstance(frame, InterruptionFrame):
            self._epoch += 1
        elif isinstance(frame, VADUserStartedSpeakingFrame):
            start = now - frame.start_secs * 1000.0
            self._s.log.add(VadLogged("speech_start", now, start))
            self._last_vad_start = start
            if self._turn_speech_start is None:
                self._turn_speech_start = start
        elif isinstance(frame, VADUserStoppedSpeakingFrame):
            self._s.log.add(VadLogged("speech_end", now, self._turn_speech_start or now))
        elif isinstance(frame, UserStoppedSpeakingFrame):
            self._turn_end = now
            self._s.log.add(VadLogged("turn_end", now, self._turn_speech_start or now))
        elif isinstance(frame, LLMContextUserTurnFrame) and frame.text.strip():
            turn_end = self._turn_end if self._turn_end is not None else now
            start = self._turn_speech_start or self._last_vad_start or turn_end
            self._s.log.add(FinalLogged(frame.text, now, turn_end, start, 0.0))
            self._turn_speech_start = self._turn_end = None
            await self._say(await asyncio.to_thread(self._dialogue.on_final, frame.text), frame.text)

    async def _say(self, reply: Reply, caller_text: str) -> None:
        self._reply_ids += 1
        rid = self._reply_ids
        self._s.log.add(ReplyLogged(rid, reply.text, reply.intent.value, self._s.clock.now_ms(), caller_text,
                                    tuple((a.kind, a.order_id, a.amount, a.currency) for a in reply.actions),
                                    reply.end_call))
        if reply.end_call:
            self._s.ending_reply = rid
        if reply.text:
            self._s.texts[rid] = reply.text
            self._s.to_synth.append((rid, self._epoch))
            self._s.to_play.append((rid, self._epoch))
            await self.push_frame(TTSSpeakFrame(reply.text))


class SynthTap(FrameProcessor):
    """Between TTS and output: logs when each reply's first synthesized audio arrived."""

    def __init__(self, shared: _Shared) -> None:
        super().__init__(name="synth-tap")
        self._s = shared
        self._epoch = 0
        self._current: int | None = None
        self._started_ms = 0.0
        self._first_ms: float | None = None
        self._audio_ms = 0.0

    async def process_frame(self, frame: Frame, direction: FrameDirection) -> None:
        await super().process_frame(frame, direction)
        await self.push_frame(frame, direction)
        if direction != FrameDirection.DOWNSTREAM:
            return
        now = self._s.clock.now_ms()
        if isinstance(frame, InterruptionFrame):
            self._flush()
            self._epoch += 1
        elif isinstance(frame, TTSStartedFrame):
            self._flush()
            _drop_stale(self._s.to_synth, self._epoch)
            self._current = self._s.to_synth.popleft()[0] if self._s.to_synth else None
            self._started_ms, self._first_ms, self._audio_ms = now, None, 0.0
        elif isinstance(frame, TTSAudioRawFrame) and self._current is not None:
            if self._first_ms is None:
                self._first_ms = now
            self._audio_ms += len(frame.audio) / 2 / frame.sample_rate * 1000.0
        elif isinstance(frame, TTSStoppedFrame):
            self._flush()

    def _flush(self) -> None:
        if self._current is not None and self._first_ms is not None:
            self._s.log.add(ClauseLogged(self._current, 0, self._first_ms, self._first_ms - self._started_ms,
                                         round(self._audio_ms, 1)))
        self._current = None


class PlaybackTap(FrameProcessor):
    """After the output transport: ``BotStarted/StoppedSpeaking`` -> started / finished / cut."""

    def __init__(self, shared: _Shared) -> None:
        super().__init__(name="playback-tap")
        self._s = shared
        self._epoch = 0
        self._playing: int | None = None
        self._interrupted = False
        self._heard: list[str] = []

    async def process_frame(self, frame: Frame, direction: FrameDirection) -> None:
        await super().process_frame(frame, direction)
        await self.push_frame(frame, direction)
        if direction != FrameDirection.DOWNSTREAM:
            return
        now = self._s.clock.now_ms()
        if isinstance(frame, InterruptionFrame):
            self._epoch += 1
            self._interrupted = self._playing is not None
        elif isinstance(frame, BotStartedSpeakingFrame):
            _drop_stale(self._s.to_play, self._epoch)
            self._playing = self._s.to_play.popleft()[0] if self._s.to_play else 0
            self._interrupted, self._heard = False, []
            self._s.log.add(AgentAudioLogged("started", self._playing, now, ""))
        elif isinstance(frame, TTSTextFrame) and self._playing is not None:
            self._heard.append(frame.text)
        elif isinstance(frame, BotStoppedSpeakingFrame) and self._playing is not None:
            rid, self._playing = self._playing, None
            if self._interrupted:
                self._s.log.add(AgentAudioLogged("cut", rid, now, " ".join(self._heard).strip()))
            else:
                self._s.log.add(AgentAudioLogged("finished", rid, now, self._s.texts.get(rid, "")))
                if rid == self._s.ending_reply:
                    self._s.hung_up.set()


# ---------------------------------------------------------------- the call


class BaselineCall:
    """One stock-pipecat call over the simulated line (a ``CallSession``)."""

    def __init__(self, source: AudioSource, sink: AudioSink, dialogue: DialogueManager, clock: Clock,
                 call_id: str | None = None) -> None:
        self.call_id = call_id or uuid.uuid4().hex[:12]
        self.log = CallLog()
        self._shared = _Shared(clock, self.log)
        params = TransportParams(audio_in_enabled=True, audio_out_enabled=True)
        stt = WhisperSTTService(settings=WhisperSTTService.Settings(model=str(model_dir(WHISPER_TINY_EN))))
        tts = PiperTTSService(settings=PiperTTSService.Settings(voice=PIPER_VOICE),
                              download_dir=model_dir(PIPER_JOE_MEDIUM))
        user = LLMUserAggregator(LLMContext(),
                                 params=LLMUserAggregatorParams(vad_analyzer=SileroVADAnalyzer()))
        pipeline = Pipeline([
            SimInputTransport(source, params), stt, user, RulesProcessor(self._shared, dialogue), tts,
            SynthTap(self._shared), SimOutputTransport(sink, clock, params), PlaybackTap(self._shared),
        ])
        self._worker = PipelineWorker(
            pipeline, params=PipelineParams(audio_in_sample_rate=PIPELINE_RATE_HZ,
                                            audio_out_sample_rate=PIPELINE_RATE_HZ),
            enable_rtvi=False)

    @property
    def agent_hung_up(self) -> asyncio.Event:
        return self._shared.hung_up

    async def run(self) -> None:
        runner = WorkerRunner(handle_sigint=False)
        await runner.add_workers(self._worker)
        await runner.run()

    async def aclose(self) -> None:
        await self._worker.cancel(reason="call closed")


def baseline_call_factory() -> CallFactory:
    """Stock-pipecat calls; each builds its own services, as a stock app does per session."""

    def make(source: AudioSource, sink: AudioSink, dialogue: DialogueManager, clock: Clock,
             call_id: str) -> CallSession:
        return BaselineCall(source, sink, dialogue, clock, call_id)

    return make
