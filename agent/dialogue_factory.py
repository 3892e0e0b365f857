"""Which dialogue manager answers a call: rule-based (default), an LLM with tools, or the simple one."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from agent.config import AgentConfig
from intents.types import DialogueManager


def make_dialogue(config: AgentConfig, store: Any | None, *, now: Callable[[], datetime] | None = None,
                  call_id: str | None = None) -> DialogueManager:
    """A fresh dialogue for one call. ``store`` may be None (store down): the after-sales
    managers then apologise and offer a callback. Raises ConfigError for a bad ``llm:`` setup."""
    if config.dialogue.kind == "simple":
        from intents.simple import SimpleDialogue

        return SimpleDialogue()
    llm = config.llm_config()
    if llm.enabled:
        from intents.llm import build_llm_dialogue

        return build_llm_dialogue(store, llm, now=now, call_id=call_id)
    from intents.dialogue import build_dialogue

    return build_dialogue(store, now=now, call_id=call_id)
