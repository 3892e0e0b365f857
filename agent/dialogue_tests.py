"""The dialogue-test file format: scripted text conversations for ``voice-agent dialogues``.

A file holds a list of conversations (format in issue 12, "Dialogue test files")::

    conversations:
      - name: damaged-delivered-refund        # unique within the file
        store: demo                             # the demo store, or:
        fixtures: {customers: [...], orders: [...]}   # as in scenarios
        now: "2026-11-24T10:00:00+00:00"        # optional clock
        channel: chat                           # chat (text, no caller id) | phone
        caller_id: "+34911234567"               # optional, phone only
        languages: [en, de]                     # optional: the served languages (default: config's)
        turns:
          - say: "My mugs arrived broken"
            expect_intent: damaged_item
            expect_language: en                 # optional: the language of the reply to this line
            must_say: ["(?i)sorry"]             # the reply to THIS line
            must_not_say: ["(?i)refund"]
        answers:                                # said instead of the next turn when the
          - {when: "(?i)order number", say: "23871", max: 2}   # agent's last line matches
        expect:
          actions: [{kind: refund, order_id: "23871", amount: 24.9}]   # exactly these changes
          must_say: ["(?i)refund"]              # somewhere in the agent's lines
          must_not_say: ["(?i)goodbye"]
          ended: true

Pydantic validates the file at the edge (unknown fields are errors); the runner
(:mod:`agent.dialogue_runner`) only sees the frozen dataclasses below. Errors are
:class:`DialogueTestError`, one line each, naming the file and the field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StrictFloat,
    StrictInt,
    StrictStr,
    ValidationError,
    field_validator,
    model_validator,
)

from agent.simulation.scenario import format_validation
from agent.store import fixtures
from agent.store.fixtures import FixtureError
from agent.store.models import CHANGE_MODELS
from intents.types import Intent

__all__ = [
    "ACTION_KINDS",
    "Answer",
    "Conversation",
    "DialogueTestError",
    "Expect",
    "ExpectedAction",
    "Turn",
    "load_dialogue_tests",
]

# The kinds of change the store reports for a call (a cancellation is reported as its refund).
ACTION_KINDS = frozenset({*CHANGE_MODELS, "address_change"})


class DialogueTestError(ValueError):
    """A dialogue-test file that cannot be used; one line per problem, naming file and field."""


# ---------------------------------------------------------------- the result: frozen dataclasses


@dataclass(frozen=True)
class Turn:
    """One scripted caller line and what the agent's reply to it must (not) say."""

    say: str
    expect_intent: Intent | None = None
    must_say: tuple[re.Pattern[str], ...] = ()
    must_not_say: tuple[re.Pattern[str], ...] = ()
    expect_language: str | None = None  # ISO 639-1 of the reply


@dataclass(frozen=True)
class Answer:
    """Said instead of the next turn when the agent's last line matches ``when`` (``max_uses`` times)."""

    when: re.Pattern[str]
    say: str
    max_uses: int = 2


@dataclass(frozen=True)
class ExpectedAction:
    """A store change the conversation must make; None fields are not checked."""

    kind: str
    order_id: str | None = None
    amount: float | None = None
    currency: str | None = None


@dataclass(frozen=True)
class Expect:
    """What must hold once the conversation is over. ``actions`` None: changes are not checked."""

    actions: tuple[ExpectedAction, ...] | None = None
    must_say: tuple[re.Pattern[str], ...] = ()
    must_not_say: tuple[re.Pattern[str], ...] = ()
    ended: bool | None = None


@dataclass(frozen=True)
class Conversation:
    """One scripted text conversation against a fresh store (the demo store or ``fixtures``)."""

    name: str
    source: str  # "file.yaml"
    demo_store: bool
    fixtures: dict[str, Any] | None
    now: datetime | None
    channel: Literal["chat", "phone"]
    caller_id: str | None
    turns: tuple[Turn, ...]
    answers: tuple[Answer, ...]
    expect: Expect
    languages: tuple[str, ...] | None = None  # served languages; None: the config's


# ---------------------------------------------------------------- the edge: pydantic models


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


Text = Annotated[StrictStr, Field(min_length=1)]


def _check_regexes(values: list[str]) -> list[str]:
    for v in values:
        try:
            re.compile(v)
        except re.error as e:
            raise ValueError(f"bad regular expression {v!r}: {e}") from None
    return values


Language = Annotated[StrictStr, Field(pattern=r"^[a-z]{2}$")]


class _TurnModel(_Strict):
    say: Text
    expect_intent: str | None = None
    expect_language: Language | None = None
    must_say: list[StrictStr] = Field(default_factory=list)
    must_not_say: list[StrictStr] = Field(default_factory=list)

    @field_validator("expect_intent")
    @classmethod
    def _known_intent(cls, v: str | None) -> str | None:
        known = {i.value for i in Intent}
        if v is not None and v not in known:
            raise ValueError(f"unknown intent {v!r}; known: {', '.join(sorted(known))}")
        return v

    _regexes = field_validator("must_say", "must_not_say")(_check_regexes)


class _AnswerModel(_Strict):
    when: Text
    say: Text
    max: Annotated[StrictInt, Field(ge=1, le=20)] = 2

    @field_validator("when")
    @classmethod
    def _regex(cls, v: str) -> str:
        return _check_regexes([v])[0]


class _ActionModel(_Strict):
    kind: Text
    order_id: StrictStr | StrictInt | None = None
    amount: StrictFloat | StrictInt | None = None
    currency: StrictStr | None = None

    @field_validator("kind")
    @classmethod
    def _known_kind(cls, v: str) -> str:
        if v not in ACTION_KINDS:
            raise ValueError(f"unknown change kind {v!r}; known: {', '.join(sorted(ACTION_KINDS))}")
        return v


class _ExpectModel(_Strict):
    actions: list[_ActionModel] | None = None
    must_say: list[StrictStr] = Field(default_factory=list)
    must_not_say: list[StrictStr] = Field(default_factory=list)
    ended: bool | None = None

    _regexes = field_validator("must_say", "must_not_say")(_check_regexes)


class _ConversationModel(_Strict):
    name: Text
    store: Literal["demo"] | None = None
    fixtures: dict[str, Any] | None = None
    now: AwareDatetime | None = None
    channel: Literal["chat", "phone"] = "chat"
    caller_id: StrictStr | None = None
    turns: Annotated[list[_TurnModel], Field(min_length=1)]
    answers: list[_AnswerModel] = Field(default_factory=list)
    expect: _ExpectModel = Field(default_factory=_ExpectModel)
    languages: Annotated[list[Language], Field(min_length=1)] | None = None

    @model_validator(mode="after")
    def _one_store(self) -> _ConversationModel:
        if self.store is not None and self.fixtures is not None:
            raise ValueError("give store: demo or fixtures:, not both")
        if self.caller_id is not None and self.channel != "phone":
            raise ValueError("caller_id needs channel: phone (a text chat has no caller id)")
        return self


class _FileModel(_Strict):
    conversations: Annotated[list[_ConversationModel], Field(min_length=1)]

    @model_validator(mode="after")
    def _unique_names(self) -> _FileModel:
        seen: set[str] = set()
        for c in self.conversations:
            if c.name in seen:
                raise ValueError(f"conversation name {c.name!r} is used twice")
            seen.add(c.name)
        return self


# ---------------------------------------------------------------- loading


def _patterns(values: list[str]) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(v) for v in values)


def _conversation(source: str, m: _ConversationModel) -> Conversation:
    e = m.expect
    actions = None if e.actions is None else tuple(
        ExpectedAction(a.kind, None if a.order_id is None else str(a.order_id),
                       None if a.amount is None else float(a.amount), a.currency)
        for a in e.actions
    )
    return Conversation(
        name=m.name,
        source=source,
        demo_store=m.store == "demo",
        fixtures=m.fixtures,
        now=m.now,
        channel=m.channel,
        caller_id=m.caller_id,
        turns=tuple(
            Turn(t.say.strip(), Intent(t.expect_intent) if t.expect_intent else None,
                 _patterns(t.must_say), _patterns(t.must_not_say), t.expect_language)
            for t in m.turns
        ),
        answers=tuple(Answer(re.compile(a.when), a.say.strip(), a.max) for a in m.answers),
        expect=Expect(actions, _patterns(e.must_say), _patterns(e.must_not_say), e.ended),
        languages=tuple(m.languages) if m.languages else None,
    )


def load_dialogue_tests(path: str | Path) -> list[Conversation]:
    """Read and validate one dialogue-test file.

    Raises :class:`DialogueTestError` (a ``ValueError``; one line per problem, each naming the file
    and the field) for a missing or unreadable file, invalid YAML, an unknown or malformed field, a
    bad regex, an unknown intent or change kind, or two conversations with the same name.
    """
    where = str(path)
    try:
        raw_text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DialogueTestError(f"{where}: file not found") from None
    except (OSError, UnicodeDecodeError) as e:
        raise DialogueTestError(f"{where}: cannot read ({e})") from None
    try:
        raw = yaml.safe_load(raw_text)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        at = f"line {mark.line + 1}, column {mark.column + 1}: " if mark is not None else ""
        raise DialogueTestError(f"{where}: invalid YAML: {at}{getattr(e, 'problem', None) or e}") from None
    if not isinstance(raw, dict):
        got = "an empty file" if raw is None else f"a {type(raw).__name__}"
        raise DialogueTestError(f"{where}: (top level): expected a mapping with conversations:, got {got}")
    try:
        model = _FileModel.model_validate(raw)
    except ValidationError as e:
        raise DialogueTestError(format_validation(where, e)) from None
    for i, c in enumerate(model.conversations):
        if c.fixtures is not None:
            try:
                fixtures.parse(c.fixtures)  # a bad row fails here, before any conversation runs
            except FixtureError as e:
                raise DialogueTestError(f"{where}: conversations[{i}].fixtures: {e}") from None
    return [_conversation(Path(path).name, c) for c in model.conversations]
