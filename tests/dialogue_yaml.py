"""A small runner for ``tests/dialogues/*.yaml`` conversations (the format in the README), used by
the policy tests until the ``dialogues`` CLI command lands; it drives the real NLU and a fresh store."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml

from agent.store import open_store
from intents.dialogue import build_dialogue

DEFAULT_NOW = "2026-11-27T15:00:00+00:00"


@dataclass
class Outcome:
    name: str
    failures: list[str] = field(default_factory=list)
    transcript: list[str] = field(default_factory=list)

    def report(self) -> str:
        return "\n".join([f"{self.name}:", *("  FAIL " + f for f in self.failures), *self.transcript])


def load(path: Path) -> list[dict[str, Any]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return list(data["conversations"])


def _matches(spec: dict[str, Any], action: Any) -> bool:
    for key, want in spec.items():
        got = getattr(action, key)
        if key == "amount" and want is not None and got is not None:
            if abs(float(got) - float(want)) > 0.005:
                return False
        elif str(got) != str(want):
            return False
    return True


def run(conv: dict[str, Any], db_path: Path) -> Outcome:
    out = Outcome(conv["name"])
    now = datetime.fromisoformat(str(conv.get("now") or DEFAULT_NOW))
    store = open_store(f"sqlite:///{db_path}", clock=lambda: now)
    try:
        if conv.get("store") == "demo":
            store.seed_demo()
        if conv.get("fixtures"):
            store.load_fixtures(conv["fixtures"])
        channel = conv.get("channel", "chat")
        d = build_dialogue(store, now=lambda: now, channel=channel, caller_id=conv.get("caller_id"))
        agent_lines = [d.greeting().text]
        out.transcript.append(f"  agent: {agent_lines[-1]}")
        turns = list(conv.get("turns") or [])
        answers = [dict(a, used=0) for a in conv.get("answers") or []]
        ended = False
        for _ in range(60):
            line: str | None = None
            turn: dict[str, Any] = {}
            for a in answers:
                if a["used"] < a.get("max", 1) and re.search(a["when"], agent_lines[-1]):
                    a["used"] += 1
                    line = str(a["say"])
                    break
            if line is None:
                if not turns:
                    break
                turn = turns.pop(0)
                line = str(turn["say"])
            out.transcript.append(f"  caller: {line}")
            reply = d.on_final(line)
            agent_lines.append(reply.text)
            out.transcript.append(f"  agent: {reply.text}")
            if turn.get("expect_intent") and reply.intent.value != turn["expect_intent"]:
                want = turn["expect_intent"]
                out.failures.append(f"{line!r}: intent {reply.intent.value}, expected {want}")
            for pat in turn.get("must_say") or []:
                if not re.search(pat, reply.text):
                    out.failures.append(f"reply to {line!r} lacks {pat!r}")
            for pat in turn.get("must_not_say") or []:
                if re.search(pat, reply.text):
                    out.failures.append(f"reply to {line!r} says {pat!r}")
            if reply.end_call:
                ended = True
                break
        d.close(channel="text" if channel == "chat" else "voice")
        expect = conv.get("expect") or {}
        everything = "\n".join(agent_lines)
        for pat in expect.get("must_say") or []:
            if not re.search(pat, everything):
                out.failures.append(f"the agent never says {pat!r}")
        for pat in expect.get("must_not_say") or []:
            if re.search(pat, everything):
                out.failures.append(f"the agent says {pat!r}")
        if "ended" in expect and bool(expect["ended"]) != ended:
            out.failures.append(f"ended={ended}, expected {expect['ended']}")
        if "actions" in expect:
            made = store.changes_for_call(d.call_id)
            want = list(expect["actions"])
            ok = len(made) == len(want) and all(_matches(w, m) for w, m in zip(want, made, strict=True))
            if not ok:
                got = [(m.kind, m.order_id, m.amount) for m in made]
                out.failures.append(f"changes {got}, expected {want}")
    finally:
        store.dispose()
    return out
