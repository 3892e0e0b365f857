"""The scenario file format: a scripted phone call for ``voice-agent simulate``.

A scenario is YAML (format in issue 2, "Scenario format")::

    name: customs-hold-barge-in
    now: "2026-11-24T10:00:00+00:00"
    fixtures: {customers: [...], orders: [...]}
    caller:
      turns:
        - audio: clips/customs.wav          # relative to this file
          text: "My parcel is stuck at customs."   # beside audio: the reference transcript
          expect_intent: customs_delay
          start: {after_agent_silence_ms: 600}
        - text: "Sorry, actually I want a refund."  # alone: spoken by the built-in caller voice
          start: {into_agent_speech_ms: 1200}
      answers:
        - {when: "(?i)is that right", text: "Yes, that's right.", max: 2}
    max_call_s: 120
    store_unreachable: false   # true: the order store refuses every connection during the call
    caller_id: "+447700900108"  # optional: the number the phone line reports for the caller

Pydantic models validate the file at the edge (every unknown field is an error); the rest of the
code only sees the frozen dataclasses below. Every clip is opened and decoded at load time so that
a bad clip fails before the call starts. Errors are :class:`ScenarioError` naming file and field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    ValidationError,
    field_validator,
    model_validator,
)

from agent.audio_files import AudioFileError, check_wav
from intents.types import Intent

__all__ = [
    "DEFAULT_AFTER_AGENT_SILENCE_MS",
    "INTENTS",
    "AnswerRule",
    "CallerTurn",
    "Scenario",
    "ScenarioError",
    "TurnStart",
    "load_scenario",
]

DEFAULT_AFTER_AGENT_SILENCE_MS = 600

# The intents a scenario may expect (issue 3, "Understanding"); a typo here would otherwise make a
# benchmark silently compare against an intent the agent can never produce.
INTENTS = frozenset(i.value for i in Intent)


class ScenarioError(ValueError):
    """A scenario that cannot be used. The message names the file and the field path."""


# ---------------------------------------------------------------- the result: frozen dataclasses


@dataclass(frozen=True)
class TurnStart:
    """When a caller turn starts. Exactly one of the two fields is set.

    ``after_agent_silence_ms``: once the agent has been silent that long after a reply.
    ``into_agent_speech_ms``: that long after the agent's audio begins (a barge-in).
    """

    after_agent_silence_ms: int | None = DEFAULT_AFTER_AGENT_SILENCE_MS
    into_agent_speech_ms: int | None = None

    @property
    def barge_in(self) -> bool:
        """True when the turn is spoken into the agent's speech."""
        return self.into_agent_speech_ms is not None


@dataclass(frozen=True)
class CallerTurn:
    """One scripted caller utterance.

    ``audio`` is played when given, and ``text`` is then None; otherwise ``text`` is spoken by the
    built-in caller voice. ``reference_text`` is what the caller says (for transcript checks):
    the ``text:`` given beside ``audio:``, or the spoken ``text``; None for a clip without text
    (a cough, a knock).
    """

    audio: Path | None
    text: str | None
    reference_text: str | None
    expect_intent: str | None
    start: TurnStart = field(default_factory=TurnStart)
    # issue #14: the language the recognizer should identify for this turn (checked on the report)
    expect_language: str | None = None


@dataclass(frozen=True)
class AnswerRule:
    """The caller's answer to an agent reply whose text ``when`` matches (``re.search``).

    Like a turn: ``audio`` is played when given (``text`` is then None), else ``text`` is spoken;
    ``reference_text`` is what the caller says. Used at most ``max_uses`` times (YAML ``max``).
    """

    when: re.Pattern[str]
    text: str | None
    audio: Path | None
    max_uses: int = 2
    reference_text: str | None = None

    def matches(self, agent_text: str) -> bool:
        """Whether this rule answers an agent reply with this text."""
        return self.when.search(agent_text) is not None


@dataclass(frozen=True)
class Scenario:
    """A scripted call. ``fixtures`` is the raw mapping for the store loader, unchanged."""

    name: str
    now: datetime | None
    fixtures: dict[str, Any] | None
    turns: tuple[CallerTurn, ...]
    answers: tuple[AnswerRule, ...]
    max_call_s: float = 120.0
    path: Path = Path(".")
    # The dialogue's store refuses every connection for the whole call (the real error path:
    # StoreUnavailable from a database nothing listens on); the fixtures still fill the store the
    # report reads its changes from afterwards.
    store_unreachable: bool = False
    # The number the line reports for the caller (a phone call's caller id); None: the line gives none.
    caller_id: str | None = None
    # issue #14: the voice that speaks the `text:` lines ("espeak:de+m3", "kokoro:jf_alpha"; None:
    # the built-in one) and the languages the line serves in this call (None: the config's)
    caller_voice: str | None = None
    languages: tuple[str, ...] | None = None


# ---------------------------------------------------------------- the edge: pydantic models


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


NonEmptyText = Annotated[str, Field(min_length=1)]
Millis = Annotated[StrictInt, Field(ge=0, le=600_000)]
LanguageCode = Annotated[str, Field(pattern=r"^[a-z]{2,3}$")]  # ISO 639-1 (issue #14)


class _StartModel(_Strict):
    after_agent_silence_ms: Millis | None = None
    into_agent_speech_ms: Millis | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> _StartModel:
        given = (self.after_agent_silence_ms is not None) + (self.into_agent_speech_ms is not None)
        if given == 2:
            raise ValueError("give either after_agent_silence_ms or into_agent_speech_ms, not both")
        if given == 0:
            raise ValueError("give either after_agent_silence_ms or into_agent_speech_ms")
        return self


class _UtteranceModel(_Strict):
    audio: NonEmptyText | None = None
    text: NonEmptyText | None = None

    @field_validator("text")
    @classmethod
    def _not_blank(cls, v: str | None) -> str | None:
        if v is not None and not v.strip():
            raise ValueError("text is blank")
        return v.strip() if v is not None else None

    @model_validator(mode="after")
    def _something_to_say(self) -> _UtteranceModel:
        if self.audio is None and self.text is None:
            raise ValueError("give audio: (a WAV clip) or text: (spoken by the caller voice)")
        return self


class _TurnModel(_UtteranceModel):
    expect_intent: str | None = None
    start: _StartModel | None = None
    expect_language: LanguageCode | None = None

    @field_validator("expect_intent")
    @classmethod
    def _known_intent(cls, v: str | None) -> str | None:
        if v is not None and v not in INTENTS:
            raise ValueError(f"unknown intent {v!r}; known: {', '.join(sorted(INTENTS))}")
        return v


class _AnswerModel(_UtteranceModel):
    when: NonEmptyText
    max: Annotated[StrictInt, Field(ge=1)] = 2

    @field_validator("when")
    @classmethod
    def _regex(cls, v: str) -> str:
        try:
            re.compile(v)
        except re.error as e:
            raise ValueError(f"bad regular expression {v!r}: {e}") from None
        return v


class _CallerModel(_Strict):
    turns: Annotated[list[_TurnModel], Field(min_length=1)]
    answers: list[_AnswerModel] = Field(default_factory=list)
    voice: NonEmptyText | None = None

    @field_validator("voice")
    @classmethod
    def _known_voice(cls, v: str | None) -> str | None:
        if v is not None:
            from agent.simulation.voices import parse_voice

            parse_voice(v)
        return v


class _ScenarioModel(_Strict):
    name: NonEmptyText | None = None
    now: AwareDatetime | None = None
    fixtures: dict[str, Any] | None = None
    caller: _CallerModel
    max_call_s: Annotated[float, Field(gt=0, le=3600)] = 120.0
    store_unreachable: StrictBool = False
    caller_id: Annotated[str, Field(pattern=r"^\+?[0-9 ]{6,20}$")] | None = None
    languages: Annotated[list[LanguageCode], Field(min_length=1)] | None = None


# ---------------------------------------------------------------- loading


def _field_path(loc: tuple[int | str, ...]) -> str:
    """('caller', 'turns', 1, 'start') -> 'caller.turns[1].start'."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out or "(top level)"


def _describe(err: Any) -> str:
    kind, msg = err["type"], err["msg"]
    if kind == "extra_forbidden":
        return "unknown field"
    if kind == "missing":
        return "required field is missing"
    if kind in ("model_type", "dict_type"):
        # pydantic would name our private model classes here.
        return f"expected a mapping, got {type(err.get('input')).__name__}"
    # Messages from our own validators arrive as "Value error, <ours>".
    return str(msg).removeprefix("Value error, ")


def format_validation(where: str, exc: ValidationError) -> str:
    """One line per pydantic error: ``FILE: field.path[1]: what is wrong``."""
    lines = [f"{where}: {_field_path(tuple(e['loc']))}: {_describe(e)}" for e in exc.errors()]
    return "\n".join(lines)


def _clip(where: str, base: Path, rel: str, loc: str) -> Path:
    path = (base / rel).resolve()
    try:
        check_wav(path)
    except AudioFileError as e:
        # AudioFileError names the clip; say also which scenario field points at it.
        raise ScenarioError(f"{where}: {loc}: {e}") from None
    return path


def _turn(where: str, base: Path, i: int, m: _TurnModel) -> CallerTurn:
    audio = _clip(where, base, m.audio, f"caller.turns[{i}].audio") if m.audio else None
    if m.start is None:
        start = TurnStart()
    else:
        start = TurnStart(m.start.after_agent_silence_ms, m.start.into_agent_speech_ms)
    return CallerTurn(
        audio=audio,
        text=None if audio else m.text,
        reference_text=m.text,
        expect_intent=m.expect_intent,
        start=start,
        expect_language=m.expect_language,
    )


def _answer(where: str, base: Path, i: int, m: _AnswerModel) -> AnswerRule:
    audio = _clip(where, base, m.audio, f"caller.answers[{i}].audio") if m.audio else None
    return AnswerRule(
        when=re.compile(m.when),
        text=None if audio else m.text,
        audio=audio,
        max_uses=m.max,
        reference_text=m.text,
    )


def load_scenario(path: str | Path) -> Scenario:
    """Read, validate and resolve a scenario file.

    Clip paths are resolved relative to the scenario file and every clip is decoded once here.
    Raises :class:`ScenarioError` (a ``ValueError``) naming the file and the field for a missing
    file, invalid YAML, an unknown or malformed field, a bad regex, a turn with nothing to say,
    two start modes, or a missing, unreadable, empty or non-WAV clip.
    """
    where = str(path)
    p = Path(path)
    try:
        raw_text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError(f"{where}: scenario file not found") from None
    except (OSError, UnicodeDecodeError) as e:
        raise ScenarioError(f"{where}: cannot read scenario file ({e})") from None
    try:
        raw = yaml.safe_load(raw_text)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        at = f"line {mark.line + 1}, column {mark.column + 1}: " if mark is not None else ""
        problem = getattr(e, "problem", None) or str(e)
        raise ScenarioError(f"{where}: invalid YAML: {at}{problem}") from None
    if not isinstance(raw, dict):
        got = "an empty file" if raw is None else f"a {type(raw).__name__}"
        raise ScenarioError(f"{where}: (top level): expected a mapping of fields, got {got}")
    try:
        model = _ScenarioModel.model_validate(raw)
    except ValidationError as e:
        raise ScenarioError(format_validation(where, e)) from None

    base = p.resolve().parent
    return Scenario(
        name=model.name or p.stem,
        now=model.now,
        fixtures=model.fixtures,
        turns=tuple(_turn(where, base, i, t) for i, t in enumerate(model.caller.turns)),
        answers=tuple(_answer(where, base, i, a) for i, a in enumerate(model.caller.answers)),
        max_call_s=float(model.max_call_s),
        path=p.resolve(),
        store_unreachable=model.store_unreachable,
        caller_id=model.caller_id,
        caller_voice=model.caller.voice,
        languages=tuple(model.languages) if model.languages else None,
    )
