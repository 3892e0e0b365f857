"""The few frames of our own that travel through pipecat, and why each has its base class.

- Caller-side frames (VAD decisions, transcripts) are SystemFrames: they must never be dropped by
  an interruption (the interruption is about the agent's output, not the caller's words) and they
  must overtake queued agent data so that a barge-in is acted on at once.
- Agent output (reply text, synthesized clauses) are DataFrames: interruptible, so pipecat's
  InterruptionFrame flushes them from every queue on a confirmed barge-in.
- Playout control and playout reports are SystemFrames for the same latency reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from pipecat.frames.frames import DataFrame, SystemFrame

from intents.types import Reply
from pipeline.clauses import Clause
from pipeline.playout import PlayoutEvent
from pipeline.vad import VadEvent
from pipeline.word_timing import WordMark


@dataclass
class CallerVadFrame(SystemFrame):
    event: VadEvent


@dataclass
class CallerTranscriptFrame(SystemFrame):
    """Recognised caller speech. ``kind``: partial | segment (a burst ended) | final (turn over)."""

    text: str
    kind: str
    at_ms: float
    speech_start_ms: float
    continues: bool = False  # a final joined to the fragment before it (floor control's MERGE)
    turn_end_ms: float | None = None  # a final: when its turn was declared over
    # Finals only: expected identifiers the audio proved (intents.verify_evidence.Expected)
    evidence: tuple[Any, ...] = ()
    # Finals only: the caller's language for the dialogue (``on_final(text, language=...)``);
    # None when the voice cannot tell (English-only model, or unsure): the text decides
    language: str | None = None


@dataclass
class ReplyFrame(DataFrame):
    reply_id: int
    reply: Reply


@dataclass
class ReplyAudioFrame(DataFrame):
    reply_id: int
    reply_text: str
    clause: Clause
    pcm: np.ndarray
    last: bool
    word_marks: tuple[WordMark, ...] = ()  # where each word of the clause ends in ``pcm``


@dataclass
class PlayoutControlFrame(SystemFrame):
    action: str  # pause | resume


@dataclass
class PlayoutReportFrame(SystemFrame):
    """Travels upstream from playout: what the caller has heard so far."""

    event: PlayoutEvent
    at_ms: float
