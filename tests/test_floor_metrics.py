"""The bench's floor figures (talk-overs, turn ends, barge-in classes) and its preflight check."""

from pathlib import Path

import numpy as np

from benchmarks import bench, floor_metrics, preflight

RATE = 16_000


def tone(ms: float) -> np.ndarray:
    n = int(ms * RATE / 1000)
    return (0.3 * 32767 * np.sin(2 * np.pi * 440 * np.arange(n) / RATE)).astype(np.int16)


def silence(ms: float) -> np.ndarray:
    return np.zeros(int(ms * RATE / 1000), dtype=np.int16)


def utt(index, start, end, transcript="", barge_in=False, **kw):
    return {"index": index, "caller_start_ms": start, "caller_end_ms": end, "speech_onset_ms": start,
            "speech_end_ms": end, "transcript": transcript, "partials": [], "barge_in": barge_in,
            "reference_text": None, **kw}


# ---------------------------------------------------------------- barge-ins judged by what was heard


def test_a_barge_in_with_real_words_is_speech_even_without_reference_text():
    assert floor_metrics.heard_as_speech(utt(0, 0, 600, "Sorry, I want a refund."))


def test_backchannels_sound_tags_and_silence_are_not_speech():
    for text in ("Mm-hmm.", "(coughing)", "", "Okay.", "[knocking]"):
        assert not floor_metrics.heard_as_speech(utt(0, 0, 500, text)), text


def test_long_sound_counts_as_speech_without_words():
    assert floor_metrics.heard_as_speech(utt(0, 0, floor_metrics.SPEECH_MS + 20, ""))
    assert not floor_metrics.heard_as_speech(utt(0, 0, floor_metrics.SPEECH_MS - 100, ""))


def test_a_partial_with_a_real_word_counts():
    u = utt(0, 0, 300, "")
    u["partials"] = [{"at_ms": 200, "text": "wait"}]
    assert floor_metrics.heard_as_speech(u)


def test_barge_in_outcome_and_reference_disagreement():
    speech = utt(1, 0, 900, "I want a refund", barge_in=True, interruption_latency_ms=20.0,
                 interruption_outcome="cancel", reference_text="mm-hmm")
    row = floor_metrics.barge_in_outcome(speech, True)
    assert row["success"] and row["reference_disagrees"]
    noise = utt(2, 0, 300, "", barge_in=True, interruption_latency_ms=None, interruption_outcome=None)
    row = floor_metrics.barge_in_outcome(noise, False)
    assert row["no_stop"] and row["not_cut"] and not row["success"]
    paused = utt(3, 0, 300, "", barge_in=True, interruption_latency_ms=18.0, interruption_outcome="resume")
    row = floor_metrics.barge_in_outcome(paused, False)
    assert not row["no_stop"] and row["not_cut"]


# ---------------------------------------------------------------- talk-overs from the WAV


def test_agent_starting_inside_the_callers_speech_is_a_talk_over():
    # agent: greeting 0-1000, reply starts at 2400 (caller speaks 1500-3000) and runs to 3600
    agent = np.concatenate([tone(1000), silence(1400), tone(1200), silence(400)])
    utts = [utt(0, 1500, 3000)]
    overs = floor_metrics.talk_overs(utts, agent)
    assert len(overs) == 1
    assert overs[0]["agent_start_ms"] == 2400.0 and overs[0]["overlap_ms"] == 600.0


def test_overlap_counts_only_when_both_voices_sound():
    # the reply starts at 2400 in the caller's pause (1500-2000 speech, 2000-2600 silence,
    # 2600-3000 speech); the agent stops at 2620 as the caller goes on
    agent = np.concatenate([silence(2400), tone(220), silence(1380)])
    caller = np.concatenate([silence(1500), tone(500), silence(600), tone(400), silence(1000)])
    (over,) = floor_metrics.talk_overs([utt(0, 1500, 3000)], agent, caller)
    assert over["agent_start_ms"] == 2400.0 and over["overlap_ms"] == 20.0 and not over["heard"]
    agent = np.concatenate([silence(2400), tone(600), silence(1000)])  # talks on over the caller
    (over,) = floor_metrics.talk_overs([utt(0, 1500, 3000)], agent, caller)
    assert over["overlap_ms"] == 400.0 and over["heard"]


def test_reply_after_the_caller_and_short_word_gaps_are_not_talk_overs():
    # caller 500-1500; reply at 1800 with a 100 ms gap between words
    agent = np.concatenate([silence(1800), tone(400), silence(100), tone(400)])
    assert floor_metrics.talk_overs([utt(0, 500, 1500)], agent) == []
    # a barge-in: the agent was already talking when the caller began, then stops at once
    agent = np.concatenate([tone(2000), silence(1000)])
    assert floor_metrics.talk_overs([utt(0, 1000, 2500, barge_in=True)], agent) == []


# ---------------------------------------------------------------- turn ends


def final(text, start, turn_end):
    return {"type": "FinalLogged", "text": text, "at_ms": turn_end + 100, "turn_end_ms": turn_end,
            "speech_start_ms": start, "asr_ms": 50}


def test_split_utterance_is_a_false_cutoff_unless_merged():
    u = utt(0, 1000, 4000)
    events = [final("My order is 10452.", 1000, 2300), final("and where is it?", 2800, 4300)]
    row = floor_metrics.turn_ends(u, events, 900)
    assert row["early_ends"] == 1 and row["false_cutoff"] and not row["missed_end"]
    merged = events + [{"type": "InterruptionLogged", "decision": "merge", "at_ms": 3200}]
    row = floor_metrics.turn_ends(u, merged, 900)
    assert row["merged"] == 1 and not row["false_cutoff"]


def test_a_turn_that_waited_the_longest_timeout_is_a_missed_end():
    u = utt(0, 1000, 2000)
    assert floor_metrics.turn_ends(u, [final("my email is", 1000, 2890)], 900)["missed_end"]
    assert not floor_metrics.turn_ends(u, [final("Where is it?", 1000, 2250)], 900)["missed_end"]


def test_analyse_run_reports_floor_figures_and_classifies_an_audio_only_barge_in():
    agent = np.concatenate([tone(3000), silence(3000)])
    report = {"scenario": "x", "events": [final("Hi.", 0, 900)], "caller": [
        utt(0, 1500, 2600, "Stop, I need to change my address.", barge_in=True,
            interruption_latency_ms=20.0, interruption_latency_wav_ms=40.0,
            interruption_outcome="cancel")]}
    a = bench.analyse_run(report, agent)
    assert a["interruption"] == [20.0] and a["false_interruptions"] == []
    s = floor_metrics.summary([a["floor"]])
    assert s["interruption_success"] == {"success": 1, "n": 1, "rate": 1.0}
    assert s["talk_overs"] == 0


# ---------------------------------------------------------------- preflight


def test_preflight_names_a_missing_module(monkeypatch, tmp_path: Path):
    monkeypatch.setattr(preflight, "_MODULES", (("no_such_module_xyz", "the plots"),))
    problems = preflight.check([], baseline=False, out=tmp_path)
    assert [p.what for p in problems] == ["Python module 'no_such_module_xyz' (the plots)"]
    assert "setup.sh" in problems[0].fix


def test_preflight_passes_here_and_wants_espeak_only_for_text_lines(monkeypatch, tmp_path):
    assert preflight.missing_modules(baseline=True) == []

    class Line:
        def __init__(self, audio, text):
            self.audio, self.text = audio, text

    class Sc:
        turns = (Line(Path("a.wav"), "ref"),)
        answers = (Line(None, "Yes, please."),)

    assert preflight.needs_caller_voice([Sc()])
    Sc.answers = ()
    assert not preflight.needs_caller_voice([Sc()])
    monkeypatch.setattr(preflight.shutil, "which", lambda _: None)
    Sc.answers = (Line(None, "Yes."),)
    assert any("espeak-ng" in p.what for p in preflight.check([Sc()], False, tmp_path))


def test_bench_fails_in_a_second_when_a_dependency_is_missing(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(preflight, "_MODULES", (("no_such_module_xyz", "the plots"),))
    scenario = Path(bench.SUITE_DIR / "smoke.yaml")
    rc = bench.run_bench([scenario], runs=1, out=tmp_path / "b")
    assert rc == 2 and "no_such_module_xyz" in capsys.readouterr().err
    assert not (tmp_path / "b" / "bench.json").exists()


def test_bench_md_shows_the_floor_rows(tmp_path):
    from benchmarks.bench_md import render_markdown

    agent = np.concatenate([tone(3000), silence(3000)])
    report = {"scenario": "x", "events": [final("Hi.", 0, 900)], "caller": [
        utt(0, 1500, 2600, "Stop, I need to change my address.", barge_in=True,
            interruption_latency_ms=20.0, interruption_latency_wav_ms=40.0, interruption_outcome="cancel")]}
    run = bench.RunResult("x", "ours", 1, tmp_path)
    run.analysis = bench.analyse_run(report, agent)
    b = {"started": "now", "command": "voice-agent bench", "git": {"commit": "abc", "dirty": False},
         "machine": {"cpu": "cpu", "cores": 2, "loadavg_before": [1.0], "loadavg_after": [1.0]},
         "runs_per_scenario": 1, "scenarios": ["x"], "concurrency": 1, "elapsed_s": 1.0, "runs": [],
         "ours": bench.summarise([run])}
    md = render_markdown(b)
    assert "| talk-overs (agent starts while the caller speaks) / of them ≥ 100 ms together | 0 / 0 |" in md
    assert "| interruption success (speech barge-ins that stopped the agent) | 1/1 |" in md
    assert "| false cutoffs (utterance answered as several turns) | 0/0 (–) |" in md
