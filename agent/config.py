"""Runtime configuration: pydantic at the edge, frozen pipeline parameters inside.

Defaults are embedded here, so the product runs with no file; ``configs/default.yaml`` shows them
all and any subset can be overridden with ``--config FILE``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from intents.policy.config import ConfigError  # one error type for every config file
from pipeline.endpointing import EndpointingParams
from pipeline.interruption import InterruptionParams
from pipeline.turn_audio import TurnAudioParams
from pipeline.vad import VadParams


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class VadConfig(_Section):
    model: Literal["silero", "webrtc"] = "silero"
    threshold: float = Field(default=0.5, gt=0, lt=1)
    start_ms: float = Field(default=32.0, ge=0)
    quiet_ms: float = Field(default=96.0, gt=0)
    stop_ms: float = Field(default=200.0, gt=0)
    turn_end_ms: float = Field(default=500.0, gt=0)


class EndpointingConfig(_Section):
    words: bool = True  # end the turn early on a complete sentence, later on a trailing one
    long_wait_ms: float = Field(default=400.0, ge=0)  # extra wait after a trailing utterance
    answer_wait_ms: float = Field(default=80.0, ge=0)  # after the pause, before a whole answer ends the turn


class AsrConfig(_Section):
    # base: multilingual, ~4x slower here. Chosen by itself when ``languages.served`` is more
    # than English (AgentConfig below); tiny.en keeps English-only lines fast.
    model: Literal["tiny.en", "base"] = "tiny.en"
    # the language a call starts in, for a multilingual model (default: languages.served[0])
    language: str = Field(default="en", min_length=2, max_length=3)
    cpu_threads: int = Field(default=2, ge=1, le=16)
    partial_interval_ms: float = Field(default=500.0, ge=100)
    preroll_ms: float = Field(default=300.0, ge=0)


class TtsConfig(_Section):
    voice: Literal["en_US-joe-medium"] = "en_US-joe-medium"
    min_clause_words: int = Field(default=3, ge=1)


class InterruptionConfig(_Section):
    confirm_speech_ms: float = Field(default=1000.0, gt=0)
    transcript_wait_ms: float = Field(default=900.0, gt=0)


class DialogueConfig(_Section):
    kind: Literal["after_sales", "simple"] = "after_sales"
    db_url: str | None = None  # None: VOICE_AGENT_DB_URL or ./var/voice-agent.db
    # callbacks promised while the store was down, kept here until it is back
    spool_path: str = "var/pending-callbacks.jsonl"


class FleetConfig(_Section):
    """One ``serve`` process as a worker of a fleet (see agent/admission.py)."""

    # Calls at once that keep response p95 under 1 s on a 2-core machine (README "Scaling out").
    max_calls: int = Field(default=3, ge=1)
    max_overflow_calls: int = Field(default=8, ge=0)  # busy notices played beside a full load
    drain_timeout_s: float = Field(default=60.0, ge=0)  # SIGTERM: live calls may finish this long
    # Liveness in a shared store: each worker beats every heartbeat_s and saves its live calls;
    # a worker silent for worker_lost_after_s is lost and its calls are closed by a survivor
    # (issue 16: within 30 s). The margin covers a busy event loop on 2 cores (a beat ~10 ms).
    # Behind a SIP front door that fails over on 503 (Kamailio, deploy/): a full worker answers
    # 503 and plays the busy notice only on the front door's last try. Off: it plays it at once.
    sip_failover: bool = False
    heartbeat_s: float = Field(default=2.0, gt=0)
    worker_lost_after_s: float = Field(default=10.0, gt=0)


def whisper_languages() -> frozenset[str]:
    """The ISO 639-1 codes Whisper recognises (and so the languages a line can serve)."""
    from faster_whisper.tokenizer import _LANGUAGE_CODES  # light: the tokenizer module only

    return frozenset(_LANGUAGE_CODES)


def _check_language(code: str, where: str) -> str:
    if code not in whisper_languages():
        raise ValueError(f"unknown language code {code!r} in {where} "
                         "(ISO 639-1, e.g. en, de, fr, es, it, ja)")
    return code


class VoiceFileConfig(_Section):
    """A user's Piper voice for one language (issue #14): the .onnx file and its sha256."""

    piper: str = Field(min_length=1)
    sha256: str = Field(pattern=r"^[0-9a-fA-F]{64}$")


class LanguagesConfig(_Section):
    """The languages the line answers in (issue #14). The first is the default."""

    served: tuple[str, ...] = Field(default=("en",), min_length=1)
    # a voice language ID below this is uncertain: the dialogue asks in the default and the
    # likely language instead of switching
    min_confidence: float = Field(default=0.6, gt=0, lt=1)
    voices: dict[str, VoiceFileConfig] = Field(default_factory=dict)

    @field_validator("served")
    @classmethod
    def _served_known(cls, served: tuple[str, ...]) -> tuple[str, ...]:
        for code in served:
            _check_language(code, "languages.served")
        if len(set(served)) != len(served):
            raise ValueError("a language is listed twice in languages.served")
        return served

    @field_validator("voices")
    @classmethod
    def _voices_known(cls, voices: dict[str, VoiceFileConfig]) -> dict[str, VoiceFileConfig]:
        for code in voices:
            _check_language(code, "languages.voices")
        return voices

    @property
    def default(self) -> str:
        return self.served[0]

    @property
    def multilingual(self) -> bool:
        """More than English served: the multilingual recognizer and language ID are needed."""
        return self.served != ("en",)


class AgentConfig(_Section):
    vad: VadConfig = Field(default_factory=VadConfig)
    asr: AsrConfig = Field(default_factory=AsrConfig)
    tts: TtsConfig = Field(default_factory=TtsConfig)
    interruption: InterruptionConfig = Field(default_factory=InterruptionConfig)
    endpointing: EndpointingConfig = Field(default_factory=EndpointingConfig)
    # {provider: openai, base_url: ..., model: ...}; absent: configs/llm.yaml decides (default
    # there: none, the rule-based dialogue with no network)
    llm: dict[str, Any] | None = None

    def llm_config(self):  # type: ignore[no-untyped-def]
        """The validated ``llm:`` setting (an ``intents.llm.config.LlmConfig``)."""
        from intents.llm.config import llm_config_from_mapping, load_llm_config

        return load_llm_config() if self.llm is None else llm_config_from_mapping({"llm": self.llm}, "llm")
    dialogue: DialogueConfig = Field(default_factory=DialogueConfig)
    fleet: FleetConfig = Field(default_factory=FleetConfig)
    languages: LanguagesConfig = Field(default_factory=LanguagesConfig)

    @model_validator(mode="after")
    def _model_for_languages(self) -> AgentConfig:
        """More than English served: Whisper base (multilingual), starting in the default language.
        An explicit ``asr.model: tiny.en`` then is a contradiction, reported as one."""
        langs = self.languages
        if not langs.multilingual:
            return self
        if self.asr.model == "tiny.en" and "model" in self.asr.model_fields_set:
            raise ValueError(f"asr.model tiny.en is English-only; languages.served {list(langs.served)} "
                             "needs base (remove asr.model to choose it)")
        language = self.asr.language if "language" in self.asr.model_fields_set else langs.default
        if language not in langs.served:
            raise ValueError(f"asr.language {language!r} is not in languages.served {list(langs.served)}")
        asr = self.asr.model_copy(update={"model": "base", "language": language})
        object.__setattr__(self, "asr", asr)  # frozen: replaced once, while validating
        return self

    def vad_params(self) -> VadParams:
        v = self.vad
        return VadParams(threshold=v.threshold, start_ms=v.start_ms, quiet_ms=v.quiet_ms,
                         stop_ms=v.stop_ms, turn_end_ms=v.turn_end_ms)

    def turn_audio_params(self) -> TurnAudioParams:
        return TurnAudioParams(self.asr.partial_interval_ms, self.asr.preroll_ms)

    def endpointing_params(self) -> EndpointingParams:
        e = self.endpointing
        return EndpointingParams(e.words, e.long_wait_ms, e.answer_wait_ms)

    def interruption_params(self) -> InterruptionParams:
        i = self.interruption
        return InterruptionParams(i.confirm_speech_ms, i.transcript_wait_ms)


def load_config(path: Path | None) -> AgentConfig:
    """The embedded defaults, overridden by ``path`` if given. Raises :class:`ConfigError`."""
    if path is None:
        return AgentConfig()
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read ({exc.strerror})") from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: invalid YAML ({exc})") from exc
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: expected a mapping at the top level")
    try:
        return AgentConfig.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        message = str(first["msg"]).removeprefix("Value error, ")  # our own checks' messages
        raise ConfigError(f"{path}: {where}: {message}" if where else f"{path}: {message}") from exc
