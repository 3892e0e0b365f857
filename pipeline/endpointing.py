"""When is the caller's turn over? Words decide, not only silence.

One fixed silence (``turn_end_ms``) is too long after "Where is my parcel?" and too short after
"my order number is...". The recognition of the burst that just ended (ready ~100 ms after the
VAD's short pause) tells which: a complete sentence ends the turn at once; a dangling one waits
longer than usual. Pure: text in, verdict out.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

_DANGLING = frozenset({
    "and", "or", "but", "so", "because", "is", "are", "was", "my", "the", "a", "an", "to", "of", "for",
    "number", "code", "email", "address", "um", "uh", "er", "erm", "with", "at", "in", "on", "it's",
    "its", "i", "i'm", "that", "which", "like", "then", "postcode", "zip", "order", "is,",
})
_NUMBER_WORDS = frozenset({
    "zero", "oh", "o", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "double", "triple", "hash", "star", "dash", "dot",
})
_TRAILING_OFF = re.compile(r"(\.\.\.|…|,|-|—)$")
# A question's opening, anywhere in the last sentence: "can you tell me where it is"
_QUESTION_OPENING = re.compile(
    r"\b(can|could|would|will|do|does|did|is|are) (you|i|it|we|they)\b|\b(where|when|why|how|what)\b")


@dataclass(frozen=True)
class EndpointingParams:
    """How words move the end of a turn.

    ``words``: use them at all (False: silence alone decides). ``long_wait_ms``: extra silence after
    a trailing utterance, beyond the VAD's turn end. ``answer_wait_ms``: silence after the VAD's
    pause before a whole answer to the agent's question ends the turn; comma pauses in speech run
    to ~300 ms ("I'd prefer a refund, [pause] please."), the pause itself fires at ~200 ms. Both
    waits are caller audio judged by the VAD (see :class:`AudioDeadline`), so a stalled loop
    cannot end a turn early.
    """

    words: bool = True
    long_wait_ms: float = 400.0
    answer_wait_ms: float = 80.0


class Verdict(enum.Enum):
    END_NOW = "end_now"  # a complete utterance: answer without waiting for more silence
    DEFAULT = "default"  # not sure: wait for the usual turn-end silence
    WAIT_LONGER = "wait_longer"  # the caller is mid-thought (a list of digits, "my email is")


def _asks(text: str, min_words: int) -> bool:
    """The last sentence reads as a question of more than ``min_words`` words."""
    last = re.split(r"[.?!]\s+", text.strip())[-1].lower()
    return len(last.split()) > min_words and bool(_QUESTION_OPENING.search(last))


def judge(text: str, min_words: int = 4) -> Verdict:
    """Classify the recognised words of a burst that just ended."""
    t = text.strip()
    if not t:
        return Verdict.DEFAULT
    if _TRAILING_OFF.search(t):
        return Verdict.WAIT_LONGER
    words = [w.strip(",;:.?!") for w in t.lower().split()]
    words = [w for w in words if w]
    question = t.rstrip("'\")]").endswith("?")
    # "where my parcel is?" ends in a dangling word but the question mark says it is done; so does
    # a question's word order when Whisper drops the mark ("I can you tell me where my order is",
    # "can I change the delivery address": waited 900 ms in the bench). Those wait the usual time.
    if words and words[-1] in _DANGLING and not question and not _asks(t, min_words):
        return Verdict.WAIT_LONGER
    # Digits said one by one come with pauses, and Whisper ends each piece with a period; order
    # numbers have at least four digits, so fewer means the caller is still going.
    if words and all(w.isdigit() or w in _NUMBER_WORDS for w in words):
        digit_count = sum(len(w) if w.isdigit() else 1 for w in words)
        return Verdict.WAIT_LONGER if digit_count < 4 else Verdict.DEFAULT
    # "My post code is 10115": Whisper drops the period after digits; a sentence that ends in a
    # whole code (4+ characters with digits) is complete.
    last = words[-1] if words else ""
    if len(words) >= min_words and len(last) >= 4 and any(c.isdigit() for c in last):
        return Verdict.END_NOW
    # A question of a few words is complete. A yes/no answer is not: "Yes. [pause] Please." and
    # "No, that's all, [pause] thank you" were split in two when "Yes." ended the turn (measured).
    # A statement is not: callers pause 300-700 ms between "I ordered headphones two weeks
    # ago." and "Can you tell me where they are?", and ending on the first sentence splits the
    # request in two (measured on the scenario suite). Statements wait for the turn-end silence.
    if question and len(words) >= min_words:
        return Verdict.END_NOW
    return Verdict.DEFAULT


@dataclass
class AudioDeadline:
    """A turn end scheduled in caller audio, not in wall time. Pure: frame lengths in, a yes out.

    Why: "end the turn after 80 more ms of silence" must mean 80 ms of the caller's audio that
    the VAD has judged. A wall-clock timer fires early when the event loop falls behind the audio
    (a recognition hogging both cores): the frames that carry the caller's next words are still
    queued, so nothing cancels it. Seen in CI: "0 7 7 0 0 9 0 0 1 0 [64 ms pause] 3" ended before
    the "3", and the caller failed verification.

    The VAD's decisions about a frame reach the caller of :meth:`on_onset` before the frame
    reaches :meth:`on_audio` (``VadProcessor`` pushes them first), so all audio received has been
    judged. Positions (``from_ms``, ``at_ms``) are in caller audio, as ``VadEvent.audio_ms``.
    """

    received_ms: float = 0.0  # caller audio in so far, every frame of it judged by the VAD
    due_ms: float | None = None  # end the turn once ``received_ms`` reaches this
    early_answer: bool = False  # armed for a whole answer (an onset or GOING_ON cancels it)
    onset_ms: float = -1.0  # where the latest onset or GOING_ON was heard

    def on_audio(self, frame_ms: float) -> bool:
        """A caller frame of ``frame_ms`` arrived. True (once, then disarmed) when the turn ends."""
        self.received_ms += frame_ms
        if self.due_ms is not None and self.received_ms >= self.due_ms:
            self.cancel()
            return True
        return False

    def arm(self, after_ms: float, from_ms: float | None = None, early_answer: bool = False) -> bool:
        """End the turn ``after_ms`` of caller audio past ``from_ms`` (default: all received).

        Returns True, without arming, when that much has already been heard: end it now.
        """
        start = self.received_ms if from_ms is None else from_ms
        if early_answer and self.onset_ms > start:
            return False  # the caller may be going on after a comma; the silence rule decides
        due = start + after_ms
        if self.received_ms >= due:
            self.cancel()
            return True
        self.due_ms, self.early_answer = due, early_answer
        return False

    def on_onset(self, at_ms: float) -> None:
        """A level onset or GOING_ON at ``at_ms`` of caller audio: maybe the caller goes on ("a
        refund, [pause] please"). Holds an early answer."""
        self.onset_ms = at_ms
        if self.early_answer:
            self.cancel()

    def cancel(self) -> None:
        self.due_ms, self.early_answer = None, False
