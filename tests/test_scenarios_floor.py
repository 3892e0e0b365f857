"""The floor-control scenarios (issue 13), played in real time and judged from the WAVs, as the
bench judges them: callers who pause after a number, an email or a comma, who say everything in
one breath, and barge-ins that carry no reference text.

Each must leave no talk-over the caller could hear (the agent may begin in a caller's pause, but
must yield at once when they go on), no caller utterance split into turns that were not joined
back, and barge-ins judged by ear: speech stops the agent, a backchannel never cuts it.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from agent.audio_files import read_wav
from agent.call import load_models, our_call_factory
from agent.config import AgentConfig
from agent.simulation.scenario import load_scenario
from agent.simulation.simulate import run_simulation
from benchmarks.bench import analyse_run, longest_wait_ms

SCENARIOS = Path(__file__).resolve().parent.parent / "benchmarks" / "scenarios"
FLOOR = sorted(p.stem for p in SCENARIOS.glob("floor-*.yaml"))
# A minute each in real time: CI plays the pauses after a number, an email and a comma and the
# audio-only barge-ins; `voice-agent bench` plays every floor scenario (all six passed this test
# when it was written).
IN_CI = ("floor-pause-number", "floor-pause-email", "floor-pause-comma", "floor-audio-barge-in")


@pytest.fixture(scope="module")
def call_factory():  # type: ignore[no-untyped-def]
    config = AgentConfig()
    return config, our_call_factory(config, load_models(config))


def test_the_floor_scenarios_ship() -> None:
    assert len(FLOOR) >= 6, FLOOR
    assert set(IN_CI) <= set(FLOOR)


@pytest.mark.realtime
@pytest.mark.parametrize("name", IN_CI)
def test_floor_scenario_never_talks_over_the_caller(name, tmp_path, call_factory) -> None:  # type: ignore[no-untyped-def]
    config, factory = call_factory
    out = tmp_path / name
    asyncio.run(run_simulation(load_scenario(SCENARIOS / f"{name}.yaml"), out, config, factory))
    report = json.loads((out / "report.json").read_text())
    transcript = (out / "transcript.txt").read_text()
    floor = analyse_run(report, read_wav(out / "agent.wav", 16_000), longest_wait_ms(config),
                        read_wav(out / "caller.wav", 16_000))["floor"]
    heard = [t for t in floor["talk_overs"] if t["heard"]]
    assert not heard, (heard, transcript)
    cut = [t for t in floor["turn_ends"] if t["false_cutoff"]]
    assert not cut, (cut, transcript)
    for b in floor["barge_ins"]:
        if b["speech"]:
            assert b["success"], (b, transcript)
        else:
            assert b["not_cut"], (b, transcript)
