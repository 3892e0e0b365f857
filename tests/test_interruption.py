"""The interruption controller as a pure state machine: every path, on virtual time."""

import pytest

from pipeline import interruption as ic

P = ic.InterruptionParams(confirm_speech_ms=700, transcript_wait_ms=900)


def run(events):
    state, decisions = ic.InterruptionState(), []
    for e in events:
        state, d = ic.step(state, e, P)
        decisions.append(d)
    return state, decisions


def test_speech_over_silent_agent_is_just_a_turn():
    # (floor control: the caller's voice holds the floor, so no reply starts over it; the
    # hold is released when the speech ends, before any final transcript reaches the dialogue)
    state, ds = run([ic.CallerOnset(10, 0), ic.CallerSpeechStarted(60, 0), ic.Tick(2000),
                     ic.CallerSpeechEnded(2300)])
    assert ds == [ic.Decision.HOLD, ic.Decision.NONE, ic.Decision.NONE, ic.Decision.RELEASE]
    assert state.floor == ic.Floor.AGENT_SILENT


def test_onset_pauses_then_long_speech_cancels():
    state, ds = run([ic.AgentStarted(0), ic.CallerOnset(1020, 1000), ic.CallerSpeechStarted(1090, 1030),
                     ic.Tick(1500), ic.Tick(1700)])
    assert ds[1] == ic.Decision.PAUSE
    assert ds[2:4] == [ic.Decision.NONE, ic.Decision.NONE]
    assert ds[4] == ic.Decision.CANCEL  # 700 ms after the (earlier) level onset
    # the caller is still talking: the floor stays theirs (no reply starts) until they stop
    assert state.floor == ic.Floor.CALLER_HOLDS


def test_real_word_in_partial_cancels_before_confirmation():
    _, ds = run([ic.AgentStarted(0), ic.CallerSpeechStarted(1000, 990),
                 ic.CallerWords(1300, "Wait, no", segment_final=False)])
    assert ds == [ic.Decision.NONE, ic.Decision.PAUSE, ic.Decision.CANCEL]


@pytest.mark.parametrize("said", ["Uh-huh.", "Mm-hmm", "okay", "Right.", "Yeah.", "(coughing)", "",
                                  "[knocking]"])
def test_backchannel_or_noise_resumes(said):
    state, ds = run([ic.AgentStarted(0), ic.CallerOnset(1000, 990), ic.CallerSpeechStarted(1050, 990),
                     ic.CallerSpeechEnded(1400), ic.CallerWords(1500, said, segment_final=True)])
    assert ds[1] == ic.Decision.PAUSE
    assert ds[-1] == ic.Decision.RESUME
    assert state.floor == ic.Floor.AGENT_SPEAKING


def test_short_real_word_cancels_after_burst():
    _, ds = run([ic.AgentStarted(0), ic.CallerSpeechStarted(1000, 990), ic.CallerSpeechEnded(1300),
                 ic.CallerWords(1400, "Stop.", segment_final=True)])
    assert ds[-1] == ic.Decision.CANCEL


def test_onset_not_confirmed_by_model_resumes():
    state, ds = run([ic.AgentStarted(0), ic.CallerOnset(1000, 980), ic.CallerOnsetRejected(1160)])
    assert ds[1:] == [ic.Decision.PAUSE, ic.Decision.RESUME]
    assert state.floor == ic.Floor.AGENT_SPEAKING


def test_missing_transcript_resumes_after_wait():
    _, ds = run([ic.AgentStarted(0), ic.CallerSpeechStarted(1000, 990), ic.CallerSpeechEnded(1200),
                 ic.Tick(1800), ic.Tick(2150)])
    assert ds[-2:] == [ic.Decision.NONE, ic.Decision.RESUME]


def test_caller_starts_again_while_checking_stays_paused():
    _, ds = run([ic.AgentStarted(0), ic.CallerSpeechStarted(1000, 990), ic.CallerSpeechEnded(1200),
                 ic.CallerSpeechStarted(1300, 1290), ic.Tick(1800)])
    assert ds[-2] == ic.Decision.NONE
    assert ds[-1] == ic.Decision.CANCEL  # 700 ms since the first onset, still talking


def test_agent_finishing_resets():
    state, _ = run([ic.AgentStarted(0), ic.AgentFinished(500)])
    assert state.floor == ic.Floor.AGENT_SILENT


@pytest.mark.parametrize("text,words", [
    ("Sorry, actually I want a refund", 6), ("uh-huh", 0), ("Yeah, right.", 0), ("okay so wait", 2),
    ("♪ music ♪", 0), ("No.", 1), ("Uh-fuh.", 0), ("Mm-hm", 0), ("mhmm", 0), ("Um, order", 1),
    ("Hmm.", 0), ("Oh wait", 1), ("Much", 1), ("Please.", 0), ("Please wait", 1)])
def test_real_words(text, words):
    assert len(ic.real_words(text)) == words
