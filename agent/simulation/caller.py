"""The scripted caller of a simulated call: when to speak, what to say, and what it did.

Rules (the scenario format): after each agent reply ends and the agent has been silent for the
turn's ``after_agent_silence_ms``, the first ``answers`` rule with uses left whose ``when`` matches
that reply is spoken, else the next turn. A turn with ``into_agent_speech_ms`` cuts into the first
reply whose text matches no rule. A reply counts as *ended* only when it finished playing: a reply
cut by the caller is not one they answer.
"""

from __future__ import annotations

import asyncio
from collections import deque
from dataclasses import dataclass

import numpy as np

from agent.simulation.line import AgentSpeaker, CallerMic
from pipeline.clock import Clock
from pipeline.events import AgentAudioLogged, CallLog, ReplyLogged

POLL_S = 0.01
NO_REPLY_MS = 6000.0  # agent silent this long after the caller spoke: the caller moves on


@dataclass(frozen=True)
class Line:
    """One thing the caller can say, rendered to audio before the call starts."""

    kind: str  # turn | answer
    pcm: np.ndarray
    reference_text: str | None
    expect_intent: str | None
    after_agent_silence_ms: float = 600.0
    into_agent_speech_ms: float | None = None


@dataclass(frozen=True)
class AnswerLine:
    pattern: object  # re.Pattern[str]
    line: Line
    max_uses: int


@dataclass(frozen=True)
class Spoken:
    """An utterance the caller made, in call time."""

    kind: str
    index: int
    start_ms: float
    end_ms: float
    reference_text: str | None
    expect_intent: str | None
    planned_barge_in: bool
    answers_reply_id: int | None  # the reply it followed (or cut into)


class SimulatedCaller:
    def __init__(self, turns: list[Line], answers: list[AnswerLine], mic: CallerMic,
                 speaker: AgentSpeaker, log: CallLog, clock: Clock, agent_hung_up: asyncio.Event) -> None:
        self._turns = deque(turns)
        self._answers = answers
        self._uses = [0] * len(answers)
        self._mic, self._speaker, self._log, self._clock = mic, speaker, log, clock
        self._hung_up = agent_hung_up
        self.spoken: list[Spoken] = []
        self._seen_reply = 0  # replies up to this id have been dealt with
        self._last_spoke_end_ms = 0.0

    async def run(self) -> None:
        """Play the script until the turns are spent and the agent is done, or it hangs up."""
        while not self._hung_up.is_set():
            nxt = self._turns[0] if self._turns else None
            if nxt is not None and nxt.into_agent_speech_ms is not None:
                if not await self._barge_in(nxt):
                    return
                continue
            silence = nxt.after_agent_silence_ms if nxt else 600.0
            reply = await self._reply_ended(silence)
            if self._hung_up.is_set():
                return
            rule = self._matching_rule(reply.text if reply else "")
            if rule is not None:
                await self._say(self._answers[rule].line, reply)
            elif self._turns:
                await self._say(self._turns.popleft(), reply)
            else:
                return

    def _matching_rule(self, reply_text: str) -> int | None:
        for i, rule in enumerate(self._answers):
            if self._uses[i] < rule.max_uses and rule.pattern.search(reply_text):  # type: ignore[attr-defined]
                self._uses[i] += 1
                return i
        return None

    def _matches_any_rule(self, reply_text: str) -> bool:
        return any(self._uses[i] < r.max_uses and r.pattern.search(reply_text)  # type: ignore[attr-defined]
                   for i, r in enumerate(self._answers))

    async def _say(self, line: Line, reply: ReplyLogged | None, barge_in: bool = False) -> None:
        start_ms, end_ms = await self._mic.play(line.pcm)
        index = sum(1 for s in self.spoken if s.kind == line.kind)
        self.spoken.append(Spoken(line.kind, index, start_ms, end_ms, line.reference_text,
                                  line.expect_intent, barge_in, reply.reply_id if reply else None))
        self._last_spoke_end_ms = end_ms
        if reply is not None and not barge_in:
            self._seen_reply = max(self._seen_reply, reply.reply_id)

    async def _barge_in(self, line: Line) -> bool:
        """Wait for a reply that no rule answers, cut into it; False if the agent hung up."""
        while not self._hung_up.is_set():
            started = await self._next_started_reply()
            if started is None:  # the agent said nothing: speak anyway rather than hang the call
                await self._say(self._turns.popleft(), None, barge_in=True)
                return True
            reply, start_ms = started
            if self._matches_any_rule(reply.text):
                ended = await self._reply_ended(line.after_agent_silence_ms)
                if ended is None:  # the agent went quiet for good, or hung up
                    if self._hung_up.is_set():
                        return False
                    await self._say(self._turns.popleft(), None, barge_in=True)
                    return True
                rule = self._matching_rule(ended.text)
                if rule is not None:
                    await self._say(self._answers[rule].line, ended)
                else:
                    # No rule answers the reply that ended (it may be another one than the reply
                    # that started): let it pass. Without this the loop found the same two
                    # replies again without ever yielding, and froze the event loop (seen in a
                    # bench run of the stock pipeline).
                    self._seen_reply = max(self._seen_reply, ended.reply_id)
                continue
            assert line.into_agent_speech_ms is not None
            delay_ms = start_ms + line.into_agent_speech_ms - self._clock.now_ms()
            if delay_ms > 0:
                await asyncio.sleep(delay_ms / 1000.0)
            self._turns.popleft()
            await self._say(line, reply, barge_in=True)
            # The cut reply stays "unseen": if the barge-in was only a backchannel the agent
            # resumes it, and its end is what the caller waits for next.
            self._seen_reply = reply.reply_id - 1
            return True
        return False

    def _reply(self, reply_id: int) -> ReplyLogged | None:
        for r in self._log.of_type(ReplyLogged):
            if r.reply_id == reply_id:
                return r
        return None

    async def _next_started_reply(self) -> tuple[ReplyLogged, float] | None:
        while True:
            for e in self._log.of_type(AgentAudioLogged):
                if e.kind == "started" and e.reply_id > self._seen_reply:
                    reply = self._reply(e.reply_id)
                    if reply is not None:
                        return reply, e.at_ms
            if self._agent_gave_up():
                return None
            await asyncio.sleep(POLL_S)

    async def _reply_ended(self, silence_ms: float) -> ReplyLogged | None:
        """The next reply that finished playing, once the agent has been quiet ``silence_ms``."""
        while True:
            now = self._clock.now_ms()
            quiet = now - self._speaker.last_audible_ms >= silence_ms
            finished = [e for e in self._log.of_type(AgentAudioLogged)
                        if e.kind == "finished" and e.reply_id > self._seen_reply]
            if finished and quiet:
                return self._reply(finished[0].reply_id)
            if self._agent_gave_up() or self._hung_up.is_set():
                return None
            await asyncio.sleep(POLL_S)

    def _agent_gave_up(self) -> bool:
        now = self._clock.now_ms()
        return (not self._mic.busy and now - self._last_spoke_end_ms >= NO_REPLY_MS
                and now - self._speaker.last_audible_ms >= NO_REPLY_MS)
