"""Every shipped scenario, played in real time through the real models and the real store.

These are the evidence that the product works end to end: the caller's audio goes through Silero,
Whisper and the dialogue; the agent's words come out of Piper; barge-ins, backchannels and
non-speech sounds meet the interruption controller. Assertions are about behaviour (what was done,
what was heard, who stopped), with latency bounds loose enough for a busy 2-core machine: the
latency targets themselves live in the benchmark.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest

from agent.call import load_models, our_call_factory
from agent.config import AgentConfig
from agent.simulation.scenario import load_scenario
from agent.simulation.simulate import run_simulation

SCENARIOS = Path(__file__).resolve().parent.parent / "benchmarks" / "scenarios"

# The store changes each situation must produce (kinds, in any order).
EXPECTED_CHANGES: dict[str, set[str]] = {
    "smoke": set(), "in-transit": set(), "not-shipped": set(), "refund-status": set(),
    "customs-refund": {"refund"}, "barge-in": {"refund"},
    "not-received": {"investigation", "reship"},
    "damaged": {"refund", "coupon"},
    "wrong-item": {"reship", "return_label"},
    "return": {"return_label"},
    "human": {"escalation", "callback"},
    "backchannel": set(), "cough-knock": set(),
    "smoke-barge-in": set(), "human-barge-in": {"escalation", "callback"},
    "damaged-barge-in": {"refund", "coupon"},
    "cancel": {"refund"},  # a cancel before dispatch is recorded as the full refund
    "change-address": {"address_change"},
    "store-down": set(),  # nothing can be changed while the store is unreachable
}
# A phrase an agent reply must contain: proof the lookup happened after verification.
EXPECTED_SAID: dict[str, str] = {
    "in-transit": "on its way", "not-shipped": "hasn't shipped", "refund-status": "refund",
    "not-received": "delivered", "customs-refund": "customs", "smoke": "Alex",
    "cancel": "is cancelled", "change-address": "go to the new address",
    "store-down": "can't reach our order system",
}
LOOSE_INTERRUPTION_MS = 150.0  # target is 80 ms p95 (benchmark); CI machines are noisy
# Each scenario is a real-time call (~50 s). CI plays a representative set: every kind of floor
# event (barge-in, backchannel, noise), each family of store change, the outage and the address
# read-back. The situations left out are the same audio path with another policy branch, which
# the text dialogue tests cover in milliseconds; `VOICE_AGENT_SCENARIOS=all` (and `voice-agent
# bench`) plays every one.
IN_CI = ("smoke", "in-transit", "not-received", "damaged", "wrong-item", "cancel", "change-address",
         "store-down", "barge-in", "human-barge-in", "backchannel", "cough-knock")
PLAYED = sorted(EXPECTED_CHANGES) if os.environ.get("VOICE_AGENT_SCENARIOS") == "all" else sorted(IN_CI)


@pytest.fixture(scope="module")
def call_factory():
    config = AgentConfig()
    return config, our_call_factory(config, load_models(config))


_PLAYED: dict[str, tuple[dict, Path]] = {}


def play(name: str, tmp_path: Path, call_factory) -> tuple[dict, str]:
    """The report and transcript of one real-time call; each scenario is played once per session
    (about 50 s each), and every test that looks at it shares the same call."""
    if name not in _PLAYED:
        config, factory = call_factory
        scenario = load_scenario(SCENARIOS / f"{name}.yaml")
        result = asyncio.run(run_simulation(scenario, tmp_path / name, config, factory))
        for f in ("report.json", "agent.wav", "caller.wav", "transcript.txt"):
            assert (tmp_path / name / f).stat().st_size > 0
        _PLAYED[name] = (result.report, tmp_path / name)
    report, out = _PLAYED[name]
    return report, (out / "transcript.txt").read_text()


def _said(report: dict) -> str:
    return " ".join(a["heard_text"] for a in report["agent"])


@pytest.mark.realtime
@pytest.mark.parametrize("name", PLAYED)
def test_scenario(name, tmp_path, call_factory):
    report, transcript = play(name, tmp_path, call_factory)
    kinds = {c["kind"] for c in report["store_changes"]}
    assert kinds == EXPECTED_CHANGES[name], transcript
    # The close: the agent offers an open door; if the caller's "that's all" is heard, it hangs
    # up with "call back, any time". A misheard closing line (tiny.en on espeak voices) makes
    # the agent ask again and the script end first: that is correct behaviour, not a failure.
    said = _said(report).lower()
    assert "anything else" in said, transcript
    if report["ended_by"] == "agent_hung_up":
        assert "any time" in report["agent"][-1]["text"]
    else:
        assert report["ended_by"] == "script_done", transcript
    if name in EXPECTED_SAID:
        assert EXPECTED_SAID[name].lower() in said, transcript
    answered = sorted(c["response_latency_ms"] for c in report["caller"]
                      if c["response_latency_ms"] is not None)
    assert answered, transcript
    assert answered[len(answered) // 2] > 0, transcript  # the agent does not talk over callers
    assert answered[-1] < 3000, transcript


@pytest.mark.realtime
@pytest.mark.parametrize("name", ["barge-in", "human-barge-in"])
def test_barge_in_stops_the_agent_and_keeps_what_was_heard(name, tmp_path, call_factory):
    report, _ = play(name, tmp_path, call_factory)
    barge = [c for c in report["caller"] if c["barge_in"] and c["kind"] == "turn"]
    assert len(barge) == 1
    b = barge[0]
    assert b["interruption_outcome"] == "cancel"
    assert b["interruption_latency_wav_ms"] is not None
    assert b["interruption_latency_wav_ms"] <= LOOSE_INTERRUPTION_MS
    cut = [a for a in report["agent"] if a["interrupted"]]
    assert len(cut) == 1
    assert cut[0]["text"].startswith(cut[0]["heard_text"])
    assert len(cut[0]["heard_text"]) < len(cut[0]["text"])
    assert {c["kind"] for c in report["store_changes"]} == EXPECTED_CHANGES[name]


@pytest.mark.realtime
@pytest.mark.parametrize("name", ["backchannel", "cough-knock"])
def test_agent_carries_on_through_backchannels_and_noise(name, tmp_path, call_factory):
    report, transcript = play(name, tmp_path, call_factory)
    into_speech = [c for c in report["caller"] if c["barge_in"]]
    assert len(into_speech) >= 2, transcript
    assert not any(a["interrupted"] for a in report["agent"]), transcript
    paused = [c for c in into_speech if c["interruption_outcome"] is not None]
    assert all(c["interruption_outcome"] == "resume" for c in paused), transcript
    assert any(a["resumed"] for a in report["agent"]), transcript


@pytest.mark.realtime
def test_noisy_phone_line_is_resolved_or_handed_over(tmp_path, call_factory):
    """Over a noisy 8 kHz line tiny.en often cannot read the postcode (measured: it hears "Did it
    make five?" for "It is eight, five, zero, zero, four"). The agent must then neither guess nor
    leak: it resolves the damage after verification, or offers a colleague, and closes politely."""
    report, transcript = play("phone", tmp_path, call_factory)
    kinds = {c["kind"] for c in report["store_changes"]}
    said = _said(report).lower()
    assert report["ended_by"] == "agent_hung_up", transcript
    assert "any time" in report["agent"][-1]["text"]
    if kinds:
        assert kinds == {"reship", "return_label"}, transcript
    else:
        assert "colleague" in said, transcript
        assert "lamp" not in said and "89" not in said and "eighty-nine" not in said, transcript


@pytest.mark.realtime
def test_store_down_apologises_offers_a_callback_and_keeps_the_call(tmp_path, call_factory):
    """Every lookup fails (``store_unreachable: true``): the agent must say so, disclose nothing,
    offer a colleague's callback, take the caller's yes, and carry on to a normal close."""
    report, transcript = play("store-down", tmp_path, call_factory)
    said = _said(report).lower()
    assert "call you back" in said, transcript
    assert "colleague will call you" in said, transcript  # the yes was taken: a slot is promised
    for fact in ("candle", "34", "thirty-four", "yunexpress", "shenzhen", "on its way", "november"):
        assert fact not in said, (fact, transcript)
    assert report["ended_by"] in ("agent_hung_up", "script_done"), transcript
    assert report["store_changes"] == [], transcript
    # the promise outlives the outage: spooled until the store is back, not dropped
    assert [c["kind"] for c in report["pending_callbacks"]] == ["callback"], transcript


@pytest.mark.realtime
def test_change_address_records_the_address_heard(tmp_path, call_factory):
    report, transcript = play("change-address", tmp_path, call_factory)
    changes = report["store_changes"]
    assert [(c["kind"], c["order_id"]) for c in changes] == [("address_change", "42735")], transcript
    said = _said(report)
    assert "I heard:" in said and "main street" in said.lower(), transcript  # read back before the change
