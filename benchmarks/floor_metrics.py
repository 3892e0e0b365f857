"""Who held the floor, measured: barge-ins judged by what was heard, talk-overs, early turn ends.

Pure functions over ``report.json`` records and WAV arrays, like :mod:`benchmarks.metrics`. Every
time is ms of call time.

Why a barge-in is classified from what was *heard* (the recognised words and the sound's length)
and not from the scenario's reference text: a user's own scenario plays clips without text, and
then every real barge-in was scored as a noise. The pipeline's rule is the same one (a real word,
or speech long enough, means the caller wants the floor), so the bench asks whether the agent
did what its own ears should have made it do; where the reference text would classify otherwise,
the row says so (``reference_disagrees``).
"""

from __future__ import annotations

import math

import numpy as np

from benchmarks import wavmetrics
from pipeline.interruption import real_words

# Speech this long is a request even when no word was recognised (the controller's own rule,
# ``InterruptionParams.confirm_speech_ms``, less the VAD hangover it includes).
SPEECH_MS = 800.0
# Agent audio after at least this much agent silence is a *start* (a reply or a resume), not the
# gap between two words or clauses (Piper's clause gaps here are < 250 ms).
AGENT_START_GAP_MS = 300.0
# A turn whose end came this close to the longest wait (VAD turn end + the trailing wait) waited
# for the timeout: a "missed end".
MISSED_END_SLACK_MS = 60.0
MERGE_SLACK_MS = 400.0  # as metrics.MATCH_SLACK_MS: events near the clip belong to it


def heard_as_speech(utt: dict) -> bool:
    """The caller's sound was a request for the floor: a real word was recognised (not a
    backchannel, filler or sound tag), or it lasted ``SPEECH_MS``."""
    texts = [utt.get("transcript") or ""] + [p.get("text", "") for p in utt.get("partials") or []]
    if any(real_words(t) for t in texts):
        return True
    on, end = utt.get("speech_onset_ms"), utt.get("speech_end_ms")
    return on is not None and end is not None and end - on >= SPEECH_MS


def reference_says_speech(reference_text: str | None) -> bool | None:
    """What the scenario's reference text says (None when it has none)."""
    return None if reference_text is None else bool(real_words(reference_text))


def agent_starts_ms(agent_pcm: np.ndarray) -> list[float]:
    """Every moment agent audio begins after ``AGENT_START_GAP_MS`` of agent silence."""
    act = wavmetrics.active_windows(agent_pcm)
    need = int(AGENT_START_GAP_MS // wavmetrics.WINDOW_MS)
    out, quiet = [], need  # the call starts in silence
    for i, a in enumerate(act):
        if a and quiet >= need:
            out.append(float(i * wavmetrics.WINDOW_MS))
        quiet = 0 if a else quiet + 1
    return out


# A talk-over whose two voices sounded together at least this long is one the caller heard as
# being talked over; a shorter one is a reply begun in the caller's pause and stopped as they
# went on (floor control's pause), counted all the same.
OVERLAP_HEARD_MS = 100.0


def talk_overs(utts: list[dict], agent_pcm: np.ndarray, caller_pcm: np.ndarray | None = None) -> list[dict]:
    """Agent audio that *started* while a caller clip was audible (between its first and last
    audible window). ``overlap_ms``: from that start to the clip's end, the time both were
    audible (agent audio alone without ``caller_pcm``)."""
    act = wavmetrics.active_windows(agent_pcm)
    both = act
    if caller_pcm is not None:
        caller = wavmetrics.active_windows(caller_pcm)
        n = min(len(act), len(caller))
        both = act[:n] & caller[:n]
    w = wavmetrics.WINDOW_MS
    out = []
    for start in agent_starts_ms(agent_pcm):
        for u in utts:
            on, end = u.get("speech_onset_ms"), u.get("speech_end_ms")
            if on is None or end is None or not on <= start < end - w:
                continue
            overlap = int(np.count_nonzero(both[int(start // w):int(math.ceil(end / w))])) * w
            out.append({"index": u["index"], "agent_start_ms": start, "caller_end_ms": end,
                        "overlap_ms": float(overlap), "heard": overlap >= OVERLAP_HEARD_MS})
    return out


def turn_ends(utt: dict, events: list[dict], longest_wait_ms: float) -> dict:
    """How the pipeline ended this utterance's turn(s).

    ``early_ends``: turns ended inside the utterance (finals − 1); ``merged``: of those, how many
    the floor controller joined back into one turn; ``false_cutoff``: the utterance still reached
    the dialogue as more than one turn; ``missed_end``: the (last) turn waited for the longest
    timeout.
    """
    lo, hi = utt["caller_start_ms"] - MERGE_SLACK_MS, utt["caller_end_ms"] + MERGE_SLACK_MS
    finals = [e for e in events if e["type"] == "FinalLogged" and lo <= e["speech_start_ms"] <= hi]
    merges = [e for e in events if e["type"] == "InterruptionLogged" and e["decision"] in ("merge", "defer")
              and lo <= e["at_ms"] <= hi + longest_wait_ms]
    end = utt.get("speech_end_ms")
    end = utt["caller_end_ms"] if end is None else end
    last = finals[-1] if finals else None
    waited = None if last is None else last["turn_end_ms"] - end
    early = max(0, len(finals) - 1)
    merged = min(early, len(merges))
    return {"index": utt["index"], "finals": len(finals), "early_ends": early, "merged": merged,
            "false_cutoff": early - merged > 0,
            "endpointing_ms": None if waited is None else round(waited, 1),
            "missed_end": waited is not None and waited >= longest_wait_ms - MISSED_END_SLACK_MS}


def barge_in_outcome(utt: dict, speech: bool) -> dict:
    """A barge-in's result in full-duplex terms: for speech, did the agent stop and yield
    (``success``: paused and cut, not resumed); for a backchannel or noise, did it keep talking
    (``no_stop``: never paused) and never drop its reply (``not_cut``)."""
    stopped = utt.get("interruption_latency_ms") is not None or utt.get("interruption_outcome") is not None
    outcome = utt.get("interruption_outcome")
    ref = reference_says_speech(utt.get("reference_text"))
    return {"index": utt["index"], "speech": speech, "stopped": stopped, "outcome": outcome,
            "success": speech and stopped and outcome in ("cancel", "merge"),
            "no_stop": not speech and not stopped,
            "not_cut": not speech and outcome not in ("cancel", "merge"),
            "reference_disagrees": ref is not None and ref != speech}


def summary(rows_by_run: list[dict]) -> dict:
    """One side's floor figures over its runs' ``floor`` analyses."""
    overs = [t for a in rows_by_run for t in a["talk_overs"]]
    ends = [t for a in rows_by_run for t in a["turn_ends"]]
    bi = [b for a in rows_by_run for b in a["barge_ins"]]
    speech = [b for b in bi if b["speech"]]
    other = [b for b in bi if not b["speech"]]

    def rate(k: int, n: int) -> float | None:
        return round(k / n, 4) if n else None

    ok = sum(1 for b in speech if b["success"])
    no_stop = sum(1 for b in other if b["no_stop"])
    false_cut = sum(1 for t in ends if t["false_cutoff"])
    missed = sum(1 for t in ends if t["missed_end"])
    return {
        "talk_overs": len(overs), "talk_over_ms": sorted(t["overlap_ms"] for t in overs),
        "talk_overs_heard": sum(1 for t in overs if t.get("heard", True)),
        "talk_over_detail": overs,
        "utterances": len(ends), "early_turn_ends": sum(t["early_ends"] for t in ends),
        "merged_turn_ends": sum(t["merged"] for t in ends),
        "false_cutoffs": false_cut, "false_cutoff_rate": rate(false_cut, len(ends)),
        "missed_ends": missed, "missed_end_rate": rate(missed, len(ends)),
        "interruption_success": {"success": ok, "n": len(speech), "rate": rate(ok, len(speech))},
        "backchannel_without_stop": {"no_stop": no_stop, "n": len(other), "rate": rate(no_stop, len(other)),
                                     "cut": sum(1 for b in other if not b["not_cut"])},
        "barge_in_class_vs_reference": [b for b in bi if b["reference_disagrees"]],
    }
