"""agent.audio_files: any WAV in, 16-bit mono out; atomic writes; the espeak-ng caller voice."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from agent import audio_files
from agent.audio_files import AudioFileError, CallerVoiceError, check_wav, read_wav, speak_text, write_wav


def _sine(freq_hz: float, rate_hz: int, seconds: float, amp: float = 0.5) -> np.ndarray:
    t = np.arange(int(rate_hz * seconds)) / rate_hz
    return (amp * np.sin(2 * np.pi * freq_hz * t)).astype(np.float32)


def _peak_hz(pcm: np.ndarray, rate_hz: int) -> float:
    x = pcm.astype(np.float64) * np.hanning(pcm.size)
    spectrum = np.abs(np.fft.rfft(x))
    return float(np.fft.rfftfreq(pcm.size, 1.0 / rate_hz)[np.argmax(spectrum)])


@pytest.mark.parametrize(
    ("rate", "channels", "subtype"),
    [
        (8000, 1, "PCM_16"),
        (44100, 2, "PCM_16"),
        (48000, 2, "FLOAT"),
        (22050, 1, "PCM_24"),
        (16000, 1, "PCM_U8"),
    ],
)
def test_read_wav_resamples_and_downmixes(tmp_path: Path, rate: int, channels: int, subtype: str) -> None:
    tone = _sine(1000.0, rate, 1.0)
    data = np.stack([tone] * channels, axis=1) if channels > 1 else tone
    path = tmp_path / "in.wav"
    sf.write(path, data, rate, subtype=subtype)

    pcm = read_wav(path, 16000)

    assert pcm.dtype == np.int16 and pcm.ndim == 1
    assert abs(pcm.size - 16000) <= 2  # 1.0 s at 16 kHz
    assert abs(_peak_hz(pcm, 16000) - 1000.0) < 5.0
    # Level survives resampling and downmixing (0.5 of full scale).
    assert 0.45 * 32767 < np.abs(pcm).max() < 0.55 * 32767


def test_read_wav_downmix_averages_channels(tmp_path: Path) -> None:
    left, right = _sine(440.0, 16000, 0.5, 0.6), np.zeros(8000, dtype=np.float32)
    path = tmp_path / "lr.wav"
    sf.write(path, np.stack([left, right], axis=1), 16000)
    pcm = read_wav(path)
    assert 0.28 * 32767 < np.abs(pcm).max() < 0.32 * 32767


def test_read_wav_other_rate(tmp_path: Path) -> None:
    path = tmp_path / "a.wav"
    sf.write(path, _sine(300.0, 16000, 0.5), 16000)
    pcm = read_wav(path, 8000)
    assert abs(pcm.size - 4000) <= 2
    assert abs(_peak_hz(pcm, 8000) - 300.0) < 5.0


def test_read_wav_bad_files_name_the_file(tmp_path: Path) -> None:
    missing = tmp_path / "missing.wav"
    empty = tmp_path / "empty.wav"
    empty.write_bytes(b"")
    text = tmp_path / "notes.wav"
    text.write_text("this is not audio\n" * 10)
    truncated = tmp_path / "truncated.wav"
    sf.write(truncated, _sine(440.0, 16000, 0.1), 16000)
    truncated.write_bytes(truncated.read_bytes()[:30])
    no_samples = tmp_path / "nosamples.wav"
    sf.write(no_samples, np.zeros(0, dtype=np.float32), 16000)
    flac = tmp_path / "clip.flac"
    sf.write(flac, _sine(440.0, 16000, 0.1), 16000, format="FLAC")

    cases = {missing: "not found", empty: "empty", text: "not a readable WAV",
             truncated: "WAV", no_samples: "no audio", flac: "not a WAV"}  # fmt: skip
    for path, why in cases.items():
        with pytest.raises(AudioFileError) as info:
            read_wav(path)
        assert str(path) in str(info.value)
        assert why in str(info.value)
    assert isinstance(AudioFileError("x"), ValueError)


def test_check_wav_reports_format(tmp_path: Path) -> None:
    path = tmp_path / "s.wav"
    sf.write(path, np.zeros((4410, 2), dtype=np.float32), 44100)
    info = check_wav(path)
    assert (info.rate_hz, info.channels, info.frames) == (44100, 2, 4410)
    assert info.duration_s == pytest.approx(0.1)


def test_write_wav_round_trip(tmp_path: Path) -> None:
    pcm = (np.arange(1600, dtype=np.int16) - 800) * 40
    path = tmp_path / "out.wav"
    write_wav(path, pcm, 16000)
    back, rate = sf.read(path, dtype="int16")
    assert rate == 16000 and np.array_equal(back, pcm)
    assert sf.info(str(path)).subtype == "PCM_16"
    assert [p.name for p in tmp_path.iterdir()] == ["out.wav"]


def test_write_wav_is_atomic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "out.wav"
    write_wav(path, np.ones(800, dtype=np.int16), 16000)
    before = path.read_bytes()

    def broken_write(f, data, *args, **kwargs):  # type: ignore[no-untyped-def]
        f.write(b"RIFF\x00\x00partial")  # half a file, then the disk "fails"
        raise OSError("disk full")

    monkeypatch.setattr(audio_files.sf, "write", broken_write)
    with pytest.raises(OSError, match="disk full"):
        write_wav(path, np.zeros(16000, dtype=np.int16), 16000)

    assert path.read_bytes() == before  # the old file is untouched
    assert [p.name for p in tmp_path.iterdir()] == ["out.wav"]  # no temp file left
    monkeypatch.undo()
    with pytest.raises(AudioFileError):
        read_wav(tmp_path / "new.wav")  # a failed first write leaves no file either


def test_write_wav_rejects_wrong_samples(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="int16"):
        write_wav(tmp_path / "f.wav", np.zeros(10, dtype=np.float32), 16000)
    with pytest.raises(ValueError, match="mono"):
        write_wav(tmp_path / "f.wav", np.zeros((10, 2), dtype=np.int16), 16000)
    assert list(tmp_path.iterdir()) == []


needs_espeak = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng not installed")


@needs_espeak
def test_speak_text_gives_speech() -> None:
    pcm = speak_text("Hello, my order number is one two three.", voice="en-gb-scotland", rate_hz=16000)
    assert pcm.dtype == np.int16 and pcm.ndim == 1
    assert 1.0 < pcm.size / 16000 < 6.0
    assert np.abs(pcm).max() > 3000  # audible, not silence
    again = speak_text("Hello, my order number is one two three.", voice="en-gb-scotland")
    assert np.array_equal(pcm, again)  # deterministic: clips can be regenerated exactly


@needs_espeak
def test_speak_text_rate_and_speed() -> None:
    slow = speak_text("one two three four five", rate_hz=8000, speed_wpm=120)
    fast = speak_text("one two three four five", rate_hz=8000, speed_wpm=240)
    assert slow.size > fast.size * 1.4


@needs_espeak
def test_speak_text_unknown_voice() -> None:
    # (espeak-ng falls back on a language prefix: "no-such-voice" would speak Norwegian.)
    with pytest.raises(CallerVoiceError, match="zzz-nonexistent"):
        speak_text("hello", voice="zzz-nonexistent")


def test_speak_text_bad_input() -> None:
    with pytest.raises(ValueError):
        speak_text("   ")
    with pytest.raises(ValueError, match="voice"):
        speak_text("hello", voice="--stdin")


def test_speak_text_without_espeak(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(audio_files.shutil, "which", lambda name: None)
    with pytest.raises(CallerVoiceError, match="install the Debian package espeak-ng"):
        speak_text("hello")
