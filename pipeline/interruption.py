"""The interruption controller: who holds the floor when the caller talks over the agent.

A pure state machine: :func:`step` maps (state, event) to (state, decision). The adapter turns
decisions into actions: PAUSE holds playout at once (one output frame), RESUME continues from the
held sample, CANCEL drops the rest of the reply at every layer.

Why pause first and decide later: stopping within one frame of VAD onset needs a decision before
any word is recognisable. Coughs, knocks and "uh-huh" also trip the VAD, so the pause is
provisional until the speech lasts ``confirm_speech_ms`` or a transcript holds a real word.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, replace

BACKCHANNELS = frozenset({
    "uh-huh", "uh huh", "uhhuh", "mm-hmm", "mm hmm", "mmhmm", "mhm", "mm", "hmm", "hm", "okay", "ok",
    "right", "yeah", "yes", "yep", "yup", "sure", "alright", "all right", "i see", "got it", "cool",
    "uh", "um", "ah", "oh", "huh", "mmm", "aha", "ha", "oh okay", "okay okay", "right right",
    "yeah yeah", "yes yes", "uh-hum", "uh hum", "mm-mm", "thanks", "thank you", "thank you so much",
    "great", "perfect", "lovely", "ok thanks", "okay thanks", "okay thank you",
    # a courtesy tail after a question the agent already answers ("...a replacement? Please.")
    "please", "yes please", "thanks please",
})
# Whisper writes non-speech as "(coughing)", "[knocking]", "*cough*", or music notes.
_NON_SPEECH = re.compile(r"[\(\[\*♪][^\)\]\*♪]*[\)\]\*♪]?")
_PUNCT = re.compile(r"[^\w\s'-]")
# Whisper spells backchannels many ways ("uh-fuh", "mm-hm", "uh-hum", "mhmm"): a single token made
# of a filler syllable and a short hyphenated tail is still a backchannel, not a word.
_FILLER_TOKEN = re.compile(r"^(?:u+h*|u+m+|m+h*m*|h+m+|a+h+|o+h+)(?:-[a-z]{1,4})?$")


def real_words(text: str) -> list[str]:
    """The words of ``text`` that carry meaning: no sound tags, no fillers or backchannels."""
    cleaned = _PUNCT.sub(" ", _NON_SPEECH.sub(" ", text.lower()))
    phrase = " ".join(cleaned.split())
    if not phrase or phrase in BACKCHANNELS:
        return []
    return [w for w in phrase.split()
            if w.strip("-'") and w not in BACKCHANNELS and not _FILLER_TOKEN.match(w)]


class Floor(enum.Enum):
    AGENT_SILENT = "agent_silent"
    AGENT_SPEAKING = "agent_speaking"
    PAUSED_ONSET = "paused_onset"  # held on a level onset; the VAD model has not confirmed speech
    PAUSED_CALLER_SPEAKING = "paused_caller_speaking"  # held; the caller is talking
    PAUSED_CHECKING = "paused_checking"  # held; the caller stopped, waiting for the words


class Decision(enum.Enum):
    NONE = "none"
    PAUSE = "pause"
    RESUME = "resume"
    CANCEL = "cancel"


@dataclass(frozen=True)
class InterruptionParams:
    # Measured from the onset while the VAD still calls it speech, so it includes the VAD stop
    # hangover (200 ms): "uh-huh" (~0.5 s) plus hangover must stay below it.
    confirm_speech_ms: float = 1000.0
    transcript_wait_ms: float = 900.0  # after the caller stops, wait this long for the words
    min_real_words: int = 1


@dataclass(frozen=True)
class InterruptionState:
    floor: Floor = Floor.AGENT_SILENT
    onset_ms: float = 0.0  # caller speech onset that paused the agent
    quiet_since_ms: float = 0.0  # when the caller stopped (PAUSED_CHECKING)


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
class Tick:
    at_ms: float


Event = (AgentStarted | AgentFinished | CallerOnset | CallerOnsetRejected | CallerSpeechStarted
         | CallerSpeechEnded | CallerWords | Tick)

PAUSED = (Floor.PAUSED_ONSET, Floor.PAUSED_CALLER_SPEAKING, Floor.PAUSED_CHECKING)


def step(state: InterruptionState, event: Event,
         params: InterruptionParams) -> tuple[InterruptionState, Decision]:
    """Advance the floor state by one event; returns the new state and what to do."""
    floor = state.floor
    paused = floor in PAUSED
    silent = InterruptionState(Floor.AGENT_SILENT)
    match event:
        case AgentStarted():
            return (replace(state, floor=Floor.AGENT_SPEAKING), Decision.NONE) if not paused \
                else (state, Decision.NONE)
        case AgentFinished():
            return silent, Decision.NONE
        case CallerOnset(onset_ms=onset):
            if floor == Floor.AGENT_SPEAKING:
                return InterruptionState(Floor.PAUSED_ONSET, onset_ms=onset), Decision.PAUSE
            return state, Decision.NONE
        case CallerOnsetRejected():
            if floor == Floor.PAUSED_ONSET:
                return replace(state, floor=Floor.AGENT_SPEAKING), Decision.RESUME
            return state, Decision.NONE
        case CallerSpeechStarted(onset_ms=onset):
            if floor == Floor.AGENT_SPEAKING:
                return InterruptionState(Floor.PAUSED_CALLER_SPEAKING, onset_ms=onset), Decision.PAUSE
            if floor == Floor.PAUSED_ONSET:
                return replace(state, floor=Floor.PAUSED_CALLER_SPEAKING,
                               onset_ms=min(state.onset_ms, onset)), Decision.NONE
            if floor == Floor.PAUSED_CHECKING:
                return replace(state, floor=Floor.PAUSED_CALLER_SPEAKING), Decision.NONE
            return state, Decision.NONE
        case CallerSpeechEnded(at_ms=at):
            if floor == Floor.PAUSED_CALLER_SPEAKING:
                if at - state.onset_ms >= params.confirm_speech_ms:
                    return silent, Decision.CANCEL
                return replace(state, floor=Floor.PAUSED_CHECKING, quiet_since_ms=at), Decision.NONE
            return state, Decision.NONE
        case CallerWords(text=text, segment_final=final):
            if not paused:
                return state, Decision.NONE
            if len(real_words(text)) >= params.min_real_words:
                return silent, Decision.CANCEL
            if final and floor == Floor.PAUSED_CHECKING:
                return replace(state, floor=Floor.AGENT_SPEAKING), Decision.RESUME
            return state, Decision.NONE
        case Tick(at_ms=at):
            if floor == Floor.PAUSED_ONSET and at - state.onset_ms >= params.transcript_wait_ms:
                return replace(state, floor=Floor.AGENT_SPEAKING), Decision.RESUME
            if floor == Floor.PAUSED_CALLER_SPEAKING and at - state.onset_ms >= params.confirm_speech_ms:
                return silent, Decision.CANCEL
            if floor == Floor.PAUSED_CHECKING and at - state.quiet_since_ms >= params.transcript_wait_ms:
                return replace(state, floor=Floor.AGENT_SPEAKING), Decision.RESUME
            return state, Decision.NONE
    return state, Decision.NONE
