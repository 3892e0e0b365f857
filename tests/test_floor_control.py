"""Floor control in the pure core: holds, continuations and merges, on virtual time (no audio).

Times are call ms. A caller's turn ends (``TurnEnded``) some time after their speech ended; the
reply to it may start (``AgentStarted``) before or after they go on.
"""

import pytest

from pipeline import interruption as ic

P = ic.InterruptionParams(confirm_speech_ms=700, transcript_wait_ms=900, merge_gap_ms=800)
D = ic.Decision


def run(events, state=None):
    state, decisions = state or ic.InterruptionState(), []
    for e in events:
        state, d = ic.step(state, e, P)
        decisions.append(d)
    return state, decisions


# the caller said a fragment ("My order number is 10452,") from 0 to 1500; the VAD's speech end
# is at 1700 and the turn ended at 1800
FRAGMENT = [ic.CallerOnset(0, 0), ic.CallerSpeechStarted(40, 0), ic.CallerSpeechEnded(1700),
            ic.TurnEnded(1800)]


def test_no_reply_starts_while_the_caller_speaks():
    state, ds = run([ic.CallerOnset(100, 90)])
    assert ds == [D.HOLD] and state.floor == ic.Floor.CALLER_HOLDS
    state, ds = run([ic.CallerSpeechStarted(150, 90), ic.Tick(2000)], state)
    assert ds == [D.NONE, D.NONE] and state.floor == ic.Floor.CALLER_HOLDS  # held all along
    state, ds = run([ic.CallerSpeechEnded(2100)], state)
    assert ds == [D.RELEASE] and state.floor == ic.Floor.AGENT_SILENT


def test_a_level_onset_alone_holds_until_rejected_or_timed_out():
    _, ds = run([ic.CallerOnset(100, 90), ic.CallerOnsetRejected(250)])
    assert ds == [D.HOLD, D.RELEASE]
    state, ds = run([ic.CallerOnset(100, 90), ic.Tick(500), ic.Tick(1000)])
    assert ds == [D.HOLD, D.NONE, D.RELEASE] and not state.caller_active


def test_caller_going_on_before_the_reply_starts_holds_it_and_merges():
    state, ds = run(FRAGMENT + [ic.CallerOnset(2200, 2190)])
    assert ds[-1] == D.HOLD and state.floor == ic.Floor.PAUSED_ONSET and state.continues
    state, ds = run([ic.CallerSpeechStarted(2250, 2190),
                     ic.CallerWords(2700, "and my postcode is", segment_final=False)], state)
    assert ds == [D.NONE, D.MERGE]
    assert state.floor == ic.Floor.CALLER_HOLDS  # still talking: the next reply waits
    state, ds = run([ic.CallerSpeechEnded(3600)], state)
    assert ds == [D.RELEASE] and not state.reply_pending


def test_caller_going_on_just_after_the_reply_started_pauses_it_then_merges():
    state, ds = run(FRAGMENT + [ic.AgentStarted(2000), ic.CallerOnset(2300, 2290)])
    assert ds[-2:] == [D.NONE, D.PAUSE] and state.continues and state.started
    _, ds = run([ic.CallerSpeechStarted(2340, 2290), ic.Tick(3000)], state)
    assert ds[-1] == D.MERGE  # 700 ms of speech confirms it without words


def test_reply_started_while_the_caller_already_talks_is_paused_at_once():
    # the playout's "started" report crossed the hold on its way up
    state, ds = run(FRAGMENT + [ic.CallerSpeechStarted(2200, 2190), ic.AgentStarted(2210)])
    assert state.floor == ic.Floor.PAUSED_CALLER_SPEAKING and state.started and state.continues
    assert ds[-2:] == [D.HOLD, D.NONE]  # the hold (a playout pause) already stopped it


def test_final_arriving_after_the_caller_went_on_turns_the_hold_into_a_continuation():
    state, ds = run([ic.CallerOnset(0, 0), ic.CallerSpeechStarted(40, 0), ic.CallerSpeechEnded(1700),
                     ic.CallerSpeechStarted(1900, 1890), ic.TurnEnded(1950)])
    assert state.floor == ic.Floor.PAUSED_CALLER_SPEAKING and state.continues
    _, ds = run([ic.CallerWords(2300, "where is it", segment_final=False)], state)
    assert ds == [D.MERGE]


@pytest.mark.parametrize("said", ["Please.", "Mm-hmm.", "(coughing)", ""])
def test_a_backchannel_after_the_fragment_releases_the_held_reply(said):
    state, ds = run(FRAGMENT + [ic.CallerOnset(2100, 2090), ic.CallerSpeechStarted(2150, 2090),
                                ic.CallerSpeechEnded(2500), ic.CallerWords(2600, said, segment_final=True)])
    assert ds[-1] == D.RELEASE and state.floor == ic.Floor.AGENT_SILENT
    assert state.reply_pending  # the held reply to the fragment now plays
    state, _ = run([ic.AgentStarted(2620)], state)
    assert state.floor == ic.Floor.AGENT_SPEAKING


def test_a_late_barge_in_is_a_barge_in_not_a_merge():
    # the caller listened for a while: their speech ended 1700, they cut in at 3400 (1.7 s later)
    state, ds = run(FRAGMENT + [ic.AgentStarted(2000), ic.CallerOnset(3400, 3390),
                                ic.CallerSpeechStarted(3450, 3390),
                                ic.CallerWords(3800, "Sorry, I want a refund", segment_final=False)])
    assert ds[-3:] == [D.PAUSE, D.NONE, D.CANCEL] and not state.continues


def test_interrupting_the_greeting_never_merges():
    state, ds = run([ic.AgentStarted(0), ic.CallerOnset(500, 490), ic.CallerSpeechStarted(550, 490),
                     ic.CallerWords(900, "I need help", segment_final=False)])
    assert ds[-1] == D.CANCEL


def test_playout_stays_held_after_a_cut_report_while_the_caller_talks():
    state, _ = run(FRAGMENT + [ic.CallerSpeechStarted(2200, 2190),
                               ic.CallerWords(2500, "and the postcode", segment_final=False)])
    assert state.floor == ic.Floor.CALLER_HOLDS
    state, ds = run([ic.AgentFinished(2510)], state)  # the CUT of the held reply comes back
    assert ds == [D.NONE] and state.floor == ic.Floor.CALLER_HOLDS


def test_holds_and_releases_balance_on_a_random_walk():
    """Playout is held exactly in the states that say so, whatever the order of events."""
    import random

    held_states = {ic.Floor.CALLER_HOLDS, *ic.PAUSED}
    rng = random.Random(7)
    for _ in range(200):
        state, held, t = ic.InterruptionState(), False, 0.0
        for _ in range(40):
            t += rng.choice([20, 80, 300, 900])
            e = rng.choice([ic.CallerOnset(t, t), ic.CallerSpeechStarted(t, t), ic.CallerSpeechEnded(t),
                            ic.CallerOnsetRejected(t), ic.TurnEnded(t), ic.Tick(t),
                            ic.CallerWords(t, rng.choice(["", "okay", "my order"]), rng.random() < 0.5)])
            if isinstance(e, ic.AgentStarted | ic.AgentFinished):
                continue
            # the playout starts a reply only when not held, and a reply may finish when playing
            if not held and state.reply_pending and rng.random() < 0.5:
                state, d = ic.step(state, ic.AgentStarted(t), P)
            elif state.floor == ic.Floor.AGENT_SPEAKING and rng.random() < 0.2:
                state, d = ic.step(state, ic.AgentFinished(t), P)
            else:
                state, d = ic.step(state, e, P)
            if d in (D.PAUSE, D.HOLD):
                held = True
            elif d in (D.RESUME, D.RELEASE, D.CANCEL, D.MERGE):
                held = False
                if d in (D.CANCEL, D.MERGE) and state.floor == ic.Floor.CALLER_HOLDS:
                    held = True  # the adapter re-holds after the cancel
            assert held == (state.floor in held_states), (state, d)


# ---------------------------------------------------------------- the adapter, through pipecat


def _vad(kind, at_ms, start_ms=0.0):
    from pipeline.frames import CallerVadFrame
    from pipeline.vad import VadEvent

    return CallerVadFrame(event=VadEvent(kind, at_ms, start_ms, at_ms))


def _words(text, kind):
    from pipeline.frames import CallerTranscriptFrame

    return CallerTranscriptFrame(text=text, kind=kind, at_ms=0.0, speech_start_ms=0.0)


async def test_adapter_joins_the_continuation_to_its_fragment_and_drops_the_reply():
    from pipecat.frames.frames import InterruptionFrame
    from pipecat.tests.utils import run_test

    from pipeline.clock import ManualClock
    from pipeline.events import CallLog, InterruptionLogged
    from pipeline.frames import CallerTranscriptFrame, PlayoutControlFrame
    from pipeline.processors.base import CallContext
    from pipeline.processors.interruption import InterruptionProcessor
    from pipeline.vad import VadEventKind as K

    log = CallLog()
    proc = InterruptionProcessor(CallContext("t", ManualClock(1800.0), log), P)
    frames = [_vad(K.SPEECH_START, 40), _vad(K.SPEECH_END, 1700),
              _words("My order number is 10452.", "final"),
              _vad(K.SPEECH_START, 1900, 1890), _words("and my postcode is", "partial"),
              _vad(K.SPEECH_END, 3500), _words("and my postcode is 28013. Where is it?", "final")]
    down, _ = await run_test(proc, frames_to_send=frames)
    finals = [f.text for f in down if isinstance(f, CallerTranscriptFrame) and f.kind == "final"]
    assert finals == ["My order number is 10452.",
                      "My order number is 10452. and my postcode is 28013. Where is it?"]
    controls = [f.action for f in down if isinstance(f, PlayoutControlFrame)]
    # hold, release, hold (the caller goes on), re-hold after the merge's cancel, release
    assert controls == ["pause", "resume", "pause", "pause", "resume"]
    assert any(isinstance(f, InterruptionFrame) for f in down)
    assert [e.decision for e in log.of_type(InterruptionLogged)] == [
        "hold", "release", "hold", "merge", "release"]


def test_playout_holds_a_reply_before_its_start_and_reports_it_unsaid_when_dropped():
    import numpy as np

    from pipeline.clauses import Clause
    from pipeline.playout import SILENCE, Playout, PlayoutEventKind

    p = Playout()
    assert p.pause() is None  # a hold: nothing is playing yet
    p.add_clause(7, "Thanks. What's your postcode?", Clause("Thanks.", 0, 7),
                 np.full(3200, 1000, dtype=np.int16), last=True)
    for _ in range(5):
        pcm, events = p.next_frame()
        assert pcm == SILENCE and events == []  # held: the reply does not start
    (cut,) = p.cancel()
    assert cut.kind == PlayoutEventKind.CUT and cut.reply_id == 7 and cut.heard_text == ""


class _CountingDialogue:
    """Records what it is asked; its state counts the turns it has taken."""

    def __init__(self):
        self.state = 0
        self.finals: list[tuple[int, str]] = []
        self.heard: list[tuple[str, str]] = []

    def greeting(self):
        from intents.types import Intent, Reply

        return Reply("", Intent.OTHER)

    def on_final(self, text):
        from intents.types import Intent, Reply

        self.finals.append((self.state, text))
        self.state += 1
        return Reply(f"reply to {text}", Intent.OTHER)

    def on_partial(self, text):
        pass

    def on_heard(self, reply_text, heard_text):
        self.heard.append((reply_text, heard_text))

    def answers(self, text):
        return False


async def test_dialogue_answers_a_continuation_from_before_the_fragment_and_hears_of_the_drop():
    from pipecat.frames.frames import InterruptionFrame
    from pipecat.tests.utils import SleepFrame, run_test

    from pipeline.clock import ManualClock
    from pipeline.events import AgentAudioLogged, CallLog
    from pipeline.frames import CallerTranscriptFrame, ReplyFrame
    from pipeline.processors.base import CallContext
    from pipeline.processors.dialogue import DialogueProcessor

    dialogue, log = _CountingDialogue(), CallLog()
    proc = DialogueProcessor(CallContext("t", ManualClock(0.0), log), dialogue)
    merged = "My order is 41273. Where is it?"
    frames = [_words("My order is 41273.", "final"), SleepFrame(sleep=0.05), InterruptionFrame(),
              SleepFrame(sleep=0.5),
              CallerTranscriptFrame(text=merged, kind="final", at_ms=0.0, speech_start_ms=0.0,
                                    continues=True), SleepFrame(sleep=0.1)]
    down, _ = await run_test(proc, frames_to_send=frames)
    # the continuation is decided from the state before the fragment: one turn, the whole
    assert dialogue.finals == [(0, "My order is 41273."), (0, merged)]
    # the fragment's reply never reached playout: the dialogue is told nothing of it was heard
    assert dialogue.heard == [("reply to My order is 41273.", "")]
    assert [e.kind for e in log.of_type(AgentAudioLogged)] == ["dropped"]
    assert [f.reply.text for f in down if isinstance(f, ReplyFrame)][-1] == f"reply to {merged}"


def test_a_final_whose_caller_already_went_on_is_deferred():
    # fragment speech 0-1500, VAD end 1700, turn ended 1800; the caller goes on at 2000; the words
    # of the fragment are only ready at 2600 (a slow recognition): no reply to the fragment at all
    state, ds = run([ic.CallerOnset(0, 0), ic.CallerSpeechStarted(40, 0), ic.CallerSpeechEnded(1700),
                     ic.CallerSpeechStarted(2000, 1990), ic.TurnEnded(2600, turn_end_ms=1800)])
    assert ds[-1] == D.DEFER and not state.reply_pending


def test_a_final_is_not_deferred_for_speech_inside_its_own_turn_or_after_a_long_gap():
    # the second burst began before the turn end: it is part of this final
    _, ds = run([ic.CallerSpeechStarted(40, 0), ic.CallerSpeechEnded(1700),
                 ic.CallerSpeechStarted(1900, 1890), ic.CallerSpeechEnded(2500),
                 ic.TurnEnded(2900, turn_end_ms=2800)])
    assert ds[-1] == D.NONE
    # the caller spoke again long after (a new request): the final is answered as it is
    _, ds = run([ic.CallerSpeechStarted(40, 0), ic.CallerSpeechEnded(1700),
                 ic.CallerSpeechStarted(4000, 3990), ic.TurnEnded(4100, turn_end_ms=1800)])
    assert ds[-1] == D.NONE


def test_a_reply_held_for_a_late_new_utterance_is_not_merged():
    # the caller's next utterance starts 5 s after the fragment, with a pause inside it; the reply
    # to the fragment (ready meanwhile) is held, then played: it answers a turn of its own
    state, ds = run(FRAGMENT + [ic.CallerSpeechStarted(6700, 6690), ic.CallerSpeechEnded(7400),
                                ic.CallerSpeechStarted(7450, 7440),
                                ic.CallerWords(7600, "thank you very much", segment_final=False)])
    assert D.MERGE not in ds and D.CANCEL not in ds
    assert state.floor == ic.Floor.CALLER_HOLDS and state.reply_pending


async def test_adapter_joins_a_deferred_fragment_to_the_next_final_without_rolling_back():
    from pipecat.tests.utils import run_test

    from pipeline.clock import ManualClock
    from pipeline.events import CallLog
    from pipeline.frames import CallerTranscriptFrame
    from pipeline.processors.base import CallContext
    from pipeline.processors.interruption import InterruptionProcessor
    from pipeline.vad import VadEventKind as K

    proc = InterruptionProcessor(CallContext("t", ManualClock(2600.0), CallLog()), P)

    def final(text, turn_end):
        return CallerTranscriptFrame(text=text, kind="final", at_ms=0.0, speech_start_ms=0.0,
                                     turn_end_ms=turn_end)

    frames = [_vad(K.SPEECH_START, 40), _vad(K.SPEECH_END, 1700), _vad(K.SPEECH_START, 2000, 1990),
              final("My order number is 41273.", 1800), _vad(K.SPEECH_END, 3500),
              final("Where is my parcel?", 3700), _vad(K.SPEECH_START, 9000, 8990),
              _vad(K.SPEECH_END, 9500), final("(coughing)", 9700)]
    down, _ = await run_test(proc, frames_to_send=frames)
    finals = [(f.text, f.continues) for f in down
              if isinstance(f, CallerTranscriptFrame) and f.kind == "final"]
    assert finals == [("My order number is 41273. Where is my parcel?", False), ("(coughing)", False)]


async def test_adapter_lets_a_deferred_fragment_stand_alone_when_the_caller_only_coughed():
    from pipecat.tests.utils import run_test

    from pipeline.clock import ManualClock
    from pipeline.events import CallLog
    from pipeline.frames import CallerTranscriptFrame
    from pipeline.processors.base import CallContext
    from pipeline.processors.interruption import InterruptionProcessor
    from pipeline.vad import VadEventKind as K

    proc = InterruptionProcessor(CallContext("t", ManualClock(2600.0), CallLog()), P)
    frames = [_vad(K.SPEECH_START, 40), _vad(K.SPEECH_END, 1700), _vad(K.SPEECH_START, 2000, 1990),
              CallerTranscriptFrame(text="My order number is 41273.", kind="final", at_ms=0.0,
                                    speech_start_ms=0.0, turn_end_ms=1800),
              _vad(K.SPEECH_END, 2300),
              CallerTranscriptFrame(text="(coughing)", kind="final", at_ms=0.0, speech_start_ms=1990,
                                    turn_end_ms=2800)]
    down, _ = await run_test(proc, frames_to_send=frames)
    finals = [f.text for f in down if isinstance(f, CallerTranscriptFrame) and f.kind == "final"]
    assert finals == ["My order number is 41273."]
