"""Voice activity: per-window speech probabilities (Silero or WebRTC) and the turn state machine.

Decisions live in :class:`VadTracker`, a pure state machine over (probability, time) that any test
can drive with numbers. Models only produce probabilities. Silero's ONNX session is shared by all
calls (``InferenceSession.run`` is thread-safe); each call keeps its own recurrent state.
"""

from __future__ import annotations

import enum
from collections import deque
from dataclasses import dataclass, field
from functools import cache
from typing import Protocol

import numpy as np

from voices.registry import SILERO_VAD, model_file

RATE_HZ = 16_000


class SpeechModel(Protocol):
    window_samples: int

    def probability(self, window: np.ndarray) -> float:
        """Speech probability 0..1 of one float32 window of ``window_samples`` at 16 kHz."""
        ...

    def reset(self) -> None: ...


@cache
def _silero_session():  # type: ignore[no-untyped-def]
    import onnxruntime

    opts = onnxruntime.SessionOptions()
    opts.inter_op_num_threads = 1
    opts.intra_op_num_threads = 1
    return onnxruntime.InferenceSession(str(model_file(SILERO_VAD, "silero_vad.onnx")),
                                        providers=["CPUExecutionProvider"], sess_options=opts)


class SileroModel:
    """Silero VAD v5: 512-sample (32 ms) windows at 16 kHz with a 64-sample context."""

    window_samples = 512
    _CONTEXT = 64

    def __init__(self) -> None:
        self._session = _silero_session()
        self.reset()

    def reset(self) -> None:
        self._state = np.zeros((2, 1, 128), dtype=np.float32)
        self._context = np.zeros((1, self._CONTEXT), dtype=np.float32)

    def probability(self, window: np.ndarray) -> float:
        x = np.concatenate([self._context, window.reshape(1, -1).astype(np.float32)], axis=1)
        out, self._state = self._session.run(
            None, {"input": x, "state": self._state, "sr": np.array(RATE_HZ, dtype=np.int64)})
        self._context = x[:, -self._CONTEXT:]
        return float(out[0][0])


class WebRtcModel:
    """WebRTC's GMM VAD on 20 ms windows; gives 0 or 1. ``mode`` 0 (lenient) to 3 (strict)."""

    window_samples = 320

    def __init__(self, mode: int = 3) -> None:
        import webrtcvad

        self._vad = webrtcvad.Vad(mode)

    def reset(self) -> None:
        pass

    def probability(self, window: np.ndarray) -> float:
        pcm = (np.clip(window, -1.0, 1.0) * 32767).astype(np.int16).tobytes()
        return 1.0 if self._vad.is_speech(pcm, RATE_HZ) else 0.0


def make_speech_model(name: str) -> SpeechModel:
    if name == "silero":
        return SileroModel()
    if name == "webrtc":
        return WebRtcModel()
    raise ValueError(f"unknown VAD {name!r}: use 'silero' or 'webrtc'")


class VadState(enum.Enum):
    SILENCE = "silence"
    SPEECH = "speech"  # the caller is talking
    PAUSE = "pause"  # talked, now quiet, but the turn may go on


class VadEventKind(enum.Enum):
    ONSET = "onset"  # a sudden rise in level: maybe speech, the model has not confirmed yet
    ONSET_REJECTED = "onset_rejected"  # the model did not confirm the onset in time
    GOING_ON = "going_on"  # sound in a pause inside the caller's turn: they may be going on
    SPEECH_START = "speech_start"
    QUIET = "quiet"  # a brief silence inside speech: a pause may be coming (start recognising)
    SPEECH_END = "speech_end"  # short silence: the caller paused
    TURN_END = "turn_end"  # long silence: the turn is over


@dataclass(frozen=True)
class VadEvent:
    kind: VadEventKind
    at_ms: float  # when the decision was made (end of the deciding window)
    speech_start_ms: float  # onset of the speech this event belongs to
    audio_ms: float  # where in the caller's audio it was decided (trackers run on audio time)


@dataclass(frozen=True)
class VadParams:
    threshold: float = 0.5
    start_ms: float = 32.0  # voiced audio needed to call it speech
    quiet_ms: float = 96.0  # silence that announces a possible pause (speculative recognition)
    stop_ms: float = 200.0  # silence that ends a stretch of speech
    turn_end_ms: float = 500.0  # silence (from the last voiced window) that ends the turn
    onset_rise_db: float = 15.0  # level jump over the noise floor that announces an onset
    onset_min_dbfs: float = -42.0  # ... and the level it must reach
    going_on_min_dbfs: float = -50.0  # the softer level that counts as sound inside a pause
    onset_confirm_ms: float = 160.0  # the model must call it speech within this, or it is rejected


@dataclass
class _Track:
    state: VadState = VadState.SILENCE
    voiced_ms: float = 0.0
    onset_ms: float = 0.0
    last_voiced_ms: float = 0.0
    speech_start_ms: float = 0.0
    quiet_sent: bool = False


@dataclass
class VadTracker:
    """Turns per-window probabilities into speech and turn events. Pure: no clock, no audio."""

    params: VadParams = field(default_factory=VadParams)
    _t: _Track = field(default_factory=_Track)

    @property
    def state(self) -> VadState:
        return self._t.state

    def reset(self) -> None:
        self._t = _Track()

    def update(self, probability: float, window_end_ms: float, window_ms: float) -> list[VadEvent]:
        """Feed one window's probability; returns the events it caused (usually none)."""
        p, t = self.params, self._t
        voiced = probability >= p.threshold
        events: list[VadEvent] = []
        if voiced:
            if t.voiced_ms == 0.0:
                t.onset_ms = window_end_ms - window_ms
            t.voiced_ms += window_ms
            t.last_voiced_ms = window_end_ms
            t.quiet_sent = False
            if t.state != VadState.SPEECH and t.voiced_ms >= p.start_ms:
                if t.state == VadState.SILENCE:
                    t.speech_start_ms = t.onset_ms
                t.state = VadState.SPEECH
                events.append(VadEvent(VadEventKind.SPEECH_START, window_end_ms, t.onset_ms, window_end_ms))
            return events
        t.voiced_ms = 0.0
        silent_ms = window_end_ms - t.last_voiced_ms
        if t.state == VadState.SPEECH and not t.quiet_sent and silent_ms >= p.quiet_ms:
            t.quiet_sent = True
            events.append(VadEvent(VadEventKind.QUIET, window_end_ms, t.speech_start_ms, window_end_ms))
        if t.state == VadState.SPEECH and silent_ms >= p.stop_ms:
            t.state = VadState.PAUSE
            events.append(VadEvent(VadEventKind.SPEECH_END, window_end_ms, t.speech_start_ms, window_end_ms))
        if t.state == VadState.PAUSE and silent_ms >= p.turn_end_ms:
            t.state = VadState.SILENCE
            events.append(VadEvent(VadEventKind.TURN_END, window_end_ms, t.speech_start_ms, window_end_ms))
        return events


@dataclass
class OnsetDetector:
    """Level-based onset on 20 ms frames, ahead of the model.

    Why: Silero needs one to two 32 ms windows of speech before it is confident, which alone costs
    60-100 ms. A jump in level is visible in the first frame. The onset is only a candidate: the
    interruption controller pauses on it, and resumes if the model does not confirm speech within
    ``onset_confirm_ms``. The noise floor follows the quiet level slowly so steady line noise never
    counts as an onset.
    """

    params: VadParams = field(default_factory=VadParams)
    floor_dbfs: float = -70.0
    armed: bool = True
    pending_since_ms: float | None = None

    def update(self, level_dbfs: float, frame_end_ms: float, frame_ms: float,
               speaking: bool) -> list[VadEvent]:
        p = self.params
        events: list[VadEvent] = []
        if self.pending_since_ms is not None:
            if speaking:
                self.pending_since_ms = None
            elif frame_end_ms - self.pending_since_ms >= p.onset_confirm_ms:
                events.append(VadEvent(VadEventKind.ONSET_REJECTED, frame_end_ms, self.pending_since_ms,
                                        frame_end_ms))
                self.pending_since_ms = None
        rise = level_dbfs - self.floor_dbfs
        if self.armed and not speaking and rise >= p.onset_rise_db and level_dbfs >= p.onset_min_dbfs:
            self.armed = False
            self.pending_since_ms = frame_end_ms - frame_ms
            events.append(VadEvent(VadEventKind.ONSET, frame_end_ms, frame_end_ms - frame_ms, frame_end_ms))
        if level_dbfs < self.floor_dbfs + 6.0:
            self.armed = self.armed or (not speaking and self.pending_since_ms is None)
        # fast down, slow up: the floor is the quiet level, not the speech level
        if level_dbfs < self.floor_dbfs:
            self.floor_dbfs = 0.7 * self.floor_dbfs + 0.3 * level_dbfs
        elif not speaking and self.pending_since_ms is None:
            self.floor_dbfs += min(level_dbfs - self.floor_dbfs, 0.5) * 0.1
        return events


@dataclass
class PauseListener:
    """Hears the caller go on after a pause inside their turn, before the model does.

    Why: the turn-end wait after a whole answer ("No, that's all, [pause] thanks.") must hear the
    caller go on, and neither Silero nor :class:`OnsetDetector` hears a soft unvoiced start in
    time. Seen in the bench: the "th" of "thanks" (-42 dBFS) began 30 ms before Silero's 200 ms of
    silence were up, the onset detector was not re-armed (the level never fell back to its floor
    outside speech), Silero confirmed "anks" 95 ms after the pause, and the wait had already ended
    the turn. So when a pause begins this listens for any frame that rises ``onset_rise_db`` over
    the quietest frame of the last 200 ms (the pause's own noise) and reaches ``going_on_min_dbfs``.
    One GOING_ON per pause. It only holds turn ends: the interruption controller ignores it, so a
    sound here never pauses the agent.
    """

    params: VadParams = field(default_factory=VadParams)
    floor_dbfs: float | None = None  # the pause's noise, while listening
    _recent_dbfs: deque[float] = field(default_factory=lambda: deque(maxlen=10))
    _heard: bool = False

    def update(self, level_dbfs: float, frame_end_ms: float, frame_ms: float,
               pausing: bool) -> list[VadEvent]:
        p = self.params
        if not pausing:
            self.floor_dbfs, self._heard = None, False
        elif self.floor_dbfs is None and not self._heard:
            self.floor_dbfs = min(self._recent_dbfs, default=level_dbfs)
        self._recent_dbfs.append(level_dbfs)
        if (self.floor_dbfs is not None and level_dbfs - self.floor_dbfs >= p.onset_rise_db
                and level_dbfs >= p.going_on_min_dbfs):
            self.floor_dbfs, self._heard = None, True
            return [VadEvent(VadEventKind.GOING_ON, frame_end_ms, frame_end_ms - frame_ms, frame_end_ms)]
        return []


def level_dbfs(samples: np.ndarray) -> float:
    """RMS level of float samples in -1..1, in dBFS."""
    rms = float(np.sqrt(np.mean(samples.astype(np.float64) ** 2))) if len(samples) else 0.0
    return 20.0 * float(np.log10(max(rms, 1e-6)))


class VadStream:
    """Frames of int16 PCM in, events out: buffers into the model's window size.

    Silences are measured in the caller's audio; event stamps are given in call time. Why: a loop
    stalled by recognition hands frames over late and in a bunch, and a 300 ms stall measured on
    the wall clock reads as 300 ms of silence between two of the caller's words (a false pause).
    """

    def __init__(self, model: SpeechModel, params: VadParams) -> None:
        self.model = model
        self.tracker = VadTracker(params)
        self.onset = OnsetDetector(params)
        self.going_on = PauseListener(params)
        self._pending = np.zeros(0, dtype=np.float32)
        self._window_ms = model.window_samples * 1000.0 / RATE_HZ
        self.last_probability = 0.0
        self._audio_ms = 0.0  # caller audio pushed so far

    def push(self, pcm: bytes, frame_end_ms: float) -> list[VadEvent]:
        """Feed caller audio that arrived at ``frame_end_ms`` of call time."""
        samples = np.frombuffer(pcm, dtype=np.int16).astype(np.float32) / 32768.0
        self._pending = np.concatenate([self._pending, samples])
        frame_ms = len(samples) * 1000.0 / RATE_HZ
        self._audio_ms += frame_ms
        to_call_ms = frame_end_ms - self._audio_ms  # audio position -> call time, as of this frame
        n = self.model.window_samples
        speaking = self.tracker.state == VadState.SPEECH
        level = level_dbfs(samples)
        events = self.onset.update(level, self._audio_ms, frame_ms, speaking)
        events += self.going_on.update(level, self._audio_ms, frame_ms,
                                       pausing=self.tracker.state == VadState.PAUSE)
        while len(self._pending) >= n:
            window, self._pending = self._pending[:n], self._pending[n:]
            end_ms = self._audio_ms - len(self._pending) * 1000.0 / RATE_HZ
            self.last_probability = self.model.probability(window)
            events.extend(self.tracker.update(self.last_probability, end_ms, self._window_ms))
        return [VadEvent(e.kind, e.at_ms + to_call_ms, e.speech_start_ms + to_call_ms, e.audio_ms)
                for e in events]
