"""Runtime configuration: pydantic at the edge, frozen pipeline parameters inside.

Defaults are embedded here, so the product runs with no file; ``configs/default.yaml`` shows them
all and any subset can be overridden with ``--config FILE``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

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
    model: Literal["tiny.en", "base"] = "tiny.en"  # base: multilingual, ~4x slower here
    language: str = Field(default="en", min_length=2, max_length=3)  # for a multilingual model
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
        raise ConfigError(f"{path}: {where}: {first['msg']}") from exc
