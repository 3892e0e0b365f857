"""The latency lab's arithmetic on synthetic inputs with known answers."""

import math

import numpy as np
import pytest

from benchmarks import metrics

RATE = 16_000


def tone(ms: float, amp: float = 0.3) -> np.ndarray:
    n = int(ms * RATE / 1000)
    return (amp * 32767 * np.sin(2 * np.pi * 440 * np.arange(n) / RATE)).astype(np.int16)


def silence(ms: float) -> np.ndarray:
    return np.zeros(int(ms * RATE / 1000), dtype=np.int16)


# ---------------------------------------------------------------- percentiles


def test_percentiles_known_values():
    p = metrics.percentiles(range(1, 101))
    assert p == {"p50": 50.5, "p95": 95.0, "p99": 99.0, "max": 100.0, "n": 100}


def test_percentiles_skip_none_and_empty():
    assert metrics.percentiles([None, 10.0, None])["n"] == 1
    assert metrics.percentiles([10.0])["p95"] == 10.0
    assert metrics.percentiles([None]) == {"p50": None, "p95": None, "p99": None, "max": None, "n": 0}


# ---------------------------------------------------------------- WER


@pytest.mark.parametrize("ref,hyp", [
    ("Hi, can you tell me where my order is?", "hi can you tell me where my order is"),
    ("one oh four five two", "10452"),
    ("one oh four five two", "1, 0, 4, 5, 2"),
    ("The order is 10,452.", "the order is one zero four five two"),
    ("held since the tenth of November", "held since the 10th of November"),
    ("twenty three euros", "23 euros"),
    ("two hundred and five", "205"),
    ("mm-hmm", "Mm-hmm."),
    ("I'll call back", "Ill call back"),
])
def test_normalisation_makes_equivalent_texts_equal(ref, hyp):
    assert metrics.normalize_words(ref) == metrics.normalize_words(hyp)


def test_oh_is_a_word_outside_numbers():
    assert metrics.normalize_words("Oh, one two") == ["oh", "1", "2"]


def test_edit_distance_counts_each_edit():
    assert metrics.edit_distance(["a", "b", "c", "d"], ["a", "x", "c", "d"]) == 1  # substitution
    assert metrics.edit_distance(["a", "b", "c", "d"], ["a", "c", "d"]) == 1  # deletion
    assert metrics.edit_distance(["a", "b", "c", "d"], ["a", "b", "c", "d", "e", "f"]) == 2  # insertions
    assert metrics.edit_distance([], ["a", "b"]) == 2


def test_wer_is_corpus_level():
    w = metrics.wer([("the parcel is late", "the parcel is lake"),  # 1 of 4
                     ("refund please", ""),  # 2 of 2
                     (None, "ignored")])  # no reference: not counted
    assert w == {"wer": 0.5, "edits": 3, "ref_words": 6, "n": 2}
    assert metrics.wer([])["wer"] is None


# ---------------------------------------------------------------- intents, backchannels


def test_intent_accuracy():
    utts = [{"expect_intent": "order_status", "intent": "order_status"},
            {"expect_intent": "goodbye", "intent": "other"},
            {"expect_intent": None, "intent": "greet"}]
    assert metrics.intent_accuracy(utts) == {"accuracy": 0.5, "correct": 1, "n": 2}


@pytest.mark.parametrize("text,expected", [
    (None, True), ("mm-hmm", True), ("Uh-huh.", True), ("okay", True), ("yeah right", True),
    ("Sorry, actually I want a refund.", False), ("No.", False),
])
def test_backchannel_classification(text, expected):
    assert metrics.is_backchannel(text) is expected


# ---------------------------------------------------------------- false interruptions


def _audio(kind, at, rid=1):
    return {"type": "AgentAudioLogged", "kind": kind, "reply_id": rid, "at_ms": at, "heard_text": ""}


def _clause(rid, at, audio_ms):
    return {"type": "ClauseLogged", "reply_id": rid, "index": 0, "at_ms": at, "tts_ms": 0.0,
            "audio_ms": audio_ms}


UTT = {"index": 0, "caller_start_ms": 1800.0, "reference_text": "mm-hmm", "transcript": "", "intent": None}


def test_pause_then_resume_is_not_a_false_interruption():
    events = [_clause(1, 400, 3000), _audio("started", 500), _audio("paused", 2000),
              _audio("resumed", 2300), _audio("finished", 3800)]
    r = metrics.false_interruption(UTT, math.inf, events)
    assert r["stopped"] and r["resumed"] and not r["cut"] and not r["false"]
    assert r["paused_ms"] == 300.0 and r["lost_ms"] == 0.0


def test_cut_reply_is_a_false_interruption_and_counts_lost_audio():
    # 3000 ms synthesized; played 500 -> 2000 (1500 ms); the rest, 1500 ms, is lost.
    events = [_clause(1, 400, 1000), _clause(1, 600, 2000), _audio("started", 500), _audio("cut", 2000)]
    r = metrics.false_interruption(UTT, math.inf, events)
    assert r["stopped"] and r["cut"] and not r["resumed"] and r["false"]
    assert r["lost_ms"] == 1500.0
    s = metrics.false_interruption_summary([r, {**r, "false": False, "cut": False, "stopped": False}])
    assert s["rate"] == 0.5 and s["n"] == 2 and s["cut"] == 1


def test_agent_that_carries_on_is_not_stopped():
    events = [_audio("started", 500), _audio("finished", 4000)]
    r = metrics.false_interruption(UTT, math.inf, events)
    assert not r["stopped"] and not r["false"]


# ---------------------------------------------------------------- stage attribution


def test_stages_sum_to_the_response_latency():
    utt = {"speech_end_ms": 1000.0, "caller_end_ms": 1200.0, "turn_end_ms": 1500.0, "final_ms": 1620.0,
           "reply_decided_ms": 1640.0, "response_latency_ms": 900.0}
    events = [{"type": "ReplyLogged", "reply_id": 3, "at_ms": 1640.0},
              {"type": "ClauseLogged", "reply_id": 3, "at_ms": 1850.0, "index": 0},
              {"type": "ClauseLogged", "reply_id": 3, "at_ms": 2500.0, "index": 1}]
    st = metrics.stage_breakdown(utt, events)
    assert st == {"endpointing": 500.0, "final_recognition": 120.0, "dialogue": 20.0,
                  "first_audio": 210.0, "output": 50.0}
    assert sum(st.values()) == utt["response_latency_ms"]
    assert metrics.stage_breakdown({**utt, "response_latency_ms": None}, events) is None


def test_split_turn_uses_the_reply_to_the_last_final():
    utt = {"index": 0, "caller_start_ms": 6000.0, "caller_end_ms": 9700.0, "speech_end_ms": 9500.0,
           "transcript": "Hi.", "intent": "greet", "response_latency_ms": 460.0}
    events = [
        {"type": "FinalLogged", "text": "Hi.", "at_ms": 9830.0, "turn_end_ms": 9830.0,
         "speech_start_ms": 7100.0},
        {"type": "ReplyLogged", "reply_id": 2, "text": "Tell me", "intent": "greet", "at_ms": 9834.0,
         "caller_text": "Hi."},
        _audio("started", 9960.0, 2), _audio("cut", 10370.0, 2),
        {"type": "FinalLogged", "text": "Where is my order?", "at_ms": 11170.0, "turn_end_ms": 11170.0,
         "speech_start_ms": 7600.0},
        {"type": "ReplyLogged", "reply_id": 3, "text": "So", "intent": "order_status", "at_ms": 11173.0,
         "caller_text": "Where is my order?"},
        _audio("started", 11250.0, 3),
    ]
    e = metrics.effective_utterance(utt, events)
    assert e["split_turns"] == 2
    assert e["response_latency_ms"] == 1750.0
    assert e["intent"] == "order_status" and e["transcript"] == "Hi. Where is my order?"
    assert metrics.effective_utterance({**utt}, events[:4])["split_turns"] == 1


# ---------------------------------------------------------------- events vs WAV


def test_wav_response_finds_the_first_active_window():
    agent = np.concatenate([silence(1400), tone(500), silence(300)])
    utt = {"index": 0, "speech_end_ms": 1000.0, "response_latency_ms": 400.0}
    assert metrics.wav_response_ms(utt, agent, math.inf) == (400.0, "")
    rows = metrics.agreement(utt, agent, math.inf)
    assert rows == [{"index": 0, "kind": "response", "events_ms": 400.0, "wav_ms": 400.0, "agree": True,
                     "reason": ""}]


def test_disagreement_names_digital_silence():
    agent = np.concatenate([silence(1400), tone(500)])
    utt = {"index": 2, "speech_end_ms": 1000.0, "response_latency_ms": 340.0}  # event 60 ms early
    (row,) = metrics.agreement(utt, agent, math.inf)
    assert not row["agree"] and "60 ms after" in row["reason"] and "digital silence" in row["reason"]


def test_disagreement_names_a_quiet_lead_in():
    agent = np.concatenate([silence(1300), tone(100, amp=0.003), tone(400)])  # ~ -53 dBFS lead-in
    utt = {"index": 1, "speech_end_ms": 1000.0, "response_latency_ms": 300.0}
    (row,) = metrics.agreement(utt, agent, math.inf)
    assert row["wav_ms"] == 400.0 and not row["agree"] and "quiet lead-in" in row["reason"]


def test_interruption_agreement_and_audio_after_the_event():
    agent = np.concatenate([tone(1500), silence(1000)])  # silent from 1500 ms
    base = {"index": 1, "barge_in": True, "speech_onset_ms": 1400.0, "response_latency_ms": None,
            "interruption_latency_wav_ms": 100.0}
    (ok,) = metrics.agreement({**base, "interruption_latency_ms": 80.0}, agent, math.inf)
    assert ok["agree"] and ok["kind"] == "interruption"
    (late,) = metrics.agreement({**base, "interruption_latency_ms": 40.0}, agent, math.inf)
    assert not late["agree"] and "continued 60 ms after" in late["reason"]
    (none,) = metrics.agreement({**base, "interruption_latency_ms": None}, agent, math.inf)
    assert not none["agree"] and "no pause/cut event" in none["reason"]


def test_talk_over_has_no_wav_response():
    agent = tone(2000)
    utt = {"index": 0, "speech_end_ms": 1000.0, "response_latency_ms": 500.0}
    latency, note = metrics.wav_response_ms(utt, agent, math.inf)
    assert latency is None and "already active" in note


def test_ratio():
    assert metrics.ratio(1500.0, 500.0) == 3.0
    assert metrics.ratio(None, 500.0) is None and metrics.ratio(100.0, 0.0) is None
