"""One synthesizer per language, loaded when first needed and shared by every call.

The TTS processor asks :meth:`VoiceBank.synthesizer` for the voice of each reply's language.
Loading is lazy (an English-only deployment never imports Kokoro) and process-wide: two calls in
German share one espeak-ng voice and its clause cache. ``preload`` does the loading (and the
checks of a user's voice file) at start-up, so a bad file fails the command, not a call.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from pipeline.tts import CachingSynthesizer, Synthesizer, load_synthesizer, warm_cache
from voices.languages import (
    ENGLISH_VOICE,
    Engine,
    VoiceChoice,
    VoiceError,
    check_voices,
    for_language,
    user_voice,
    verify_user_voice,
)

log = logging.getLogger(__name__)

_loaded: dict[tuple[str, str, str], CachingSynthesizer] = {}  # (engine, voice or path, language)
_loading = threading.Lock()


def load_voice(choice: VoiceChoice, config_voices: Mapping[str, Any] | None = None) -> CachingSynthesizer:
    """The process-wide synthesizer for ``choice`` (loaded on first use: espeak-ng at once,
    Piper ~1 s, Kokoro ~2 s and its model joined once into its cache folder).

    Raises:
        VoiceError: the engine is missing or the user's voice file is missing or corrupt.
    """
    key = (choice.engine.value, str(choice.path or choice.voice), choice.language)
    with _loading:
        found = _loaded.get(key)
        if found is not None:
            return found
        synth: CachingSynthesizer
        if choice.engine is Engine.PIPER and choice.path is not None:
            path = verify_user_voice(choice.language,
                                     user_voice(choice.language, (config_voices or {})[choice.language]))
            synth = Synthesizer(choice.voice, model_path=path, language=choice.language)
        elif choice.engine is Engine.PIPER:
            synth = load_synthesizer(choice.voice)
        elif choice.engine is Engine.KOKORO:
            from pipeline.tts_engines import KokoroSynthesizer  # only Japanese deployments pay for it

            synth = KokoroSynthesizer(choice.voice)
        else:
            from pipeline.tts_engines import EspeakSynthesizer

            synth = EspeakSynthesizer(choice.language, choice.voice)
        _loaded[key] = synth
        log.info("voice for %s: %s %s (%s)", choice.language, choice.engine.value, choice.voice, choice.why)
        return synth


class VoiceBank:
    """The voices of one deployment: ``config_voices`` is ``languages.voices`` of the config.

    ``english`` is an already loaded English synthesizer (the one ``agent.call.Models`` holds),
    so a bank built around it loads nothing more until another language is spoken.
    """

    def __init__(self, config_voices: Mapping[str, Any] | None = None,
                 english: CachingSynthesizer | None = None, default_language: str = "en") -> None:
        self._config_voices = dict(config_voices or {})
        self._default = default_language
        self._by_language: dict[str, CachingSynthesizer] = {}
        if english is not None and "en" not in self._config_voices:
            self._by_language["en"] = english
        self._lock = threading.Lock()

    def choice(self, language: str) -> VoiceChoice:
        return for_language(language, self._config_voices)

    def loaded(self, language: str | None) -> CachingSynthesizer | None:
        """The voice of ``language`` if this bank already has it (never blocks on a load)."""
        with self._lock:
            return self._by_language.get(language or self._default)

    def synthesizer(self, language: str | None) -> CachingSynthesizer:
        """The voice of ``language`` (None: the default). Blocking on a first load: call it from
        a worker thread. A language no engine speaks (an unknown code) gets the default voice,
        with a warning: the caller hears the reply rather than silence."""
        language = language or self._default
        with self._lock:
            found = self._by_language.get(language)
        if found is not None:
            return found
        try:
            synth = load_voice(self.choice(language), self._config_voices)
        except VoiceError as exc:
            if language == self._default:
                raise
            log.warning("no voice for language %s (%s); speaking with the %s voice", language, exc,
                        self._default)
            synth = self.synthesizer(self._default)
        with self._lock:
            self._by_language[language] = synth
        return synth

    def preload(self, languages: Iterable[str]) -> dict[str, VoiceChoice]:
        """Check and load the voice of every language in ``languages`` now (start-up).

        Raises:
            VoiceError: one line naming the missing or corrupt file, or the missing package.
        """
        choices = check_voices(languages, self._config_voices)
        for language in choices:
            self.synthesizer(language)
        return choices

    def warm(self, language: str, lines: Iterable[str], min_clause_words: int) -> int:
        """Synthesize the first clause of each of ``lines`` (in ``language``) into its voice's
        cache; see :func:`pipeline.tts.warm_cache`. Kokoro takes ~1 s a clause: warm few lines."""
        return warm_cache(self.synthesizer(language), lines, min_clause_words)


def load_voice_bank(served: Sequence[str] = ("en",), config_voices: Mapping[str, Any] | None = None,
                    english: CachingSynthesizer | None = None) -> VoiceBank:
    """The deployment's voices, checked and loaded for every served language (start-up: a bad
    voice file or a missing package raises :class:`VoiceError` here, once, naming it). The first
    served language is the default. ``english``: the already loaded English voice, if any."""
    if english is None and "en" in served and "en" not in (config_voices or {}):
        english = load_synthesizer(ENGLISH_VOICE)
    bank = VoiceBank(config_voices, english=english, default_language=served[0] if served else "en")
    bank.preload(served)
    return bank
