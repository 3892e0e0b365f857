"""agent.simulation.scenario: the shipped suite loads; every bad input names the file and the field."""

from __future__ import annotations

import re
import textwrap
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from agent.simulation.scenario import (
    DEFAULT_AFTER_AGENT_SILENCE_MS,
    INTENTS,
    AnswerRule,
    CallerTurn,
    Scenario,
    ScenarioError,
    load_scenario,
)
from benchmarks.make_clips import CLIPS, Speech

SUITE = Path(__file__).resolve().parent.parent / "benchmarks" / "scenarios"
SHIPPED = sorted(SUITE.glob("*.yaml"))


def _write(tmp_path: Path, body: str, name: str = "s.yaml") -> Path:
    clips = tmp_path / "clips"
    clips.mkdir(exist_ok=True)
    sf.write(clips / "ok.wav", np.full(1600, 0.1, dtype=np.float32), 8000)
    path = tmp_path / name
    path.write_text(textwrap.dedent(body))
    return path


def _error(path: Path) -> str:
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert isinstance(info.value, ValueError)
    message = str(info.value)
    assert message.startswith(str(path)), message  # every error names the file first
    return message


# ---------------------------------------------------------------- the shipped suite


def test_suite_is_there() -> None:
    names = {p.stem for p in SHIPPED}
    assert {"smoke", "barge-in", "backchannel", "cough-knock", "phone"} <= names
    assert len(SHIPPED) >= 14


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_shipped_scenario_loads(path: Path) -> None:
    s = load_scenario(path)
    assert s.name == path.stem
    assert s.now is not None and s.now.tzinfo is not None
    assert s.fixtures and s.fixtures["orders"] and s.fixtures["customers"]
    for turn in s.turns:
        assert turn.audio is None or turn.audio.is_file()
        assert turn.expect_intent is None or turn.expect_intent in INTENTS
    for rule in s.answers:
        # shipped answers are clips, or (issue #14) lines the scenario's own caller voice speaks
        assert rule.audio is not None or s.caller_voice is not None
        assert rule.reference_text
    if s.languages is not None:  # issue #14: every turn says which language it should be heard in
        assert all(turn.expect_language is not None for turn in s.turns)


def test_shipped_clips_match_their_texts() -> None:
    """Each clip's text in make_clips is the reference text its scenario gives; no orphan clips."""
    specs = {c.name: c for c in CLIPS}
    used: set[str] = set()
    for path in SHIPPED:
        s = load_scenario(path)
        items: list[CallerTurn | AnswerRule] = [*s.turns, *s.answers]
        for item in items:
            if item.audio is None:
                continue
            spec = specs[item.audio.stem]
            used.add(item.audio.stem)
            # (a turn may play a clip without text: on purpose, as a user's audio-only scenario
            # does; floor-audio-barge-in checks that the bench judges such turns by ear)
            if isinstance(spec, Speech) and item.reference_text is not None:
                assert item.reference_text == spec.text, (path.name, item.audio.name)
    on_disk = {p.stem for p in (SUITE / "clips").glob("*.wav")}
    assert on_disk == set(specs)
    # 9.7 MB for the first 20 scenarios, 4.3 MB for the six floor-control ones, 5.7 MB for the
    # identifier scenarios and the confirmation clips: a budget, so clips stay short
    assert sum(p.stat().st_size for p in (SUITE / "clips").glob("*.wav")) < 20_500_000


def test_barge_in_and_backchannel_shapes() -> None:
    barge = load_scenario(SUITE / "barge-in.yaml")
    cut = [t for t in barge.turns if t.start.barge_in]
    assert len(cut) == 1 and cut[0].start.into_agent_speech_ms == 1200
    assert cut[0].reference_text == "Sorry, actually I want a refund."
    back = load_scenario(SUITE / "backchannel.yaml")
    assert [t.reference_text for t in back.turns if t.start.barge_in] == ["mm-hmm", "uh-huh"]
    smoke = load_scenario(SUITE / "smoke.yaml")
    assert smoke.max_call_s <= 30
    assert any(t.audio is None and t.text for t in smoke.turns)  # the built-in caller voice path


# ---------------------------------------------------------------- what a good file becomes


def test_full_file_converts(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        """
        name: demo
        now: "2026-11-24T10:00:00+00:00"
        fixtures: {customers: [{id: C-1, name: A}], orders: []}
        caller:
          turns:
            - audio: clips/ok.wav
              text: "Where is my parcel?"
              expect_intent: order_status
            - text: "Sorry, actually I want a refund."
              start: {into_agent_speech_ms: 1200}
            - audio: clips/ok.wav
              start: {after_agent_silence_ms: 900}
          answers:
            - when: "(?i)is that right"
              text: "Yes, that's right."
            - when: "(?i)order number"
              audio: clips/ok.wav
              text: "one oh four five two"
              max: 3
        max_call_s: 45
        """,
    )
    s = load_scenario(path)
    assert isinstance(s, Scenario)
    assert s.name == "demo" and s.max_call_s == 45.0 and s.path == path.resolve()
    assert s.now == datetime(2026, 11, 24, 10, tzinfo=UTC)
    assert s.fixtures == {"customers": [{"id": "C-1", "name": "A"}], "orders": []}
    first, second, third = s.turns
    assert first == CallerTurn(
        audio=(tmp_path / "clips" / "ok.wav").resolve(),
        text=None,
        reference_text="Where is my parcel?",
        expect_intent="order_status",
        start=first.start,
    )
    assert first.start.after_agent_silence_ms == DEFAULT_AFTER_AGENT_SILENCE_MS
    assert first.start.into_agent_speech_ms is None and not first.start.barge_in
    assert second.audio is None and second.text == second.reference_text == "Sorry, actually I want a refund."
    assert second.start.into_agent_speech_ms == 1200 and second.start.after_agent_silence_ms is None
    assert third.reference_text is None and third.start.after_agent_silence_ms == 900
    yes, order = s.answers
    assert isinstance(yes, AnswerRule) and yes.max_uses == 2 and yes.audio is None
    assert yes.text == "Yes, that's right." and yes.matches("So, order 1, IS THAT RIGHT?")
    assert isinstance(order.when, re.Pattern) and order.max_uses == 3
    assert order.audio is not None and order.text is None and order.reference_text == "one oh four five two"
    with pytest.raises(AttributeError):
        s.name = "x"  # type: ignore[misc]


def test_minimal_file_defaults(tmp_path: Path) -> None:
    path = _write(tmp_path, "caller: {turns: [{text: hello}]}\n", name="tiny.yaml")
    s = load_scenario(path)
    assert (s.name, s.now, s.fixtures, s.answers, s.max_call_s) == ("tiny", None, None, (), 120.0)


# ---------------------------------------------------------------- bad input


BAD = {
    "unknown field": (
        "caller:\n  turns:\n    - text: hi\n      volume: 3\n",
        "caller.turns[0].volume: unknown field",
    ),
    "unknown top-level field": ("caller: {turns: [{text: hi}]}\nspeed: 2\n", "speed: unknown field"),
    "both start modes": (
        "caller:\n  turns:\n    - text: hi\n    - text: yo\n"
        "      start: {after_agent_silence_ms: 600, into_agent_speech_ms: 1200}\n",
        "caller.turns[1].start: give either after_agent_silence_ms or into_agent_speech_ms",
    ),
    "empty start": ("caller: {turns: [{text: hi, start: {}}]}\n", "caller.turns[0].start: give either"),
    "negative ms": (
        "caller: {turns: [{text: hi, start: {into_agent_speech_ms: -5}}]}\n",
        "caller.turns[0].start.into_agent_speech_ms:",
    ),
    "bad regex": (
        "caller:\n  turns: [{text: hi}]\n  answers:\n    - {when: '(?i)order (number', text: x}\n",
        "caller.answers[0].when: bad regular expression",
    ),
    "nothing to say": ("caller: {turns: [{expect_intent: affirm}]}\n", "caller.turns[0]: give audio:"),
    "answer without words": (
        "caller: {turns: [{text: hi}], answers: [{when: x}]}\n",
        "caller.answers[0]: give audio:",
    ),
    "unknown intent": (
        "caller: {turns: [{text: hi, expect_intent: refund_please}]}\n",
        "caller.turns[0].expect_intent: unknown intent 'refund_please'",
    ),
    "no turns": ("caller: {turns: []}\n", "caller.turns:"),
    "no caller": ("name: x\n", "caller: required field is missing"),
    "naive now": ("now: '2026-11-24T10:00:00'\ncaller: {turns: [{text: hi}]}\n", "now:"),
    "zero max": (
        "caller: {turns: [{text: hi}], answers: [{when: x, text: y, max: 0}]}\n",
        "caller.answers[0].max:",
    ),
    "bad max_call_s": ("caller: {turns: [{text: hi}]}\nmax_call_s: 0\n", "max_call_s:"),
    "start not a mapping": (
        "caller: {turns: [{text: hi, start: 600}]}\n",
        "caller.turns[0].start: expected a mapping",
    ),
    "not a mapping": ("- just\n- a list\n", "(top level): expected a mapping"),
    "empty file": ("", "(top level): expected a mapping of fields, got an empty file"),
    "invalid YAML": ("caller: {turns: [\n  - text: 'unclosed\n", "invalid YAML: line"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_scenario(tmp_path: Path, case: str) -> None:
    body, expected = BAD[case]
    path = _write(tmp_path, body)
    assert expected in _error(path)


def test_missing_scenario_file(tmp_path: Path) -> None:
    assert "scenario file not found" in _error(tmp_path / "nope.yaml")


def _clip_case(tmp_path: Path, make_clip) -> str:  # type: ignore[no-untyped-def]
    path = _write(tmp_path, "caller:\n  turns:\n    - text: hi\n    - {audio: clips/bad.wav, text: hi}\n")
    if make_clip is not None:
        make_clip(tmp_path / "clips" / "bad.wav")
    message = _error(path)
    assert "caller.turns[1].audio" in message
    assert "bad.wav" in message  # the clip itself is named too
    return message


def test_missing_clip(tmp_path: Path) -> None:
    assert "not found" in _clip_case(tmp_path, None)


def test_empty_clip(tmp_path: Path) -> None:
    assert "empty" in _clip_case(tmp_path, lambda p: p.write_bytes(b""))


def test_zero_sample_clip(tmp_path: Path) -> None:
    msg = _clip_case(tmp_path, lambda p: sf.write(p, np.zeros(0, dtype=np.float32), 16000))
    assert "no audio" in msg


def test_non_wav_clip(tmp_path: Path) -> None:
    assert "not a" in _clip_case(tmp_path, lambda p: p.write_text("ID3 definitely an mp3"))


def test_flac_named_wav_clip(tmp_path: Path) -> None:
    msg = _clip_case(tmp_path, lambda p: sf.write(p, np.zeros(800, dtype=np.float32), 16000, format="FLAC"))
    assert "not a WAV" in msg


def test_bad_answer_clip(tmp_path: Path) -> None:
    path = _write(tmp_path, "caller:\n  turns: [{text: hi}]\n  answers: [{when: x, audio: clips/gone.wav}]\n")
    assert "caller.answers[0].audio" in _error(path)


def test_clip_paths_are_relative_to_the_scenario(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _write(tmp_path, "caller: {turns: [{audio: clips/ok.wav}]}\n")
    monkeypatch.chdir(tmp_path / "clips")  # the working directory must not matter
    assert load_scenario(path).turns[0].audio == (tmp_path / "clips" / "ok.wav").resolve()
