"""Builds ``report.json`` for a simulated call from the call log and the recordings.

Pure: takes records and arrays, returns plain data. Every time is ms of call time.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from agent.simulation.caller import Spoken
from benchmarks import wavmetrics
from pipeline.events import (
    AgentAudioLogged,
    CallLog,
    FinalLogged,
    InterruptionLogged,
    PartialLogged,
    ReplyLogged,
)

# A final transcript belongs to the utterance whose clip its speech overlaps, give or take the
# VAD's pre-roll and hangover.
_MATCH_SLACK_MS = 400.0


@dataclass(frozen=True)
class AgentEntry:
    reply_id: int
    text: str
    heard_text: str
    intent: str
    decided_ms: float
    audio_start_ms: float | None
    audio_end_ms: float | None
    interrupted: bool
    resumed: bool


def agent_entries(log: CallLog) -> list[AgentEntry]:
    out = []
    audio = log.of_type(AgentAudioLogged)
    for reply in log.of_type(ReplyLogged):
        mine = [e for e in audio if e.reply_id == reply.reply_id]
        start = next((e.at_ms for e in mine if e.kind == "started"), None)
        end_ev = next((e for e in mine if e.kind in ("finished", "cut")), None)
        out.append(AgentEntry(
            reply.reply_id, reply.text,
            end_ev.heard_text if end_ev else ("" if start is None else reply.text),
            reply.intent, reply.at_ms, start, end_ev.at_ms if end_ev else None,
            interrupted=bool(end_ev and end_ev.kind == "cut"),
            resumed=any(e.kind == "resumed" for e in mine)))
    return out


def _finals_for(spoken: Spoken, finals: list[FinalLogged]) -> list[FinalLogged]:
    """Every final whose speech began inside the clip: usually one, several if the endpointing
    split the utterance (then the reply that counts is the one to the last piece)."""
    return [f for f in finals
            if spoken.start_ms - _MATCH_SLACK_MS <= f.speech_start_ms <= spoken.end_ms + _MATCH_SLACK_MS]


def caller_entries(spoken: list[Spoken], log: CallLog, agent: list[AgentEntry],
                   caller_pcm: np.ndarray, agent_pcm: np.ndarray) -> list[dict]:
    finals = log.of_type(FinalLogged)
    partials = log.of_type(PartialLogged)
    replies = log.of_type(ReplyLogged)
    pauses = [e for e in log.of_type(AgentAudioLogged) if e.kind in ("paused", "cut")]
    decisions = log.of_type(InterruptionLogged)
    out = []
    for i, s in enumerate(spoken):
        pieces = _finals_for(s, finals)
        final = pieces[-1] if pieces else None
        nxt_start = spoken[i + 1].start_ms if i + 1 < len(spoken) else float("inf")
        # (a final that continued an earlier fragment reached the dialogue joined to it)
        reply = next((r for r in replies if final and final.text
                      and (r.caller_text == final.text or r.caller_text.endswith(" " + final.text.strip()))
                      and r.at_ms >= final.at_ms - 1), None)
        reply_audio = next((a for a in agent if reply and a.reply_id == reply.reply_id), None)
        # Clips carry silent padding; latencies run from the caller's audible speech, not the pad.
        onset = wavmetrics.first_active_ms(caller_pcm, s.start_ms, s.end_ms)
        speech_end = wavmetrics.last_active_end_ms(caller_pcm, s.start_ms, s.end_ms)
        barge_in = s.planned_barge_in or (
            onset is not None and wavmetrics.was_active_at(agent_pcm, onset))
        entry = {
            "kind": s.kind, "index": s.index,
            "caller_start_ms": round(s.start_ms, 1), "caller_end_ms": round(s.end_ms, 1),
            "speech_onset_ms": onset, "speech_end_ms": speech_end,
            "reference_text": s.reference_text, "expect_intent": s.expect_intent,
            "transcript": " ".join(p.text for p in pieces if p.text),
            "turns": len(pieces),
            "partials": [{"at_ms": round(p.at_ms, 1), "text": p.text} for p in partials
                         if s.start_ms <= p.at_ms <= (final.at_ms if final else nxt_start)],
            "intent": reply.intent if reply else None,
            "barge_in": barge_in,
            "response_latency_ms": None, "interruption_latency_ms": None,
            "interruption_latency_wav_ms": None, "interruption_outcome": None,
            "turn_end_ms": round(final.turn_end_ms, 1) if final else None,
            # issue #14: the language the turn was transcribed in and Whisper's guess
            "language": final.language if final else None,
            "guessed_language": final.guessed if final else None,
            "guess_confidence": (round(final.guess_confidence, 3)
                                 if final and final.guess_confidence is not None else None),
            "final_ms": round(final.at_ms, 1) if final else None,
            "reply_decided_ms": round(reply.at_ms, 1) if reply else None,
        }
        if reply_audio and reply_audio.audio_start_ms is not None:
            end = speech_end if speech_end is not None else s.end_ms
            entry["response_latency_ms"] = round(reply_audio.audio_start_ms - end, 1)
        if barge_in and onset is not None:
            stop = next((p.at_ms for p in pauses if p.at_ms >= s.start_ms), None)
            if stop is not None and stop < nxt_start:
                entry["interruption_latency_ms"] = round(max(0.0, stop - onset), 1)
            silent = wavmetrics.silent_from_ms(agent_pcm, onset)
            if silent is not None and silent < nxt_start:
                entry["interruption_latency_wav_ms"] = round(max(0.0, silent - onset), 1)
            outcome = [d.decision for d in decisions if s.start_ms <= d.at_ms < nxt_start
                       and d.decision in ("resume", "cancel", "merge")]
            entry["interruption_outcome"] = outcome[0] if outcome else None
        out.append(entry)
    return out


def build_report(name: str, call_id: str, spoken: list[Spoken], log: CallLog, caller_pcm: np.ndarray,
                 agent_pcm: np.ndarray, store_changes: list[dict], ended_by: str,
                 duration_ms: float, pending_callbacks: list[dict] | None = None) -> dict:
    agent = agent_entries(log)
    return {
        "scenario": name, "call_id": call_id, "ended_by": ended_by,
        "duration_ms": round(duration_ms, 1),
        "caller": caller_entries(spoken, log, agent, caller_pcm, agent_pcm),
        "agent": [{k: v for k, v in asdict(a).items()} for a in agent],
        "store_changes": store_changes,
        # promised while the store was down and still unsaved at the end: kept in the spool
        "pending_callbacks": pending_callbacks or [],
        "events": [{"type": type(e).__name__, **asdict(e)} for e in log.events],
    }
