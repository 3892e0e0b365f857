import pytest

from pipeline.endpointing import AudioDeadline, Verdict, judge


@pytest.mark.parametrize("text,verdict", [
    ("Where is it?", Verdict.DEFAULT),  # 3 words: too short to trust the question mark
    ("Where is my parcel now?", Verdict.END_NOW),
    ("Sorry, actually I want a refund.", Verdict.DEFAULT),
    ("Hi, I ordered headphones two weeks ago.", Verdict.DEFAULT),
    ("Can you tell me where my parcel is?", Verdict.END_NOW),
    ("Yes, correct.", Verdict.DEFAULT),
    ("Yes.", Verdict.DEFAULT),
    ("Hello.", Verdict.DEFAULT),
    ("Thanks.", Verdict.DEFAULT),
    ("2.", Verdict.WAIT_LONGER),
    ("4, 5.", Verdict.WAIT_LONGER),
    ("one oh four", Verdict.WAIT_LONGER),
    ("2 4 8 7 6", Verdict.DEFAULT),
    ("10452.", Verdict.DEFAULT),
    ("No, that's all.", Verdict.DEFAULT),
    ("No.", Verdict.DEFAULT),
    ("I'd prefer a refund, please.", Verdict.DEFAULT),
    ("No, I'd like a refund and then I'll order again.", Verdict.DEFAULT),
    ("1, 4, 5, 2...", Verdict.WAIT_LONGER),  # trailing off
    ("My order number is", Verdict.WAIT_LONGER),
    ("my email is li dot wei at", Verdict.WAIT_LONGER),
    ("I bought a face mask and", Verdict.WAIT_LONGER),
    ("The post code is 1012,", Verdict.WAIT_LONGER),
    ("hello there", Verdict.DEFAULT),
    ("My post code is 10115", Verdict.END_NOW),
    ("my zip is 941", Verdict.DEFAULT),
    ("", Verdict.DEFAULT),
    # a question without its mark: not trailing off (measured: these waited 900 ms)
    ("I can you tell me where my order is", Verdict.DEFAULT),
    ("I moved house can i change the delivery address", Verdict.DEFAULT),
    ("I moved house and my new address is", Verdict.WAIT_LONGER),  # no question in it
    ("Where is my parcel? My order number is", Verdict.WAIT_LONGER),  # the question is over
])
def test_judge(text, verdict):
    assert judge(text) == verdict


def test_audio_deadline_counts_caller_audio_not_wall_time() -> None:
    d = AudioDeadline()
    for _ in range(5):
        assert not d.on_audio(20.0)
    pause_at = d.received_ms  # SPEECH_END decided in the fifth frame
    assert not d.arm(100.0, from_ms=pause_at, early_answer=True)
    # however long the loop takes, only frames that went through the VAD count; a frame's
    # decisions came before it, so the fifth frame after the pause ends the turn
    assert [d.on_audio(20.0) for _ in range(5)] == [False] * 4 + [True]
    assert d.due_ms is None  # fires once


def test_audio_deadline_counts_from_the_pause_not_from_when_it_was_armed() -> None:
    d = AudioDeadline()
    for _ in range(5):
        d.on_audio(20.0)
    # the pause was decided inside the frame about to arrive (a 32 ms VAD window ends there)
    assert not d.arm(80.0, from_ms=110.0, early_answer=True)
    assert [d.on_audio(20.0) for _ in range(5)] == [False] * 4 + [True]  # 200 >= 190


def test_audio_deadline_ends_at_once_when_the_wait_was_already_heard() -> None:
    d = AudioDeadline()
    for _ in range(20):
        d.on_audio(20.0)
    assert d.arm(100.0, from_ms=200.0, early_answer=True)  # 200 ms heard since the pause
    assert d.due_ms is None


def test_audio_deadline_onset_holds_an_early_answer_but_not_a_long_wait() -> None:
    d = AudioDeadline()
    d.on_audio(20.0)
    assert not d.arm(100.0, early_answer=True)
    d.on_onset(d.received_ms + 20.0)
    assert d.due_ms is None
    assert not any(d.on_audio(20.0) for _ in range(20))
    # an onset heard after the pause but before the recognition was ready: no early end either
    pause_at = d.received_ms
    d.on_onset(pause_at + 20.0)
    for _ in range(10):
        d.on_audio(20.0)
    assert not d.arm(100.0, from_ms=pause_at, early_answer=True)
    assert d.due_ms is None
    # an onset before the pause (the words the pause ended) does not hold it
    assert not d.arm(100.0, from_ms=d.received_ms, early_answer=True)
    assert d.due_ms is not None
    d.cancel()
    # a long wait (after a trailing "my order number is...") is not held by a level onset
    assert not d.arm(400.0)
    d.on_onset(d.received_ms + 20.0)
    assert d.due_ms is not None
    d.cancel()
    assert d.due_ms is None
