"""What happened in a call, as typed records with call-time stamps (ms since call start).

Processors append to a :class:`CallLog`; reports, benchmarks and the call record read it. Only
records here, no behaviour: the log is the single source for every latency figure we publish.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class VadLogged:
    kind: str  # speech_start | speech_end | turn_end
    at_ms: float
    speech_start_ms: float


@dataclass(frozen=True)
class PartialLogged:
    text: str
    at_ms: float


@dataclass(frozen=True)
class FinalLogged:
    text: str
    at_ms: float  # when the final transcript was available
    turn_end_ms: float  # when the turn was declared over
    speech_start_ms: float
    asr_ms: float  # compute spent on the final recognition
    language: str = "en"  # the language the turn was transcribed in (issue #14)
    # Whisper's language ID of the turn and its confidence, when the recognizer identifies
    guessed: str | None = None
    guess_confidence: float | None = None


@dataclass(frozen=True)
class ReplyLogged:
    reply_id: int
    text: str
    intent: str
    at_ms: float  # when the dialogue decided it
    caller_text: str  # the transcript it answers ("" for the greeting)
    actions: tuple[tuple[str, str | None, float | None, str | None], ...] = ()
    end_call: bool = False


@dataclass(frozen=True)
class ClauseLogged:
    reply_id: int
    index: int
    at_ms: float  # synthesized audio ready
    tts_ms: float
    audio_ms: float


@dataclass(frozen=True)
class AgentAudioLogged:
    kind: str  # started | paused | resumed | finished | cut
    reply_id: int
    at_ms: float
    heard_text: str


@dataclass(frozen=True)
class InterruptionLogged:
    decision: str  # pause | resume | cancel
    at_ms: float


CallEvent = (VadLogged | PartialLogged | FinalLogged | ReplyLogged | ClauseLogged | AgentAudioLogged
             | InterruptionLogged)


@dataclass
class CallLog:
    """Append-only list of a call's events, in the order they happened."""

    events: list[CallEvent] = field(default_factory=list)

    def add(self, event: CallEvent) -> None:
        self.events.append(event)

    def of_type(self, kind: type) -> list:  # type: ignore[type-arg]
        return [e for e in self.events if isinstance(e, kind)]
