"""``voice-agent chat``: a text REPL over the same dialogue manager the phone line uses."""

from __future__ import annotations

import sys
from typing import TextIO

from agent.config import AgentConfig
from agent.dialogue_factory import make_dialogue
from agent.store import StoreUnavailable, open_store
from intents.policy.config import ConfigError, load_config


def run_chat(db_url: str | None, stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout,
             agent_config: AgentConfig | None = None) -> int:
    """Print the greeting, answer each line, exit 0 at goodbye or end of input.

    A store that can't be opened still gives a call: the agent apologises and offers a callback.
    Returns 2 on a bad config file.
    """
    try:
        config = load_config()
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    try:
        store = open_store(db_url)
    except StoreUnavailable as exc:
        print(f"warning: {exc}; continuing without it", file=sys.stderr)
        store = None
    try:
        dialogue = make_dialogue(agent_config or AgentConfig(), store, channel="chat")
    except ConfigError as exc:  # e.g. an llm: section whose API key is not set
        print(f"error: {exc}", file=sys.stderr)
        return 2
    name = config.persona.agent_name
    print(f"{name}: {dialogue.greeting().text}", file=stdout, flush=True)
    try:
        for line in stdin:
            text = line.strip()
            if not text:
                continue
            reply = dialogue.on_final(text)
            print(f"{name}: {reply.text}", file=stdout, flush=True)
            if reply.end_call:
                break
    except KeyboardInterrupt:
        pass
    finally:
        dialogue.close(channel="text")
        if store is not None:
            store.dispose()
    return 0
