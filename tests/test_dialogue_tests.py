"""Dialogue tests for users: the file format, the runner and the shipped conversations."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from agent.cli import main
from agent.dialogue_runner import format_outcome, play, run_conversation, run_files
from agent.dialogue_tests import DialogueTestError, load_dialogue_tests
from intents.types import Action, Intent, Reply

DIALOGUES = Path(__file__).parent / "dialogues"
SHIPPED = sorted(DIALOGUES.glob("*.yaml"))
_MUGS = """
conversations:
  - name: mugs
    store: demo
    now: "2026-11-24T10:00:00+00:00"
    turns:
      - say: "My mugs arrived broken"
        expect_intent: damaged_item
        must_say: ["(?i)order number"]
    answers:
      - {when: "(?i)order number", say: "23871"}
      - {when: "(?i)email|postcode|phone", say: "sophie.martin@example.com"}
      - {when: "(?i)shall I go ahead", say: "yes please"}
    expect:
      actions: %s
      must_say: ["(?i)refund"]
"""


def _write(tmp_path: Path, body: str, name: str = "t.yaml") -> Path:
    path = tmp_path / name
    path.write_text(body)
    return path


class _Scripted:
    """A fake dialogue: replies from a list, records what it heard."""

    def __init__(self, replies: list[Reply]) -> None:
        self.replies = list(replies)
        self.heard: list[str] = []

    def greeting(self) -> Reply:
        return Reply("Hello, what happened?")

    def on_final(self, text: str) -> Reply:
        self.heard.append(text)
        return self.replies.pop(0) if self.replies else Reply("Sorry?")


def test_a_passing_conversation_passes_against_the_demo_store(tmp_path):
    body = _MUGS % '[{kind: refund, order_id: "23871", amount: 24.9}, {kind: coupon}]'
    [conversation] = load_dialogue_tests(_write(tmp_path, body))
    outcome = run_conversation(conversation)
    assert outcome.passed, format_outcome(outcome)
    assert {a.kind for a in outcome.actions} == {"refund", "coupon"}


@pytest.mark.parametrize("actions,message", [
    ("[]", "expected [none]"),  # nothing may change, but a refund was made
    ('[{kind: refund, order_id: "23871", amount: 99.0}, {kind: coupon}]', "amount=99.0"),
    ('[{kind: refund}]', "coupon"),  # a change the file does not expect
])
def test_wrong_store_changes_fail_with_the_transcript(tmp_path, actions, message):
    path = _write(tmp_path, _MUGS % actions)
    out = io.StringIO()
    assert run_files([path], out) == 1
    text = out.getvalue()
    assert "FAIL t.yaml: mugs" in text and message in text
    assert "caller: My mugs arrived broken" in text  # the transcript of the failure
    assert "0 passed, 1 failed" in text


def test_answers_are_said_instead_of_the_next_turn_and_limited_by_max():
    [c] = load_dialogue_tests_text("""
conversations:
  - name: loop
    turns: [{say: "first"}, {say: "second"}]
    answers: [{when: "(?i)again", say: "answer", max: 2}]
""")
    fake = _Scripted([Reply("say it again"), Reply("again"), Reply("again"), Reply("ok")])
    outcome = play(c, fake, lambda: [])  # type: ignore[arg-type]
    assert fake.heard == ["first", "answer", "answer", "second"]
    assert outcome.passed


def test_per_turn_checks_intent_and_the_end_of_the_call_are_reported():
    [c] = load_dialogue_tests_text("""
conversations:
  - name: checks
    turns:
      - {say: "hi", expect_intent: greet, must_say: ["(?i)order"], must_not_say: ["(?i)bye"]}
      - {say: "never said"}
    expect: {must_say: ["(?i)refund"], must_not_say: ["(?i)hello"], ended: false, actions: []}
""")
    fake = _Scripted([Reply("Bye now.", intent=Intent.GOODBYE, end_call=True)])
    outcome = play(c, fake, lambda: [Action("refund", "1", 5.0, "EUR")])  # type: ignore[arg-type]
    text = "\n".join(outcome.failures)
    assert not outcome.passed
    for part in ("understood goodbye, expected greet", "does not match /(?i)order/", "matches /(?i)bye/",
                 "ended before turn 2", "never said /(?i)refund/", "said /(?i)hello/",
                 "the agent ended the call", "expected [none], got [refund(order_id=1"):
        assert part in text, text


def load_dialogue_tests_text(body: str) -> list:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        return load_dialogue_tests(_write(Path(tmp), body))


@pytest.mark.parametrize("body,message", [
    ("conversations: []\n", "conversations"),
    ("conversations:\n  - {name: a, turns: [{say: hi}], bogus: 1}\n", "[0].bogus: unknown field"),
    ("conversations:\n  - {name: a, turns: [{say: hi, expect_intent: nope}]}\n", "unknown intent 'nope'"),
    ("conversations:\n  - {name: a, turns: [{say: hi}], answers: [{when: '(x', say: y}]}\n", "bad regular"),
    ("conversations:\n  - {name: a, turns: [{say: hi}]}\n  - {name: a, turns: [{say: hi}]}\n", "twice"),
    ("conversations:\n  - {name: a, turns: [{say: hi}], expect: {actions: [{kind: gift}]}}\n", "'gift'"),
    ("conversations:\n  - {name: a, channel: chat, caller_id: '+1', turns: [{say: hi}]}\n", "caller_id"),
    ("conversations:\n  - {name: a, fixtures: {orders: [{id: 1}]}, turns: [{say: hi}]}\n", "fixtures"),
    ("conversations: [\n", "invalid YAML"),
])
def test_a_bad_file_exits_2_with_one_line_per_problem_and_runs_nothing(tmp_path, capsys, body, message):
    good = _write(tmp_path, _MUGS % "[]", "good.yaml")
    bad = _write(tmp_path, body, "bad.yaml")
    assert main(["dialogues", str(good), str(bad)]) == 2
    captured = capsys.readouterr()
    assert "bad.yaml" in captured.err and message in captured.err
    assert "PASS" not in captured.out and "FAIL" not in captured.out


def test_a_missing_file_exits_2(tmp_path, capsys):
    assert main(["dialogues", str(tmp_path / "nope.yaml")]) == 2
    assert "file not found" in capsys.readouterr().err


def test_the_cli_exits_1_on_a_failure_and_0_when_all_pass(tmp_path, capsys):
    good = _write(tmp_path, _MUGS % '[{kind: refund}, {kind: coupon}]', "good.yaml")
    bad = _write(tmp_path, _MUGS % "[]", "bad.yaml")
    assert main(["dialogues", str(good)]) == 0
    assert main(["dialogues", str(good), str(bad)]) == 1
    out = capsys.readouterr().out
    assert "PASS good.yaml: mugs" in out and "FAIL bad.yaml: mugs" in out


def test_dialogue_error_is_a_value_error():
    assert issubclass(DialogueTestError, ValueError)


def test_at_least_30_understanding_conversations_ship():
    names = [c.name for p in DIALOGUES.glob("understanding_*.yaml") for c in load_dialogue_tests(p)]
    assert len(names) >= 30


def test_at_least_35_policy_conversations_ship_with_unique_names():
    names = [(p.name, c.name) for p in DIALOGUES.glob("policy_*.yaml") for c in load_dialogue_tests(p)]
    assert len(names) >= 35
    assert len(names) == len(set(names))


@pytest.mark.parametrize("path", SHIPPED, ids=[p.name for p in SHIPPED])
def test_shipped_dialogues_pass(path):
    outcomes = [run_conversation(c) for c in load_dialogue_tests(path)]
    failed = [format_outcome(o) for o in outcomes if not o.passed]
    assert not failed, "\n".join(failed)


def test_only_runs_the_conversations_whose_name_matches(tmp_path, capsys):
    body = _MUGS % "[]" + """
  - name: other
    store: demo
    turns: [{say: "hello"}]
"""
    path = _write(tmp_path, body)
    assert main(["dialogues", str(path), "--only", "oth"]) == 0
    out = capsys.readouterr().out
    assert "PASS t.yaml: other" in out and "mugs" not in out and "1 passed, 0 failed" in out
