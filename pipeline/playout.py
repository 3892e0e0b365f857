"""Playout: the agent's reply audio, released one 20 ms frame at a time, and what was heard.

Pure (no pipecat, no clock): the pacer calls :meth:`Playout.next_frame` once per frame period.
Holding the reply here, rather than in a device or transport buffer, is what lets a pause take
effect on the very next frame and lets a cancel know exactly which words reached the caller.
"""

from __future__ import annotations

import enum
from collections import deque
from dataclasses import dataclass

import numpy as np

from pipeline.clauses import Clause
from pipeline.devices import FRAME_SAMPLES
from pipeline.word_timing import WordMark, heard_chars, marks_proportional

SILENCE = bytes(FRAME_SAMPLES * 2)


class PlayoutEventKind(enum.Enum):
    STARTED = "started"  # first audio of a reply left
    PAUSED = "paused"
    RESUMED = "resumed"
    FINISHED = "finished"  # the whole reply was played
    CUT = "cut"  # the rest of the reply was dropped


@dataclass(frozen=True)
class PlayoutEvent:
    kind: PlayoutEventKind
    reply_id: int
    reply_text: str
    heard_text: str  # the reply up to what has been played (whole words)


@dataclass
class _Segment:
    clause: Clause
    pcm: np.ndarray  # int16
    marks: tuple[WordMark, ...]  # where each word of the clause ends in ``pcm``
    pos: int = 0


@dataclass
class _Reply:
    reply_id: int
    text: str
    segments: deque[_Segment]
    complete: bool = False  # the last clause has arrived
    started: bool = False
    played_clauses: list[Clause] | None = None
    last_clause: Clause | None = None
    last_marks: tuple[WordMark, ...] = ()
    last_pos: int = 0  # samples of ``last_clause`` played
    last_done: bool = False  # all of ``last_clause`` played


class Playout:
    """One call's agent output. Not thread-safe: drive it from one asyncio task."""

    def __init__(self) -> None:
        self._replies: deque[_Reply] = deque()
        self._paused = False

    @property
    def paused(self) -> bool:
        return self._paused

    @property
    def speaking(self) -> bool:
        """A reply is under way (started and not finished or cut), paused or not."""
        return bool(self._replies) and self._replies[0].started

    def add_clause(self, reply_id: int, reply_text: str, clause: Clause, pcm: np.ndarray,
                   last: bool, marks: tuple[WordMark, ...] = ()) -> None:
        """Queue synthesized audio for ``clause`` of reply ``reply_id`` (in order). ``marks``:
        where each word ends in ``pcm`` (from the synthesizer); estimated from the audio if absent."""
        reply = self._replies[-1] if self._replies and self._replies[-1].reply_id == reply_id else None
        if reply is None:
            reply = _Reply(reply_id, reply_text, deque())
            self._replies.append(reply)
        if len(pcm):
            reply.segments.append(_Segment(clause, pcm, marks or marks_proportional(clause.text, pcm)))
        reply.complete = reply.complete or last

    def pause(self) -> PlayoutEvent | None:
        if self._paused or not self.speaking:
            self._paused = True
            return None
        self._paused = True
        return self._event(PlayoutEventKind.PAUSED, self._replies[0])

    def resume(self) -> PlayoutEvent | None:
        was_paused, self._paused = self._paused, False
        if was_paused and self.speaking:
            return self._event(PlayoutEventKind.RESUMED, self._replies[0])
        return None

    def cancel(self) -> list[PlayoutEvent]:
        """Drop every queued reply; returns CUT for the one being heard and for each reply held
        or queued before its start (heard ``""``): the dialogue must know it was never said."""
        events = [self._event(PlayoutEventKind.CUT, r) for r in self._replies]
        self._replies.clear()
        self._paused = False
        return events

    def next_frame(self) -> tuple[bytes, list[PlayoutEvent]]:
        """The next 20 ms of output (silence when paused or idle) and the events it caused."""
        events: list[PlayoutEvent] = []
        if self._paused or not self._replies:
            return SILENCE, events
        out = np.zeros(FRAME_SAMPLES, dtype=np.int16)
        filled = 0
        while filled < FRAME_SAMPLES and self._replies:
            reply = self._replies[0]
            if not reply.segments:
                if reply.complete:
                    if reply.started:
                        events.append(self._event(PlayoutEventKind.FINISHED, reply))
                    self._replies.popleft()
                    continue
                break  # waiting for the next clause from synthesis
            if not reply.started:
                reply.started = True
                events.append(PlayoutEvent(PlayoutEventKind.STARTED, reply.reply_id, reply.text, ""))
            seg = reply.segments[0]
            take = min(FRAME_SAMPLES - filled, len(seg.pcm) - seg.pos)
            out[filled:filled + take] = seg.pcm[seg.pos:seg.pos + take]
            seg.pos += take
            filled += take
            reply.last_clause, reply.last_marks, reply.last_pos = seg.clause, seg.marks, seg.pos
            reply.last_done = seg.pos >= len(seg.pcm)
            if seg.pos >= len(seg.pcm):
                reply.segments.popleft()
        # a reply whose last clause just drained finishes now, not a frame later
        if self._replies and self._replies[0].complete and not self._replies[0].segments \
                and self._replies[0].started:
            events.append(self._event(PlayoutEventKind.FINISHED, self._replies.popleft()))
        return out.tobytes(), events

    @staticmethod
    def _event(kind: PlayoutEventKind, reply: _Reply) -> PlayoutEvent:
        heard = ""
        clause = reply.last_clause
        if clause is not None:
            # up to the last word whose sound has been played (a half-heard word was not understood)
            cut = clause.end if reply.last_done else clause.start + heard_chars(reply.last_marks,
                                                                                  reply.last_pos)
            heard = reply.text[:cut].rstrip(" ,;:-")
        if kind == PlayoutEventKind.FINISHED:
            heard = reply.text
        return PlayoutEvent(kind, reply.reply_id, reply.text, heard)
