"""Regenerate every caller clip under ``benchmarks/scenarios/clips/`` from text.

Run from the repository root::

    python -m benchmarks.make_clips            # all clips
    python -m benchmarks.make_clips --check    # only list what would be written

Callers speak with espeak-ng voices (several English accents, never the agent's Piper voice);
some go through a telephone channel (sox: 8 kHz u-law, 300-3400 Hz) with light line noise. The
non-speech sounds (a cough, a knock) are synthesised with numpy. Output is deterministic: fixed
voices, speeds and seeds, and sox without dither. Every clip is 16 kHz mono 16-bit with ~200 ms of
silence (or line noise) at both ends, so scenario timings start at the voice, not at espeak's own
leading silence.

The ``text`` of each clip must equal the ``text:`` its scenario turn or answer carries; the tests
check that.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from agent.audio_files import read_wav, speak_text, write_wav
from benchmarks.clip_specs import Sound, Speech

RATE_HZ = 16_000
PAD_S = 0.2
PEAK = 0.7  # about -3 dBFS: loud enough for VAD, with headroom for u-law and resampling
LINE_SNR_DB = 25.0  # "light" noise on telephone clips
CLIPS_DIR = Path(__file__).resolve().parent / "scenarios" / "clips"

Audio = npt.NDArray[np.float32]


_DIGIT_WORDS = frozenset(
    {"zero", "oh", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"}
)


def _paused(text: str) -> str:
    """``text`` with a pause (a comma) after every digit word: dictation, one digit at a time."""
    words = [w.strip(",.") for w in text.split()]
    return " ".join(w + ("," if w.lower() in _DIGIT_WORDS else "") for w in words).rstrip(",") + "."


@dataclass(frozen=True)
class Clear:
    """How a caller says a verification answer (postcode, zip, phone, order number) so that tiny.en
    can follow it: like a real caller reading it out carefully, slower and, where ``paused``, with
    a pause after each digit. ``voice`` replaces the caller's accent for that line only where the
    accent made every rate and phrasing unintelligible (measured, see the scenario README)."""

    speed_wpm: int
    paused: bool = False
    voice: str | None = None


def _caller(
    prefix: str,
    voice: str,
    speed: int,
    lines: dict[str, str],
    phone: bool = False,
    clear: dict[str, Clear] | None = None,
) -> list[Speech]:
    """One caller's clips, all in one voice. Digit strings are read slowly with a pause per
    digit, the way people read an order number off a screen (and tiny.en copes with it);
    ``clear`` tunes single answers (see :class:`Clear`)."""
    out = []
    for role, text in lines.items():
        tuned = (clear or {}).get(role)
        if tuned is not None:
            say = _paused(text) if tuned.paused else None
            out.append(Speech(f"{prefix}-{role}", text, tuned.voice or voice, tuned.speed_wpm, phone, say))
        elif role == "order":
            out.append(Speech(f"{prefix}-{role}", text, voice, 140, phone, ", ".join(text.split())))
        else:
            out.append(Speech(f"{prefix}-{role}", text, voice, speed, phone))
    return out


# "Yes, that's right." in espeak-ng's British voices is heard as "Yes, not right." by tiny.en:
# a confirmation that reads as a denial would test the recogniser, not the agent.
YES = "Yes, correct."
YES_PLEASE = "Yes, please."
ALL_DONE = "No, that's all, thank you."

from benchmarks.clips_floor import CLIPS as FLOOR_CLIPS  # noqa: E402 - built lazily, needs _paused
from benchmarks.clips_policy import CLIPS as POLICY_CLIPS  # noqa: E402 - specs kept by topic

CLIPS: list[Speech | Sound] = [
    *POLICY_CLIPS,
    *_caller("in-transit", "en-us", 160, {
        "ask": "Hi, I ordered headphones two weeks ago. Can you tell me where my parcel is?",
        "order": "four seven one one nine",
        "contact": "The zip code is nine four one zero seven.",
        "yes": YES,
            "no": "No.",
        "done": ALL_DONE,
    }, clear={"contact": Clear(130)}),
    *_caller("customs-refund", "en-029", 150, {
        "ask": "Hello. My parcel has been stuck at customs for almost two weeks now.",
        "order": "one oh four five two",
        "contact": "My postcode is two eight zero one three.",
        "yes": YES,
            "no": "No.",
        "refund": "I'd prefer a refund, please.",
        "done": ALL_DONE,
    }, clear={"contact": Clear(130, paused=True)}),
    *_caller("not-shipped", "en-in", 155, {
        "ask": "Hi, I placed an order a few days ago and it still hasn't shipped. Can you check it?",
        "order": "five two oh one eight",
        "contact": "The email is priya dot nair at example dot com.",
        "phone": "My phone number is zero seven seven zero zero, nine zero zero, one zero two.",
        "yes": YES,
            "no": "No.",
        "done": "No, that's everything, thanks.",
    }, clear={"phone": Clear(130, paused=True, voice="en-us")}),
    *_caller("not-received", "en-gb-scotland", 160, {
        "ask": "Hello. The tracking says my parcel was delivered, but I never received it.",
        "order": "six three oh two seven",
        "contact": "My postcode is E H one, two N G.",
        "phone": "My phone number is zero seven seven zero zero, nine zero zero, one zero three.",
        "yes": YES,
            "no": "No.",
        "reship": "Could you send me a replacement, please?",
        "done": ALL_DONE,
    }, clear={"phone": Clear(130, paused=True, voice="en-us")}),
    *_caller("damaged", "en-us-nyc", 165, {
        "ask": "Hi, my order arrived at the weekend, but the mugs inside were broken.",
        "order": "five eight eight three one",
        "contact": "The zip code is one zero zero zero one.",
        "yes": YES,
            "no": "No.",
        "done": ALL_DONE,
    }, clear={"contact": Clear(150)}),
    *_caller("wrong-item", "en-029", 155, {
        "ask": "Hello, I received the wrong item. I ordered a kettle, and you sent me a toaster.",
        "order": "seven one two six oh",
        "contact": "The postcode is one oh one two, A B.",
        "yes": YES,
            "no": "No.",
        "reship": "A replacement, please.",
        "done": ALL_DONE,
    }),
    *_caller("return", "en-gb-x-gbclan", 160, {
        "ask": "Hi, I'd like to return a scarf I bought. The colour isn't right for me.",
        "order": "eight zero three one four",
        "contact": "My postcode is six nine zero zero two.",
        "yes": YES,
            "no": "No.",
        "yes-please": YES_PLEASE,
        "done": ALL_DONE,
    }, clear={"contact": Clear(130, paused=True, voice="en-gb-x-rp"), "order": Clear(150, paused=True),
              "done": Clear(160, voice="en-gb-x-rp")}),
    *_caller("refund-status", "en-us+f2", 160, {
        "ask": "Hi, I sent a yoga mat back two weeks ago, and I'm still waiting for my refund.",
        "order": "three nine five four seven",
        "contact": "The zip code is six oh six one four.",
        "yes": YES,
            "no": "No.",
        "yes-please": YES_PLEASE,
        "done": ALL_DONE,
    }),
    *_caller("human", "en-gb-scotland+f4", 155, {
        "ask": "I'd like to speak to a real person, please.",
        "order": "nine two six oh four",
        "contact": "It's fiona dot reid at example dot com.",
        "yes": YES,
            "no": "No.",
        "yes-please": YES_PLEASE,
        "done": ALL_DONE,
    }),
    *_caller("barge-in", "en-gb-x-rp", 150, {
        "ask": "Hi, my parcel has been held at customs since the tenth of November.",
        "order": "two four eight seven six",
        "contact": "My postcode is one oh one one five.",
        "yes": YES,
            "no": "No.",
        "sorry-refund": "Sorry, actually I want a refund.",
        "done": "No, that's all, thanks.",
    }),
    *_caller("backchannel", "en-us+m3", 165, {
        "ask": "Hi, I'm calling to check on my order. Where is it now?",
        "order": "one five five seven three",
        "contact": "The zip code is three oh three oh three.",
        "yes": YES,
            "no": "No.",
        "done": ALL_DONE,
    }),
    *_caller("cough-knock", "en-gb", 160, {
        "ask": "Hello, I'd like to know when my parcel will arrive.",
        "order": "three three four one oh",
        "contact": "It is eight oh three three one.",
        "yes": YES,
            "no": "No.",
        "done": ALL_DONE,
    }, clear={"contact": Clear(150)}),
    *_caller("phone", "en-us+f2", 155, {
        "ask": "Hi, the lamp I ordered arrived with a cracked base.",
        "again": "The lamp arrived broken. It is damaged.",
        "order": "six seven one zero five",
        "contact": "It is eight, five, zero, zero, four.",
        "yes": YES,
            "no": "No.",
        "reship": "I'd like a replacement, please.",
        "done": ALL_DONE,
    }, phone=True, clear={"contact": Clear(110), "order": Clear(125, paused=True)}),
    # Cancel, change of address, store down: their yes/no/closing lines are the clips of the
    # caller with the same voice (refund-status, in-transit, damaged), only the new lines are here.
    *_caller("cancel", "en-us+f2", 160, {
        "ask": "Hi, I'd like to cancel my order, please. I don't need it any more.",
        "order": "two six one four eight",
        "contact": "It's nine eight one zero one.",
    }, clear={"order": Clear(140, paused=True, voice="en-us"),
              "contact": Clear(130, paused=True, voice="en-us")}),
    *_caller("change-address", "en-us", 160, {
        "ask": "Hi, I've moved house. Can I change the delivery address on my order?",
        "order": "four two seven three five",
        "contact": "It's seven eight seven zero four.",
        "address": "It's twelve Main Street, Chicago, six zero six one zero.",
    }, clear={"contact": Clear(140), "address": Clear(150, paused=True)}),
    *_caller("store-down", "en-us-nyc", 165, {
        "ask": "Hi, can you tell me when my parcel will arrive?",
        "order": "three one seven four two",
        "yes-please": YES_PLEASE,
    }),
    Speech("smoke-ask", "Hi, can you tell me where my order is?", "en-us", 155),
    # Backchannels: short acknowledgements that must not stop the agent. espeak-ng reads "mm-hmm"
    # as letters, so that one is given as phonemes (tiny.en hears nothing in it, like a real one).
    Speech("bc-uh-huh", "uh-huh", "en-us+m3", 150, say="uh huh"),
    Speech("bc-mm-hmm", "mm-hmm", "en-us+m3", 150, say="[[m'hm]]"),
    Speech("bc-okay", "okay", "en-us+m3", 160),
    Speech("bc-right", "right", "en-us+m3", 160),
    Speech("bc-yeah", "yeah", "en-us+m3", 160),
    Sound("cough", "cough"),
    Sound("knock", "knock"),
    *FLOOR_CLIPS,
]  # fmt: skip
from benchmarks.clips_ident import CLIPS as _IDENT_CLIPS  # noqa: E402 (issue 11)

CLIPS += _IDENT_CLIPS


def _rng(name: str) -> np.random.Generator:
    # Seed from the clip name: stable across runs and independent of the order of CLIPS.
    return np.random.default_rng(zlib.crc32(name.encode()))


def _trim(x: Audio, threshold: float = 0.01) -> Audio:
    """Cut espeak-ng's own leading and trailing silence so the padding is exactly ours."""
    loud = np.flatnonzero(np.abs(x) > threshold)
    return x[loud[0] : loud[-1] + 1] if loud.size else x


def _pad(x: Audio) -> Audio:
    pad = np.zeros(int(PAD_S * RATE_HZ), dtype=np.float32)
    return np.concatenate([pad, x, pad])


def _normalise(x: Audio, peak: float = PEAK) -> Audio:
    top = float(np.max(np.abs(x)))
    return (x * (peak / top)).astype(np.float32) if top > 0 else x


def _bandpass(x: Audio, low_hz: float, high_hz: float) -> Audio:
    spectrum = np.fft.rfft(x)
    freqs = np.fft.rfftfreq(x.size, 1.0 / RATE_HZ)
    spectrum[(freqs < low_hz) | (freqs > high_hz)] = 0
    return np.fft.irfft(spectrum, n=x.size).astype(np.float32)


def _telephone(x: Audio, name: str, tmp: Path) -> Audio:
    """Line noise, then a phone channel: 8 kHz u-law, 300-3400 Hz, back to 16 kHz."""
    rms = float(np.sqrt(np.mean(x[np.abs(x) > 0.01] ** 2)))
    noise = _rng(name).normal(0.0, rms / 10 ** (LINE_SNR_DB / 20), x.size).astype(np.float32)
    src, dst = tmp / f"{name}-in.wav", tmp / f"{name}-phone.wav"
    write_wav(src, _to_pcm(x + noise), RATE_HZ)
    # -D: no dither, which would add random noise and make the output differ run to run.
    subprocess.run(
        ["sox", "-D", str(src), "-r", "8000", "-e", "u-law", "-t", "wav", str(dst),
         "highpass", "300", "lowpass", "3400"],
        check=True, capture_output=True,
    )  # fmt: skip
    return read_wav(dst, RATE_HZ).astype(np.float32) / 32768.0


def _cough() -> Audio:
    """A cough: a sharp noisy burst (~300 ms) with a short second expulsion, like a real cough."""
    rng = _rng("cough")
    n = int(0.3 * RATE_HZ)
    t = np.arange(n) / RATE_HZ
    noise = _bandpass(rng.normal(0, 1, n).astype(np.float32), 250, 3000)
    # Fast attack, quick decay, then a weaker second burst at 170 ms.
    env = (1 - np.exp(-t / 0.008)) * np.exp(-t / 0.06)
    t2 = np.clip(t - 0.17, 0, None)
    env += np.where(t >= 0.17, 0.5 * (1 - np.exp(-t2 / 0.006)) * np.exp(-t2 / 0.04), 0)
    # A low voiced rumble under the noise so it is not pure hiss.
    rumble = 0.3 * np.sin(2 * np.pi * 140 * t) * np.exp(-t / 0.1)
    return _normalise((noise * env + rumble * env).astype(np.float32), 0.6)


def _knock() -> Audio:
    """A knock on a door or desk: three damped low resonances with a click at each onset."""
    rng = _rng("knock")
    n = int(0.6 * RATE_HZ)
    out = np.zeros(n, dtype=np.float32)
    for i, onset_s in enumerate((0.0, 0.18, 0.36)):
        start = int(onset_s * RATE_HZ)
        m = n - start
        t = np.arange(m) / RATE_HZ
        tone = np.sin(2 * np.pi * (180 + 15 * i) * t) + 0.5 * np.sin(2 * np.pi * 420 * t)
        click = rng.normal(0, 1, m) * np.exp(-t / 0.002)
        out[start:] += ((tone * np.exp(-t / 0.025) + 0.6 * click) * (1.0 - 0.1 * i)).astype(np.float32)
    return _normalise(out, 0.6)


def _to_pcm(x: Audio) -> npt.NDArray[np.int16]:
    return np.clip(np.rint(x * 32767.0), -32768, 32767).astype(np.int16)


def cached_clip(path: Path, render: Callable[[], npt.NDArray[np.int16]]) -> npt.NDArray[np.int16]:
    """The clip at ``path``, rendered and stored first when missing. Renders are deterministic, so
    the file is only a cache (its name carries a digest of what it was rendered from)."""
    if path.exists():
        return read_wav(path, RATE_HZ)
    pcm = render()
    path.parent.mkdir(parents=True, exist_ok=True)
    write_wav(path, pcm, RATE_HZ)
    return pcm


def render(clip: Speech | Sound, tmp: Path) -> npt.NDArray[np.int16]:
    """The finished 16 kHz int16 audio of one clip, padding included."""
    if isinstance(clip, Sound):
        body = _cough() if clip.kind == "cough" else _knock()
        return _to_pcm(_pad(body))
    pcm = speak_text(clip.say or clip.text, clip.voice, RATE_HZ, clip.speed_wpm)
    x = _pad(_normalise(_trim(pcm.astype(np.float32) / 32768.0)))
    if clip.phone:
        x = _telephone(x, clip.name, tmp)
    return _to_pcm(x)


def main(argv: list[str] | None = None) -> int:
    """Write every clip in :data:`CLIPS`; return a process exit code."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.make_clips", description=__doc__)
    parser.add_argument("--out", type=Path, default=CLIPS_DIR, help="folder for the WAV files")
    parser.add_argument("--check", action="store_true", help="list the clips, write nothing")
    args = parser.parse_args(argv)
    if args.check:
        for clip in CLIPS:
            print(f"{clip.name}.wav")
        return 0
    missing = [exe for exe in ("espeak-ng", "sox") if shutil.which(exe) is None]
    if missing:
        print(f"missing: {', '.join(missing)}; install the Debian packages espeak-ng and sox",
              file=sys.stderr)  # fmt: skip
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    total = 0
    with tempfile.TemporaryDirectory() as tmp:
        for i, clip in enumerate(CLIPS, 1):
            pcm = render(clip, Path(tmp))
            path = args.out / f"{clip.name}.wav"
            write_wav(path, pcm, RATE_HZ)
            size = path.stat().st_size
            total += size
            label = clip.text if isinstance(clip, Speech) else f"<{clip.kind}>"
            print(f"[{i:2}/{len(CLIPS)}] {path.name:32} {pcm.size / RATE_HZ:5.2f} s  {label}")
    print(f"wrote {len(CLIPS)} clips to {args.out} ({total / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    # Run the package's copy: clip modules (benchmarks/clips_*.py) build their specs with
    # benchmarks.make_clips.Speech, which is not this __main__ module's class.
    from benchmarks import make_clips as _package

    sys.exit(_package.main())
