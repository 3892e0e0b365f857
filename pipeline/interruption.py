"""Floor control: who holds the floor, the caller or the agent, at every moment of the call.

A pure state machine: :func:`step` maps (state, event) to (state, decision). The adapter turns
decisions into actions: PAUSE holds playout at once (one output frame), RESUME continues from the
held sample, CANCEL drops the rest of the reply at every layer. HOLD and RELEASE are the same
playout controls while no reply is playing: a reply never *starts* while the caller's voice is
active (speech, or a level onset not yet judged). MERGE is a CANCEL whose caller words continue
the caller's previous turn: the reply to that fragment is dropped, and the next final transcript
goes to the dialogue joined to the fragment, so the agent answers the whole utterance.

Why merge: a caller who pauses after an order number, an email or a comma ("10452, [600 ms] and
the postcode is...") has their turn ended by the endpointing; the reply to the fragment then
starts into the rest of the sentence. Whether a resumed sound continues the utterance is judged
by the caller's own pause (``merge_gap_ms`` since their speech ended), not by the agent's.

Why pause first and decide later: stopping within one frame of VAD onset needs a decision before
any word is recognisable. Coughs, knocks and "uh-huh" also trip the VAD, so the pause is
provisional until the speech lasts ``confirm_speech_ms`` or a transcript holds a real word.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, replace

from pipeline.backchannels import ALL
from pipeline.backchannels import real_words as _real_words

# "uh-huh", "ja genau", "d'accord", "vale", "sì", "はい": no word that takes the floor, in any
# served language (the tables and why one set serves every language: pipeline/backchannels.py).
BACKCHANNELS = ALL
real_words = _real_words


class Floor(enum.Enum):
    AGENT_SILENT = "agent_silent"
    CALLER_HOLDS = "caller_holds"  # the agent is silent and the caller's voice is active: no reply starts
    AGENT_SPEAKING = "agent_speaking"
    PAUSED_ONSET = "paused_onset"  # held on a level onset; the VAD model has not confirmed speech
    PAUSED_CALLER_SPEAKING = "paused_caller_speaking"  # held; the caller is talking
    PAUSED_CHECKING = "paused_checking"  # held; the caller stopped, waiting for the words


class Decision(enum.Enum):
    NONE = "none"
    PAUSE = "pause"
    RESUME = "resume"
    CANCEL = "cancel"
    HOLD = "hold"  # nothing playing: keep the next reply from starting
    RELEASE = "release"  # let a held reply start
    MERGE = "merge"  # cancel the reply to the caller's fragment; their next turn continues it
    DEFER = "defer"  # a final whose caller already went on: hold it back, join it to the next


@dataclass(frozen=True)
class InterruptionParams:
    # Measured from the onset while the VAD still calls it speech, so it includes the VAD stop
    # hangover (200 ms): "uh-huh" (~0.5 s) plus hangover must stay below it.
    confirm_speech_ms: float = 1000.0
    transcript_wait_ms: float = 900.0  # after the caller stops, wait this long for the words
    min_real_words: int = 1
    # A caller whose voice comes back this soon after their speech ended (the VAD's speech end,
    # which lags the voice by its ~200 ms hangover) is going on with the same utterance. A
    # barge-in on a reply comes later: the reply's latency plus what the caller heard of it.
    merge_gap_ms: float = 1000.0


@dataclass(frozen=True)
class InterruptionState:
    floor: Floor = Floor.AGENT_SILENT
    onset_ms: float = 0.0  # caller speech onset that paused the agent
    quiet_since_ms: float = 0.0  # when the caller stopped (PAUSED_CHECKING)
    caller_active: bool = False  # an onset or speech, not yet ended or rejected
    caller_speech: bool = False  # the VAD model confirmed the active sound as speech
    caller_ended_ms: float | None = None  # when the caller's latest speech ended
    near: bool = False  # the active sound began within merge_gap_ms of the caller's previous speech
    reply_pending: bool = False  # a turn went to the dialogue; its reply has not started yet
    answering: bool = False  # the reply playing (or held) answers the caller's latest turn
    continues: bool = False  # paused on the caller going on: confirmed speech merges, not cancels
    started: bool = False  # the paused reply had started playing (else it was held before its start)
    turn_speech_end_ms: float | None = None  # the caller's speech end before the latest turn end
    speech_began_ms: float | None = None  # when the latest confirmed speech began (SpeechStarted)
    speech_began_near: bool = False  # ... within merge_gap_ms of the caller's speech before it


@dataclass(frozen=True)
class AgentStarted:
    at_ms: float


@dataclass(frozen=True)
class AgentFinished:
    at_ms: float


@dataclass(frozen=True)
class CallerSpeechStarted:
    at_ms: float
    onset_ms: float


@dataclass(frozen=True)
class CallerOnset:
    at_ms: float
    onset_ms: float


@dataclass(frozen=True)
class CallerOnsetRejected:
    at_ms: float


@dataclass(frozen=True)
class CallerSpeechEnded:
    at_ms: float


@dataclass(frozen=True)
class CallerWords:
    at_ms: float
    text: str
    segment_final: bool  # the recognition of the whole burst, not an interim


@dataclass(frozen=True)
class TurnEnded:
    """A final transcript with words is ready for the dialogue (``turn_end_ms``: when its turn
    was declared over; its words may come much later on a loaded machine)."""

    at_ms: float
    turn_end_ms: float | None = None


@dataclass(frozen=True)
class Tick:
    at_ms: float


Event = (AgentStarted | AgentFinished | CallerOnset | CallerOnsetRejected | CallerSpeechStarted
         | CallerSpeechEnded | CallerWords | TurnEnded | Tick)

PAUSED = (Floor.PAUSED_ONSET, Floor.PAUSED_CALLER_SPEAKING, Floor.PAUSED_CHECKING)


def _paused_floor(speech: bool) -> Floor:
    return Floor.PAUSED_CALLER_SPEAKING if speech else Floor.PAUSED_ONSET


def _caller_begins(state: InterruptionState, at: float, onset: float, speech: bool,
                   params: InterruptionParams) -> tuple[InterruptionState, Decision]:
    """An onset or speech start while the caller was quiet."""
    near = state.caller_ended_ms is not None and at - state.caller_ended_ms <= params.merge_gap_ms
    # going on with the turn the pending or playing reply answers (not a later burst of theirs)
    near_turn = state.turn_speech_end_ms is not None and at - state.turn_speech_end_ms <= params.merge_gap_ms
    s = replace(state, caller_active=True, caller_speech=speech, near=near, onset_ms=onset)
    if speech:
        s = replace(s, speech_began_ms=at, speech_began_near=near)
    if state.floor == Floor.AGENT_SPEAKING:
        return replace(s, floor=_paused_floor(speech), continues=near_turn and state.answering,
                       started=True), Decision.PAUSE
    if state.reply_pending and near_turn:  # the reply to the fragment is on its way: hold it unsaid
        return replace(s, floor=_paused_floor(speech), continues=True, started=False), Decision.HOLD
    return replace(s, floor=Floor.CALLER_HOLDS), Decision.HOLD


def _give_back(state: InterruptionState) -> tuple[InterruptionState, Decision]:
    """The pause was a noise or a backchannel: the held reply plays (on from where it stopped)."""
    if state.started:
        return replace(state, floor=Floor.AGENT_SPEAKING, continues=False), Decision.RESUME
    return replace(state, floor=Floor.AGENT_SILENT, continues=False), Decision.RELEASE


def _yield(state: InterruptionState) -> tuple[InterruptionState, Decision]:
    """The caller has the floor: the reply is dropped (merged into their next turn if it continues
    their previous one). The floor stays held while their voice is active."""
    floor = Floor.CALLER_HOLDS if state.caller_active else Floor.AGENT_SILENT
    decision = Decision.MERGE if state.continues else Decision.CANCEL
    return replace(state, floor=floor, continues=False, started=False, reply_pending=False,
                   answering=False), decision


def step(state: InterruptionState, event: Event,
         params: InterruptionParams) -> tuple[InterruptionState, Decision]:
    """Advance the floor state by one event; returns the new state and what to do."""
    floor = state.floor
    paused = floor in PAUSED
    match event:
        case TurnEnded(turn_end_ms=turn_end):
            if turn_end is not None and state.speech_began_near and state.speech_began_ms is not None \
                    and state.speech_began_ms > turn_end:
                # The caller went on (soon after this fragment) before its words were ready: no
                # reply to the fragment at all; the words wait to be joined to the next final.
                return state, Decision.DEFER
            s = replace(state, reply_pending=True, turn_speech_end_ms=state.caller_ended_ms)
            if floor == Floor.CALLER_HOLDS and state.near:  # the caller went on before the final
                return replace(s, floor=_paused_floor(state.caller_speech), continues=True,
                               started=False), Decision.NONE
            return s, Decision.NONE
        case AgentStarted():
            s = replace(state, answering=state.reply_pending, reply_pending=False)
            if floor == Floor.CALLER_HOLDS:  # started just before the hold reached the playout
                return replace(s, floor=_paused_floor(state.caller_speech), started=True,
                               continues=state.near and s.answering), Decision.NONE
            if paused:
                return replace(s, started=True), Decision.NONE
            return replace(s, floor=Floor.AGENT_SPEAKING), Decision.NONE
        case AgentFinished():
            s = replace(state, answering=False, started=False, continues=False)
            if floor == Floor.CALLER_HOLDS:
                return s, Decision.NONE
            if paused and state.caller_active:
                return replace(s, floor=Floor.CALLER_HOLDS), Decision.NONE
            return replace(s, floor=Floor.AGENT_SILENT), Decision.RELEASE if paused else Decision.NONE
        case CallerOnset(at_ms=at, onset_ms=onset):
            if floor in (Floor.AGENT_SILENT, Floor.AGENT_SPEAKING):
                return _caller_begins(state, at, onset, False, params)
            return state, Decision.NONE
        case CallerOnsetRejected():
            s = replace(state, caller_active=False)
            if floor == Floor.PAUSED_ONSET:
                return _give_back(s)
            if floor == Floor.CALLER_HOLDS and not state.caller_speech:
                return replace(s, floor=Floor.AGENT_SILENT), Decision.RELEASE
            return s, Decision.NONE
        case CallerSpeechStarted(at_ms=at, onset_ms=onset):
            if floor in (Floor.AGENT_SILENT, Floor.AGENT_SPEAKING):
                return _caller_begins(state, at, onset, True, params)
            s = replace(state, caller_active=True, caller_speech=True)
            if not state.caller_speech:  # an onset the model now confirms as speech
                s = replace(s, speech_began_ms=state.onset_ms if floor == Floor.PAUSED_ONSET
                            else event.at_ms, speech_began_near=state.near)
            if floor == Floor.PAUSED_ONSET:
                return replace(s, floor=Floor.PAUSED_CALLER_SPEAKING,
                               onset_ms=min(state.onset_ms, onset)), Decision.NONE
            if floor == Floor.PAUSED_CHECKING:
                return replace(s, floor=Floor.PAUSED_CALLER_SPEAKING), Decision.NONE
            return s, Decision.NONE
        case CallerSpeechEnded(at_ms=at):
            s = replace(state, caller_active=False, caller_speech=False, caller_ended_ms=at)
            if floor == Floor.CALLER_HOLDS:
                return replace(s, floor=Floor.AGENT_SILENT), Decision.RELEASE
            if floor == Floor.PAUSED_CALLER_SPEAKING:
                if at - state.onset_ms >= params.confirm_speech_ms:
                    return _yield(s)
                return replace(s, floor=Floor.PAUSED_CHECKING, quiet_since_ms=at), Decision.NONE
            return s, Decision.NONE
        case CallerWords(text=text, segment_final=final):
            if not paused:
                return state, Decision.NONE
            if len(real_words(text)) >= params.min_real_words:
                return _yield(state)
            if final and floor == Floor.PAUSED_CHECKING:
                return _give_back(state)
            return state, Decision.NONE
        case Tick(at_ms=at):
            if floor == Floor.PAUSED_ONSET and at - state.onset_ms >= params.transcript_wait_ms:
                return _give_back(replace(state, caller_active=False))
            if floor == Floor.CALLER_HOLDS and not state.caller_speech \
                    and at - state.onset_ms >= params.transcript_wait_ms:
                return replace(state, floor=Floor.AGENT_SILENT, caller_active=False), Decision.RELEASE
            if floor == Floor.PAUSED_CALLER_SPEAKING and at - state.onset_ms >= params.confirm_speech_ms:
                return _yield(state)
            if floor == Floor.PAUSED_CHECKING and at - state.quiet_since_ms >= params.transcript_wait_ms:
                return _give_back(state)
            return state, Decision.NONE
    return state, Decision.NONE
