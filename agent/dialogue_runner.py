"""Run dialogue tests (:mod:`agent.dialogue_tests`): each conversation against a fresh store.

The core, :func:`play`, is pure over a :class:`~intents.types.DialogueManager` and a function
that reads the call's store changes, so unit tests can drive it with a fake dialogue.
:func:`run_conversation` builds the real thing: a temporary SQLite store with the demo orders or
the conversation's fixtures, its clock at ``now``, and the dialogue ``voice-agent chat`` uses.

The caller's side: after each agent line, the first answer rule whose ``when`` matches that line
(and is not used up) is said; otherwise the next scripted turn; the conversation is over when the
agent ends the call or there is nothing left to say.
"""

from __future__ import annotations

import inspect
import tempfile
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO

from agent.dialogue_tests import Conversation, ExpectedAction
from intents.types import Action, DialogueManager

_AMOUNT_TOLERANCE = 0.005


@dataclass(frozen=True)
class Line:
    """One line of the transcript: who said it, what, and (caller lines) what was understood."""

    speaker: str  # "agent" | "caller"
    text: str
    note: str = ""  # "answer to /regex/", "turn 2", the intent understood


@dataclass(frozen=True)
class Outcome:
    """The result of one conversation: ``failures`` is empty when it passed."""

    name: str
    source: str
    failures: tuple[str, ...]
    transcript: tuple[Line, ...]
    actions: tuple[Action, ...]

    @property
    def passed(self) -> bool:
        return not self.failures


def _action_text(a: Action | ExpectedAction) -> str:
    fields = [f"{k}={v}" for k, v in (("order_id", a.order_id), ("amount", a.amount),
                                       ("currency", a.currency)) if v is not None]
    return f"{a.kind}({', '.join(fields)})"


def _fits(want: ExpectedAction, got: Action) -> bool:
    if want.kind != got.kind:
        return False
    if want.order_id is not None and want.order_id != got.order_id:
        return False
    if want.currency is not None and want.currency != got.currency:
        return False
    if want.amount is None:
        return True
    return got.amount is not None and abs(want.amount - got.amount) <= _AMOUNT_TOLERANCE


def _match_all(wanted: Sequence[ExpectedAction], got: Sequence[Action]) -> bool:
    """Whether each wanted change fits a different actual change, and none is left over (any order)."""
    if len(wanted) != len(got):
        return False
    if not wanted:
        return True
    first, rest = wanted[0], wanted[1:]
    return any(_fits(first, g) and _match_all(rest, [*got[:i], *got[i + 1:]]) for i, g in enumerate(got))


def _check_actions(wanted: Sequence[ExpectedAction] | None, got: Sequence[Action]) -> list[str]:
    if wanted is None or _match_all(wanted, got):
        return []
    want_text = ", ".join(_action_text(a) for a in wanted) or "none"
    got_text = ", ".join(_action_text(a) for a in got) or "none"
    return [f"store changes: expected [{want_text}], got [{got_text}]"]


def play(conversation: Conversation, dialogue: DialogueManager,
         changes: Callable[[], Sequence[Action]]) -> Outcome:
    """Play ``conversation`` against ``dialogue``; ``changes`` reads the store changes afterwards."""
    failures: list[str] = []
    transcript: list[Line] = []
    agent_lines: list[str] = []

    def agent(text: str) -> None:
        transcript.append(Line("agent", text))
        agent_lines.append(text)

    greeting = dialogue.greeting()
    agent(greeting.text)
    ended = greeting.end_call
    uses = [0] * len(conversation.answers)
    turn_index = 0
    # Every answer has a use limit, so this bounds the call even when the agent loops.
    budget = len(conversation.turns) + sum(a.max_uses for a in conversation.answers) + 1
    while not ended and budget > 0:
        budget -= 1
        last = agent_lines[-1]
        rule = next((i for i, a in enumerate(conversation.answers)
                     if uses[i] < a.max_uses and a.when.search(last)), None)
        if rule is not None:
            uses[rule] += 1
            answer = conversation.answers[rule]
            text, note, turn = answer.say, f"answer to /{answer.when.pattern}/", None
        elif turn_index < len(conversation.turns):
            turn = conversation.turns[turn_index]
            turn_index += 1
            text, note = turn.say, f"turn {turn_index}"
        else:
            break
        reply = dialogue.on_final(text)
        transcript.append(Line("caller", text, f"{note}; understood {reply.intent.value}"))
        agent(reply.text)
        ended = reply.end_call
        if turn is None:
            continue
        where = f"turn {turn_index} ({turn.say!r})"
        if turn.expect_intent is not None and reply.intent != turn.expect_intent:
            failures.append(f"{where}: understood {reply.intent.value}, expected {turn.expect_intent.value}")
        if turn.expect_language is not None and reply.language != turn.expect_language:
            failures.append(f"{where}: replied in {reply.language}, expected {turn.expect_language}")
        failures += [f"{where}: the reply does not match /{p.pattern}/" for p in turn.must_say
                     if not p.search(reply.text)]
        failures += [f"{where}: the reply matches /{p.pattern}/, which it must not" for p in turn.must_not_say
                     if p.search(reply.text)]
    if turn_index < len(conversation.turns):
        missed = conversation.turns[turn_index].say
        failures.append(f"the call ended before turn {turn_index + 1} ({missed!r})")
    said = "\n".join(agent_lines)
    expect = conversation.expect
    failures += [f"the agent never said /{p.pattern}/" for p in expect.must_say if not p.search(said)]
    failures += [f"the agent said /{p.pattern}/, which it must not" for p in expect.must_not_say
                 if p.search(said)]
    if expect.ended is not None and expect.ended != ended:
        failures.append("the agent did not end the call" if expect.ended else "the agent ended the call")
    got = tuple(changes())
    failures += _check_actions(expect.actions, got)
    return Outcome(conversation.name, conversation.source, tuple(failures), tuple(transcript), got)


def _dialogue_kwargs(channel: str, caller_id: str | None,
                     languages: tuple[str, ...] | None = None) -> dict[str, Any]:
    """``channel``/``caller_id`` for the dialogue factory, where it takes them (callbacks need to know
    whether there is a number to call back); older factories get neither."""
    from agent.dialogue_factory import make_dialogue

    params = inspect.signature(make_dialogue).parameters
    out: dict[str, Any] = {}
    if "channel" in params:
        out["channel"] = channel
    if "caller_id" in params:
        out["caller_id"] = caller_id
    if languages and "languages" in params:
        out["languages"] = languages
    return out


def run_conversation(conversation: Conversation, agent_config: Any | None = None) -> Outcome:
    """Play one conversation against a fresh temporary store and the configured dialogue."""
    from agent.config import AgentConfig
    from agent.dialogue_factory import make_dialogue
    from agent.store import open_store
    from agent.store.spool import CallbackSpool

    config = agent_config or AgentConfig()
    now: datetime | None = conversation.now
    clock = (lambda: now) if now is not None else None
    call_id = f"dt-{uuid.uuid4().hex[:8]}"
    with tempfile.TemporaryDirectory(prefix="voice-agent-dialogue-") as tmp:
        store = open_store(f"sqlite:///{tmp}/store.db", clock=clock)
        try:
            if conversation.demo_store:
                store.seed_demo()
            if conversation.fixtures:
                store.load_fixtures(conversation.fixtures)
            dialogue = make_dialogue(config, store, now=clock, call_id=call_id,
                                     spool=CallbackSpool(Path(tmp) / "pending-callbacks.jsonl"),
                                     **_dialogue_kwargs(conversation.channel, conversation.caller_id,
                                                        conversation.languages))
            try:
                return play(conversation, dialogue, lambda: store.changes_for_call(call_id))
            finally:
                dialogue.close(channel="text" if conversation.channel == "chat" else "voice")
        finally:
            store.dispose()


def format_outcome(outcome: Outcome) -> str:
    """``PASS name`` or ``FAIL name`` with every failure and the whole transcript."""
    head = f"{'PASS' if outcome.passed else 'FAIL'} {outcome.source}: {outcome.name}"
    if outcome.passed:
        return head
    lines = [head, *(f"    - {f}" for f in outcome.failures), "    transcript:"]
    for line in outcome.transcript:
        note = f"   [{line.note}]" if line.note else ""
        lines.append(f"      {line.speaker:>6}: {line.text}{note}")
    changes = ", ".join(_action_text(a) for a in outcome.actions) or "none"
    lines.append(f"    store changes: {changes}")
    return "\n".join(lines)


def run_files(paths: Sequence[Path], out: TextIO, agent_config: Any | None = None,
              only: str | None = None) -> int:
    """Load every file first (a bad one: exit 2, nothing run), then run each conversation.

    Prints one line per conversation (the transcript of each failure) and a total; returns 0 when
    all passed, 1 otherwise. ``only`` keeps the conversations whose name contains it.
    """
    from agent.dialogue_tests import load_dialogue_tests

    conversations = [c for p in paths for c in load_dialogue_tests(p)]
    if only:
        conversations = [c for c in conversations if only in c.name]
    failed = 0
    for conversation in conversations:
        outcome = run_conversation(conversation, agent_config)
        failed += not outcome.passed
        print(format_outcome(outcome), file=out, flush=True)
    print(f"{len(conversations) - failed} passed, {failed} failed", file=out)
    return 1 if failed else 0
