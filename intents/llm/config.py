"""The ``llm:`` option: which OpenAI-compatible chat model (if any) answers the calls.

``configs/llm.yaml`` holds it; the shipped default is ``llm: none`` (the rule-based dialogue, no
network). Two shapes are accepted, flat::

    llm: openai                     # none | openai
    base_url: http://127.0.0.1:8000/v1
    model: my-model
    api_key_env: OPENAI_API_KEY     # the key is read from this environment variable
    timeout_s: 8

or nested under ``llm:`` (for a section of a bigger config file)::

    llm: {provider: openai, base_url: "http://127.0.0.1:8000/v1", model: my-model}

Errors are :class:`~intents.policy.config.ConfigError` naming the file and the field.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlparse

from pydantic import BaseModel, ConfigDict, Field, field_validator

from intents.policy.config import CONFIG_DIR, ConfigError, _read_yaml, _validate

# Sent as the key to servers on this machine that need none (llama.cpp, vLLM, Ollama ...).
NO_KEY = "no-key"


class LlmConfig(BaseModel):
    """Where the chat model is and how long to wait for it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    llm: Literal["none", "openai"] = Field(default="none", description="none: the rule-based dialogue")
    base_url: str = Field(default="https://api.openai.com/v1", min_length=1)
    model: str = Field(default="gpt-4o-mini", min_length=1)
    api_key_env: str = Field(default="OPENAI_API_KEY", min_length=1)
    timeout_s: float = Field(default=8.0, gt=0, le=120, description="one HTTP request to the model")
    turn_timeout_s: float = Field(
        default=20.0, gt=0, le=300, description="all model requests of one caller turn together"
    )
    max_tool_rounds: int = Field(default=6, ge=1, le=20, description="model requests per caller turn")
    temperature: float | None = Field(default=0.3, ge=0, le=2, description="None: not sent")
    max_tokens: int | None = Field(default=None, ge=16, description="reply length cap; None: not sent")

    @field_validator("base_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        parsed = urlparse(value)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise ValueError("must be an http:// or https:// URL")
        return value.rstrip("/")

    @property
    def enabled(self) -> bool:
        """True when replies come from the chat model."""
        return self.llm == "openai"

    @property
    def local(self) -> bool:
        """True when the model server is on this machine (it may need no key)."""
        host = urlparse(self.base_url).hostname or ""
        if host == "localhost":
            return True
        try:
            return ipaddress.ip_address(host).is_loopback
        except ValueError:
            return False

    def api_key(self, environ: Mapping[str, str] | None = None) -> str:
        """The key from ``$api_key_env``; a placeholder for a local server; else :class:`ConfigError`."""
        env = os.environ if environ is None else environ
        key = env.get(self.api_key_env, "").strip()
        if key:
            return key
        if self.local:
            return NO_KEY
        raise ConfigError(
            f"llm: field 'api_key_env': environment variable {self.api_key_env} is not set "
            f"(needed for {self.base_url})"
        )


def _flatten(data: Mapping[str, Any]) -> dict[str, Any]:
    """Accept ``llm: {provider: openai, ...}`` as well as the flat shape."""
    out = dict(data)
    section = out.get("llm")
    if isinstance(section, Mapping):
        nested = dict(section)
        provider = nested.pop("provider", "openai")
        clash = sorted(set(nested) & (set(out) - {"llm"}))
        if clash:
            raise ValueError(f"{clash[0]!r} given both inside and beside 'llm'")
        out.pop("llm")
        out.update(nested)
        out["llm"] = provider
    elif section is None and "llm" in out:
        out["llm"] = "none"
    return out


def llm_config_from_mapping(data: Mapping[str, Any], source: str = "config") -> LlmConfig:
    """Validate an already-parsed mapping (``source`` names it in errors)."""
    try:
        flat = _flatten(data)
    except ValueError as exc:
        raise ConfigError(f"{source}: field 'llm': {exc}") from exc
    result: LlmConfig = _validate(LlmConfig, flat, source)
    return result


def load_llm_config(path: Path | str | None = None) -> LlmConfig:
    """Load ``configs/llm.yaml`` (or ``path``); ``llm: none`` when the default file is absent."""
    p = Path(path) if path is not None else CONFIG_DIR / "llm.yaml"
    if path is None and not p.exists():
        return LlmConfig()
    return llm_config_from_mapping(_read_yaml(p), str(p))
