"""WAV files in and out of the pipeline, and the built-in caller voice.

Everything inside the pipeline is 16-bit mono PCM at one rate, so :func:`read_wav` accepts any WAV
(rate, channel count, sample format) and converts it once at the edge. :func:`write_wav` never
leaves a half-written file behind, and :func:`speak_text` turns text into a caller's voice with
espeak-ng, a voice deliberately unlike the agent's Piper voice.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import struct
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import soundfile as sf
import soxr

__all__ = [
    "AudioFileError",
    "CallerVoiceError",
    "WavInfo",
    "check_wav",
    "read_wav",
    "speak_text",
    "write_wav",
]

Pcm = npt.NDArray[np.int16]

# libsndfile also reads FLAC, OGG, AIFF...; the scenario format promises WAV only, so anything else
# is refused rather than silently accepted. RF64/W64 are WAV variants for files > 4 GB.
_WAV_FORMATS = frozenset({"WAV", "WAVEX", "RF64", "W64"})
_VOICE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_\-]*(\+[A-Za-z0-9_\-]+)?$")


class AudioFileError(ValueError):
    """A WAV file that is missing, unreadable, empty or not a WAV. The message names the file."""


class CallerVoiceError(RuntimeError):
    """espeak-ng is missing or failed to speak."""


@dataclass(frozen=True)
class WavInfo:
    """What :func:`check_wav` found in a WAV file."""

    path: Path
    rate_hz: int
    channels: int
    frames: int

    @property
    def duration_s(self) -> float:
        """Length of the audio in seconds."""
        return self.frames / self.rate_hz


def _load(path: str | os.PathLike[str]) -> tuple[npt.NDArray[np.float32], int]:
    """Decode a WAV file to float32 (frames, channels), refusing anything that is not usable audio."""
    p = Path(path)
    if not p.exists():
        raise AudioFileError(f"{p}: file not found")
    if not p.is_file():
        raise AudioFileError(f"{p}: not a file")
    if p.stat().st_size == 0:
        raise AudioFileError(f"{p}: empty file (0 bytes), not a WAV")
    try:
        info = sf.info(str(p))
    except (sf.LibsndfileError, RuntimeError) as e:
        raise AudioFileError(f"{p}: not a readable WAV file ({e})") from None
    except OSError as e:
        raise AudioFileError(f"{p}: cannot read ({e.strerror or e})") from None
    if info.format not in _WAV_FORMATS:
        raise AudioFileError(f"{p}: not a WAV file (it is {info.format_info or info.format})")
    try:
        data, rate = sf.read(str(p), dtype="float32", always_2d=True)
    except (sf.LibsndfileError, RuntimeError) as e:
        raise AudioFileError(f"{p}: corrupt WAV data ({e})") from None
    except OSError as e:
        raise AudioFileError(f"{p}: cannot read ({e.strerror or e})") from None
    if data.shape[0] == 0:
        raise AudioFileError(f"{p}: WAV holds no audio (0 samples)")
    return data, int(rate)


def check_wav(path: str | os.PathLike[str]) -> WavInfo:
    """Open and decode a WAV file completely; raise :class:`AudioFileError` if it is unusable.

    Used when a scenario is loaded so that a bad clip fails before the call starts, not mid-call.
    """
    data, rate = _load(path)
    return WavInfo(Path(path), rate, int(data.shape[1]), int(data.shape[0]))


def _to_int16(mono: npt.NDArray[np.floating]) -> Pcm:
    # Clip before converting: resampling can overshoot full scale slightly (Gibbs ringing).
    scaled = np.clip(np.rint(mono * 32767.0), -32768, 32767)
    return scaled.astype(np.int16)


def _resample(mono: npt.NDArray[np.float32], from_hz: int, to_hz: int) -> npt.NDArray[np.float32]:
    if from_hz == to_hz:
        return mono
    return np.asarray(soxr.resample(mono, from_hz, to_hz, quality="HQ"), dtype=np.float32)


def read_wav(path: str | os.PathLike[str], rate_hz: int = 16_000) -> Pcm:
    """Read any WAV file as 16-bit mono PCM at ``rate_hz``.

    Channels are averaged; the rate is converted with soxr. Raises :class:`AudioFileError`,
    naming the file, when it is missing, unreadable, empty, corrupt or not a WAV.
    """
    if rate_hz <= 0:
        raise ValueError(f"rate_hz must be positive, got {rate_hz}")
    data, rate = _load(path)
    mono = data.mean(axis=1, dtype=np.float32) if data.shape[1] > 1 else data[:, 0]
    return _to_int16(_resample(mono, rate, rate_hz))


def write_wav(path: str | os.PathLike[str], pcm_int16: npt.ArrayLike, rate_hz: int) -> None:
    """Write 16-bit mono PCM to a WAV file atomically.

    The audio goes to a temporary file in the same directory which then replaces ``path`` in one
    ``os.replace``, so readers see either the old file or the complete new one, never a partial
    file, and nothing is left behind on error.
    """
    pcm = np.asarray(pcm_int16)
    if pcm.dtype != np.int16:
        raise ValueError(f"write_wav wants int16 samples, got {pcm.dtype}")
    if pcm.ndim != 1:
        raise ValueError(f"write_wav wants mono (1-D) samples, got shape {pcm.shape}")
    if rate_hz <= 0:
        raise ValueError(f"rate_hz must be positive, got {rate_hz}")
    target = Path(path)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            sf.write(f, pcm, rate_hz, format="WAV", subtype="PCM_16")
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp_name, target)
    except BaseException:
        # Also on KeyboardInterrupt: a stray temp file would be mistaken for a clip.
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise


def _parse_espeak_wav(blob: bytes) -> tuple[npt.NDArray[np.float32], int]:
    """Decode the WAV espeak-ng writes to stdout.

    With ``--stdout`` espeak-ng cannot seek back, so the RIFF and data sizes in its header are
    placeholders (0x7ffff000-ish). Trust the fmt chunk and take every byte after the data header.
    """
    if len(blob) < 12 or blob[:4] != b"RIFF" or blob[8:12] != b"WAVE":
        raise CallerVoiceError("espeak-ng did not write a WAV to stdout")
    pos, rate, channels, bits = 12, 0, 0, 0
    while pos + 8 <= len(blob):
        chunk_id, size = blob[pos : pos + 4], struct.unpack("<I", blob[pos + 4 : pos + 8])[0]
        body = pos + 8
        if chunk_id == b"fmt ":
            fmt_tag, channels, rate = struct.unpack("<HHI", blob[body : body + 8])
            bits = struct.unpack("<H", blob[body + 14 : body + 16])[0]
            if fmt_tag != 1 or bits != 16:
                raise CallerVoiceError(f"espeak-ng wrote an unexpected WAV format ({fmt_tag}, {bits} bit)")
        elif chunk_id == b"data":
            if not rate:
                break
            raw = blob[body:]
            raw = raw[: len(raw) - len(raw) % (2 * channels)]
            pcm = np.frombuffer(raw, dtype="<i2").reshape(-1, channels).astype(np.float32) / 32768.0
            return pcm.mean(axis=1, dtype=np.float32), rate
        pos = body + size + (size & 1)
    raise CallerVoiceError("espeak-ng wrote a WAV without audio data")


def speak_text(text: str, voice: str = "en-us", rate_hz: int = 16_000, speed_wpm: int = 165) -> Pcm:
    """Speak ``text`` with espeak-ng and return 16-bit mono PCM at ``rate_hz``.

    ``voice`` is an espeak-ng voice, optionally with a variant ("en-gb-scotland", "en-us+f3").
    Nothing is cached on disk. Raises :class:`CallerVoiceError` when espeak-ng is missing, the
    voice is unknown or synthesis fails, and ``ValueError`` for empty text.
    """
    if not text.strip():
        raise ValueError("speak_text needs some text to speak")
    # The voice goes on a command line: refuse anything that could be read as another option.
    if not _VOICE_RE.match(voice):
        raise ValueError(f"not an espeak-ng voice name: {voice!r}")
    exe = shutil.which("espeak-ng")
    if exe is None:
        raise CallerVoiceError(
            "espeak-ng not found: install the Debian package espeak-ng (apt-get install espeak-ng)"
        )
    # Text goes through stdin so that a leading "-" is never taken for an option.
    proc = subprocess.run(
        [exe, "-v", voice, "-s", str(int(speed_wpm)), "--stdout"],
        input=text.encode("utf-8"),
        capture_output=True,
        timeout=60,
        check=False,
    )
    if proc.returncode != 0:
        # espeak-ng also prints ALSA noise on stderr; its own message starts with "Error".
        lines = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        errors = [ln for ln in lines if ln.lower().startswith("error")] or lines[-1:]
        reason = errors[-1] if errors else f"exit code {proc.returncode}"
        raise CallerVoiceError(f"espeak-ng failed for voice {voice!r}: {reason}")
    mono, rate = _parse_espeak_wav(proc.stdout)
    if mono.size == 0:
        raise CallerVoiceError(f"espeak-ng produced no audio for {text!r}")
    return _to_int16(_resample(mono, rate, rate_hz))
