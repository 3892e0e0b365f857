"""Clause splitting, heard-text computation and the playout buffer."""

import numpy as np

from pipeline.clauses import heard_prefix, split_clauses
from pipeline.devices import FRAME_SAMPLES
from pipeline.playout import Playout, PlayoutEventKind

REPLY = ("I've checked your parcel, and it left Shenzhen on the tenth. "
         "It should reach you by Friday. Anything else?")


def test_clauses_cover_reply_in_order():
    clauses = split_clauses(REPLY)
    assert [c.text for c in clauses] == [
        "I've checked your parcel,", "and it left Shenzhen on the tenth.",
        "It should reach you by Friday.", "Anything else?"]
    for c in clauses:
        assert REPLY[c.start:c.end] == c.text


def test_short_lead_is_not_split_off():
    assert [c.text for c in split_clauses("Yes, I can do that.")] == ["Yes, I can do that."]


def test_empty_and_unpunctuated():
    assert split_clauses("") == []
    assert [c.text for c in split_clauses("no punctuation at all")] == ["no punctuation at all"]


def test_heard_prefix_snaps_to_whole_words():
    clauses = split_clauses(REPLY)
    second = clauses[1]
    heard = heard_prefix(REPLY, second, 0.5)
    assert REPLY.startswith(heard)
    assert heard.startswith("I've checked your parcel, and it")
    assert not heard.endswith("Shenz")
    assert heard_prefix(REPLY, second, 1.0) == REPLY[:second.end]
    assert heard_prefix(REPLY, clauses[0], 0.0) == ""


def _pcm(ms):
    return (np.ones(int(ms * 16)) * 1000).astype(np.int16)


def _drain(playout, frames):
    events = []
    for _ in range(frames):
        _, ev = playout.next_frame()
        events += ev
    return events


def test_playout_plays_pauses_resumes_and_finishes():
    clauses = split_clauses(REPLY)
    p = Playout()
    for i, c in enumerate(clauses):
        p.add_clause(1, REPLY, c, _pcm(200), last=i == len(clauses) - 1)
    events = _drain(p, 3)
    assert [e.kind for e in events] == [PlayoutEventKind.STARTED]
    paused = p.pause()
    assert paused.kind == PlayoutEventKind.PAUSED
    silent, _ = p.next_frame()
    assert silent == bytes(FRAME_SAMPLES * 2)
    assert p.resume().kind == PlayoutEventKind.RESUMED
    events = _drain(p, 60)
    assert events[-1].kind == PlayoutEventKind.FINISHED
    assert events[-1].heard_text == REPLY
    assert not p.speaking


def test_playout_cut_reports_what_was_heard():
    clauses = split_clauses(REPLY)
    p = Playout()
    for i, c in enumerate(clauses):
        p.add_clause(7, REPLY, c, _pcm(400), last=i == len(clauses) - 1)
    _drain(p, 30)  # 600 ms: all of clause 1, half of clause 2
    (cut,) = p.cancel()
    assert cut.kind == PlayoutEventKind.CUT
    assert cut.heard_text.startswith("I've checked your parcel, and")
    assert "Friday" not in cut.heard_text
    assert p.next_frame() == (bytes(FRAME_SAMPLES * 2), [])


def test_playout_waits_for_late_clause_without_finishing():
    clauses = split_clauses(REPLY)
    p = Playout()
    p.add_clause(1, REPLY, clauses[0], _pcm(40), last=False)
    events = _drain(p, 5)
    assert PlayoutEventKind.FINISHED not in [e.kind for e in events]
    assert p.speaking
    p.add_clause(1, REPLY, clauses[1], _pcm(40), last=True)
    events = _drain(p, 5)
    assert [e.kind for e in events] == [PlayoutEventKind.FINISHED]
