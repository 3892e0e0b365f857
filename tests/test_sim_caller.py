"""The simulated caller never freezes the call: a barge-in line waits for replies that progress."""

from __future__ import annotations

import asyncio
import re
import threading

import numpy as np

from agent.simulation.caller import AnswerLine, Line, SimulatedCaller
from pipeline.events import AgentAudioLogged, CallLog, ReplyLogged


class SteppingClock:
    """Call time that moves 500 ms each time it is read: hours of waiting pass in milliseconds."""

    def __init__(self) -> None:
        self.ms = 0.0

    def now_ms(self) -> float:
        self.ms += 500.0
        return self.ms


class InstantMic:
    busy = False

    def __init__(self) -> None:
        self.played: list[int] = []

    def play(self, pcm: np.ndarray) -> asyncio.Future[tuple[float, float]]:
        self.played.append(len(pcm))
        fut: asyncio.Future[tuple[float, float]] = asyncio.get_running_loop().create_future()
        fut.set_result((0.0, 1.0))
        return fut


class QuietSpeaker:
    last_audible_ms = -1e9


def test_barge_in_line_is_said_when_the_ended_reply_matches_no_rule() -> None:
    log = CallLog()
    # reply 1 finished without ever starting (cut before its first frame); reply 2 started and is
    # one a rule answers: the caller used to loop between the two without yielding
    log.add(ReplyLogged(1, "Sorry, I didn't catch that.", "other", 0.0, ""))
    log.add(AgentAudioLogged("finished", 1, 10.0, ""))
    log.add(ReplyLogged(2, "What's your order number?", "other", 20.0, ""))
    log.add(AgentAudioLogged("started", 2, 30.0, ""))
    barge = Line("turn", np.zeros(160, dtype=np.int16), "Sorry, actually I want a refund.", None,
                 into_agent_speech_ms=100.0)
    answer = AnswerLine(re.compile("order number"), Line("answer", np.zeros(320, dtype=np.int16),
                                                          "one two three", None), 1)
    mic = InstantMic()
    caller = SimulatedCaller([barge], [answer], mic, QuietSpeaker(), log, SteppingClock(),  # type: ignore[arg-type]
                             asyncio.Event())
    done = threading.Event()

    def run() -> None:
        asyncio.run(caller.run())
        done.set()

    threading.Thread(target=run, daemon=True).start()
    assert done.wait(timeout=10), "the simulated caller froze"
    assert [s.reference_text for s in caller.spoken] == ["Sorry, actually I want a refund."]
