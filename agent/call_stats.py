"""Live figures from a call's :class:`CallLog`, for the browser page and the call record.

Pure functions over the log; every time is ms of call time. Shared by the network adapters
(Twilio, WebRTC, SIP) so that each channel reports the same figures the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import median

from pipeline.events import AgentAudioLogged, CallEvent, CallLog, FinalLogged, ReplyLogged, VadLogged


@dataclass(frozen=True)
class TurnFigures:
    """One answered caller turn: end of speech → first reply audio, and any barge-in stop."""

    reply_id: int
    response_ms: float | None  # caller's end of speech → first audio of the reply
    interruption_ms: float | None  # caller's speech onset → agent audio paused/cut, if interrupted


def response_latencies(log: CallLog, vad_stop_ms: float) -> list[TurnFigures]:
    """Per answered turn. ``vad_stop_ms``: the VAD's hangover, subtracted to date the speech end."""
    events = log.events
    vad = [e for e in events if isinstance(e, VadLogged)]
    audio = [e for e in events if isinstance(e, AgentAudioLogged)]
    replies = [e for e in events if isinstance(e, ReplyLogged)]
    out: list[TurnFigures] = []
    for final in (e for e in events if isinstance(e, FinalLogged) and e.text):
        reply = next((r for r in replies if r.caller_text == final.text and r.at_ms >= final.at_ms - 1),
                     None)
        if reply is None:
            continue
        started = next((a.at_ms for a in audio if a.reply_id == reply.reply_id and a.kind == "started"),
                       None)
        ends = [v.at_ms for v in vad if v.kind == "speech_end" and v.at_ms <= final.turn_end_ms]
        response = None
        if started is not None and ends:
            response = round(started - (ends[-1] - vad_stop_ms), 1)
        out.append(TurnFigures(reply.reply_id, response, None))
    return out


def interruption_latencies(log: CallLog) -> list[float]:
    """Speech onset → agent audio stopped, for each reply the caller talked over."""
    seen: set[int] = set()
    out: list[float] = []
    onset: float | None = None
    for e in log.events:
        if isinstance(e, VadLogged) and e.kind in ("onset", "speech_start"):
            onset = e.speech_start_ms
        elif isinstance(e, AgentAudioLogged) and e.kind in ("paused", "cut") and e.reply_id not in seen:
            seen.add(e.reply_id)
            if onset is not None:
                out.append(round(max(0.0, e.at_ms - onset), 1))
    return out


def summary(log: CallLog, vad_stop_ms: float) -> dict[str, float]:
    """Figures for the call record; every key ends in ``_ms`` (see ``CallHost._record``)."""
    responses = [t.response_ms for t in response_latencies(log, vad_stop_ms) if t.response_ms is not None]
    stops = interruption_latencies(log)
    out: dict[str, float] = {}
    if responses:
        out["response_p50_ms"] = round(median(responses), 1)
        out["response_max_ms"] = max(responses)
    if stops:
        out["interruption_p50_ms"] = round(median(stops), 1)
        out["interruption_max_ms"] = max(stops)
    return out


def last_turn(log: CallLog, vad_stop_ms: float) -> dict[str, float | None]:
    """The most recent response and interruption latency, for the live page."""
    responses = [t.response_ms for t in response_latencies(log, vad_stop_ms) if t.response_ms is not None]
    stops = interruption_latencies(log)
    return {"response_ms": responses[-1] if responses else None,
            "interruption_ms": stops[-1] if stops else None}


class LogFollower:
    """Hands out a log's new events since the last call; one per consumer, no locking needed
    because the log is only appended to from the event loop."""

    def __init__(self, log: CallLog) -> None:
        self._log = log
        self._seen = 0

    def new_events(self) -> list[CallEvent]:
        events = self._log.events[self._seen:]
        self._seen += len(events)
        return events
