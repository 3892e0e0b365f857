"""Which dialogue manager answers a call: rule-based (default), an LLM with tools, or the simple one."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from agent.config import AgentConfig
from agent.store.spool import CallbackSpool
from intents.types import DialogueManager


def make_dialogue(config: AgentConfig, store: Any | None, *, now: Callable[[], datetime] | None = None,
                  call_id: str | None = None, spool: CallbackSpool | None = None,
                  channel: str = "phone", caller_id: str | None = None,
                  languages: tuple[str, ...] | None = None) -> DialogueManager:
    """A fresh dialogue for one call. ``store`` may be None (store down): the after-sales
    managers then apologise and offer a callback, kept in ``spool`` (default:
    ``dialogue.spool_path``) if the store is still down when the call ends; callbacks spooled
    by earlier calls are saved into ``store`` first. ``channel`` ("phone" or "chat") and
    ``caller_id`` tell the rule-based dialogue which callback number it already has (a chat has none);
    ``languages`` overrides the config's served languages (the first is the default).
    Raises ConfigError for a bad ``llm:`` setup."""
    if config.dialogue.kind == "simple":
        from intents.simple import SimpleDialogue

        return SimpleDialogue()
    llm = config.llm_config()
    spool = spool or CallbackSpool(Path(config.dialogue.spool_path))
    if store is not None:
        spool.replay(store)
    if llm.enabled:
        from intents.llm.dialogue import build_llm_dialogue

        return build_llm_dialogue(store, llm, now=now, call_id=call_id, spool=spool.add)
    from intents.dialogue import build_dialogue

    served = tuple(languages) if languages else config.languages.served
    return build_dialogue(store, now=now, call_id=call_id, spool=spool.add, channel=channel,
                          caller_id=caller_id, languages=served,
                          min_confidence=config.languages.min_confidence)
