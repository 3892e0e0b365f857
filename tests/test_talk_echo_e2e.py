"""`talk` mode's promise: the agent's own voice leaking into the microphone does not barge in.

A simulated room: what the agent's speaker plays comes back into the microphone 40 ms later,
attenuated, with a short reverberant tail and a little noise, exactly as on a laptop. The full
pipeline runs in real time. With the echo canceller the greeting plays through untouched; without
it the same room makes the agent interrupt itself (so the first assertion can fail).
"""

from __future__ import annotations

import asyncio

import numpy as np
import pytest

from agent.call import CallPipeline, load_models
from agent.config import AgentConfig, DialogueConfig
from intents.simple import SimpleDialogue
from pipeline.clock import MonotonicClock
from pipeline.devices import FRAME_MS, FRAME_SAMPLES
from pipeline.echo import EchoCanceller
from pipeline.events import AgentAudioLogged, InterruptionLogged

ECHO_DELAY_FRAMES = 2  # 40 ms from speaker to microphone
ECHO_GAIN = 0.5  # -6 dB: a laptop speaker next to its microphone


class EchoRoom:
    """Speaker and microphone of one room; the mic hears the speaker (and optionally cleans it)."""

    def __init__(self, clock: MonotonicClock, canceller: EchoCanceller | None) -> None:
        self._clock = clock
        self._canceller = canceller
        # Sound in the air, by the call-time frame it was played in: real devices run on one
        # clock, so the speaker-to-mic delay is fixed, whatever the order the tasks run in.
        self._played: dict[int, np.ndarray] = {}
        self._index = 0
        self._rng = np.random.default_rng(1)

    def write_frame(self, pcm: bytes, call_ms: float) -> None:
        self._played[int(round(call_ms / FRAME_MS))] = np.frombuffer(pcm, dtype=np.int16).astype(float)
        if self._canceller is not None:
            self._canceller.push_reference(pcm)

    def clear(self) -> None:
        pass

    async def read_frame(self) -> bytes | None:
        due = (self._index + 1) * FRAME_MS - self._clock.now_ms()
        if due > 0:
            await asyncio.sleep(due / 1000)
        silent = np.zeros(FRAME_SAMPLES)
        direct = self._played.get(self._index - ECHO_DELAY_FRAMES, silent)
        reflection = self._played.get(self._index - ECHO_DELAY_FRAMES - 1, silent)
        self._index += 1
        # direct path plus a decaying reflection: enough to make a plain level gate useless
        heard = ECHO_GAIN * direct + 0.3 * ECHO_GAIN * reflection
        noise = self._rng.standard_normal(FRAME_SAMPLES) * 20
        pcm = np.clip(heard + noise, -32768, 32767).astype(np.int16).tobytes()
        return self._canceller.process(pcm) if self._canceller is not None else pcm


async def _greeting_in_room(with_canceller: bool):
    config = AgentConfig(dialogue=DialogueConfig(kind="simple"))
    models = load_models(config)
    clock = MonotonicClock()
    room = EchoRoom(clock, EchoCanceller() if with_canceller else None)
    call = CallPipeline(config, models, room, room, SimpleDialogue(), clock=clock)
    runner = asyncio.create_task(call.run())
    try:
        for _ in range(200):  # the greeting is ~6 s; give it 10 s
            await asyncio.sleep(0.05)
            ended = [e for e in call.log.events
                     if isinstance(e, AgentAudioLogged) and e.kind in ("finished", "cut")]
            if ended:
                break
    finally:
        await call.aclose()
        await asyncio.gather(runner, return_exceptions=True)
    return call.log


@pytest.mark.realtime
def test_echo_canceller_prevents_self_interruption():
    log = asyncio.run(_greeting_in_room(with_canceller=True))
    audio = [e.kind for e in log.events if isinstance(e, AgentAudioLogged)]
    decisions = [e.decision for e in log.events if isinstance(e, InterruptionLogged)]
    assert audio[0] == "started" and audio[-1] == "finished", audio
    assert "cut" not in audio
    assert decisions == [], decisions  # not even a momentary pause


@pytest.mark.realtime
def test_without_canceller_the_room_makes_the_agent_interrupt_itself():
    log = asyncio.run(_greeting_in_room(with_canceller=False))
    decisions = [e.decision for e in log.events if isinstance(e, InterruptionLogged)]
    assert "pause" in decisions or "cancel" in decisions
