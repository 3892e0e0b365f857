"""The latency lab's arithmetic: pure functions over report records, WAV arrays and numbers.

Nothing here runs a call or reads a file. Every time is ms of call time. Inputs are the records
of ``report.json`` (see ``agent/simulation/report.py``); outputs are plain dicts ready for ``bench.json``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence

import numpy as np

from benchmarks import wavmetrics

AGREE_MS = 30.0  # events and WAV must agree within this

# Utterances that are not a request: when cut into agent speech they must not stop the agent.
BACKCHANNEL_WORDS = frozenset({
    "mm", "hmm", "mhm", "mmhmm", "uh", "huh", "uhhuh", "um", "ok", "okay", "right", "yeah", "yep",
    "yes", "aha", "ah", "oh", "sure", "alright", "i", "see",
})  # fmt: skip


# ---------------------------------------------------------------- percentiles


def percentiles(values: Iterable[float | None]) -> dict[str, float | int | None]:
    """``{p50, p95, p99, max, n}`` of the non-None values (linear interpolation); None when empty."""
    xs = sorted(float(v) for v in values if v is not None and not math.isnan(float(v)))
    if not xs:
        return {"p50": None, "p95": None, "p99": None, "max": None, "n": 0}
    arr = np.asarray(xs)
    return {"p50": round(float(np.percentile(arr, 50)), 1), "p95": round(float(np.percentile(arr, 95)), 1),
            "p99": round(float(np.percentile(arr, 99)), 1), "max": round(xs[-1], 1), "n": len(xs)}


# ---------------------------------------------------------------- word error rate

_UNITS = {"zero": 0, "oh": 0, "o": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
          "seven": 7, "eight": 8, "nine": 9}
_TEENS = {"ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
          "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
         "eighty": 80, "ninety": 90}
_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
             "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
             "fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18,
             "nineteenth": 19, "twentieth": 20, "thirtieth": 30}


def _is_number_word(word: str, prev_is_number: bool) -> bool:
    if word in ("o", "oh"):  # "oh" is a digit only inside a run of digits ("one oh four")
        return prev_is_number
    return word in _UNITS or word in _TEENS or word in _TENS or word in ("hundred", "thousand")


def _numbers_from_words(run: list[str]) -> list[int]:
    """A run of number words as numbers: "twenty three" -> [23], "one oh four" -> [1, 0, 4],
    "two hundred and five" -> [205]."""
    out: list[int] = []
    after_mult: int | None = None  # the previous word was "hundred" (100) or "thousand" (1000)
    i = 0
    while i < len(run):
        w = run[i]
        if w in ("hundred", "thousand"):
            mult = 100 if w == "hundred" else 1000
            if out:
                out[-1] *= mult
            else:
                out.append(mult)
            after_mult = mult
            i += 1
            continue
        value = _TENS.get(w, _TEENS.get(w, _UNITS.get(w, 0)))
        if w in _TENS and i + 1 < len(run) and _UNITS.get(run[i + 1], 0) > 0:
            value += _UNITS[run[i + 1]]
            i += 1
        if after_mult is not None and out and value < after_mult:
            out[-1] += value
        else:
            out.append(value)
        after_mult = None
        i += 1
    return out


def normalize_words(text: str | None) -> list[str]:
    """Lower case, punctuation off, numbers as single digits (so "10452", "one oh four five two"
    and "10,452" all become ``1 0 4 5 2``; "tenth" and "10th" become ``1 0``)."""
    if not text:
        return []
    t = text.lower().replace("'", "").replace("\u2019", "")
    t = re.sub(r"(?<=\d)[,.](?=\d{3}\b)", "", t)  # thousands separators
    t = re.sub(r"(\d+)(st|nd|rd|th)\b", r"\1", t)
    t = re.sub(r"[^a-z0-9]+", " ", t)
    words: list[str] = []
    run: list[str] = []

    def flush() -> None:
        for n in _numbers_from_words(run):
            words.extend(str(n))
        run.clear()

    for w in t.split():
        if w in _ORDINALS:
            flush()
            words.extend(str(_ORDINALS[w]))
        elif _is_number_word(w, bool(run)):
            run.append(w)
        elif w == "and" and run and run[-1] in ("hundred", "thousand"):
            continue
        else:
            flush()
            words.extend(list(w) if w.isdigit() else [w])
    flush()
    return words


def edit_distance(ref: Sequence[str], hyp: Sequence[str]) -> int:
    """Word-level Levenshtein distance (substitutions, insertions, deletions)."""
    prev = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        cur = [i] + [0] * len(hyp)
        for j, h in enumerate(hyp, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (r != h))
        prev = cur
    return prev[-1]


def wer(pairs: Iterable[tuple[str | None, str | None]]) -> dict[str, float | int | None]:
    """Corpus WER over (reference, hypothesis) pairs: total edits / total reference words."""
    edits = words = n = 0
    for ref, hyp in pairs:
        r = normalize_words(ref)
        if not r:
            continue
        edits += edit_distance(r, normalize_words(hyp))
        words += len(r)
        n += 1
    return {"wer": round(edits / words, 4) if words else None, "edits": edits, "ref_words": words, "n": n}


# ---------------------------------------------------------------- intent accuracy


def intent_accuracy(utterances: Iterable[dict]) -> dict[str, float | int | None]:
    """Share of utterances with ``expect_intent`` whose reply carried that intent."""
    stated = [u for u in utterances if u.get("expect_intent")]
    correct = sum(1 for u in stated if u.get("intent") == u["expect_intent"])
    return {"accuracy": round(correct / len(stated), 4) if stated else None, "correct": correct,
            "n": len(stated)}


# ---------------------------------------------------------------- false interruptions


def is_backchannel(reference_text: str | None) -> bool:
    """A non-speech sound (no reference text) or words that are only backchannel tokens."""
    if reference_text is None:
        return True
    words = [w.replace(" ", "") for w in re.sub(r"[^a-z ]+", " ", reference_text.lower()
                                                 .replace("-", "")).split()]
    return bool(words) and all(w in BACKCHANNEL_WORDS for w in words)


def _reply_audio_ms(events: list[dict], reply_id: int) -> float | None:
    clauses = [e["audio_ms"] for e in events if e["type"] == "ClauseLogged" and e["reply_id"] == reply_id]
    return float(sum(clauses)) if clauses else None


def _played_ms(audio: list[dict]) -> float:
    """Audible time of one reply from its started/paused/resumed/finished/cut events."""
    played, since = 0.0, None
    for e in audio:
        if e["kind"] in ("started", "resumed") and since is None:
            since = e["at_ms"]
        elif e["kind"] in ("paused", "finished", "cut") and since is not None:
            played += e["at_ms"] - since
            since = None
    return played


def false_interruption(utt: dict, next_start_ms: float, events: list[dict]) -> dict:
    """What a backchannel or non-speech sound did to the agent's reply.

    ``stopped``: the reply paused or was cut within the utterance's window; ``resumed``: a paused
    reply carried on; ``cut``: the reply was cancelled; ``lost_ms``: reply audio never played
    (synthesized audio minus what was heard, for a cut reply; 0 otherwise); ``paused_ms``: silence
    inserted by pauses; ``false``: the reply was not completed (cut, or paused and never resumed).
    """
    lo = utt["caller_start_ms"]
    audio = [e for e in events if e["type"] == "AgentAudioLogged"]
    stops = [e for e in audio if e["kind"] in ("paused", "cut") and lo <= e["at_ms"] < next_start_ms]
    out = {"index": utt["index"], "reference_text": utt.get("reference_text"),
           "transcript": utt.get("transcript"), "replied": utt.get("intent") is not None,
           "stopped": bool(stops), "resumed": False, "cut": False, "lost_ms": 0.0, "paused_ms": 0.0,
           "false": False}
    if not stops:
        return out
    rid = stops[0]["reply_id"]
    mine = [e for e in audio if e["reply_id"] == rid]
    cut = next((e for e in mine if e["kind"] == "cut"), None)
    out["cut"] = cut is not None
    out["resumed"] = any(e["kind"] == "resumed" and e["at_ms"] >= stops[0]["at_ms"] for e in mine)
    pause_at = None
    for e in mine:
        if e["kind"] == "paused":
            pause_at = e["at_ms"]
        elif e["kind"] in ("resumed", "cut", "finished") and pause_at is not None:
            out["paused_ms"] += e["at_ms"] - pause_at
            pause_at = None
    if cut is not None:
        total = _reply_audio_ms(events, rid)
        if total is not None:
            out["lost_ms"] = round(max(0.0, total - _played_ms(mine)), 1)
    out["paused_ms"] = round(out["paused_ms"], 1)
    out["false"] = out["cut"] or not out["resumed"]
    return out


def false_interruption_summary(records: list[dict]) -> dict:
    n = len(records)
    false = sum(1 for r in records if r["false"])
    return {"rate": round(false / n, 4) if n else None, "false": false, "n": n,
            "stopped": sum(1 for r in records if r["stopped"]),
            "resumed": sum(1 for r in records if r["resumed"]),
            "cut": sum(1 for r in records if r["cut"]),
            "replied_to": sum(1 for r in records if r["replied"]),
            "lost_ms": percentiles(r["lost_ms"] for r in records if r["cut"])}


# ---------------------------------------------------------------- stage attribution

STAGES = ("endpointing", "final_recognition", "dialogue", "first_audio", "output")


def _sub(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None else round(a - b, 1)


def stage_breakdown(utt: dict, events: list[dict]) -> dict[str, float | None] | None:
    """Where the response latency of one answered utterance went.

    endpointing = turn_end − speech_end; final_recognition = final − turn_end; dialogue =
    reply_decided − final; first_audio = first ClauseLogged of the reply − reply_decided;
    output = audio start − first clause. The stages sum to the response latency when all exist.
    """
    if utt.get("response_latency_ms") is None or utt.get("reply_decided_ms") is None:
        return None
    speech_end = utt.get("speech_end_ms")
    if speech_end is None:
        speech_end = utt["caller_end_ms"]
    audio_start = speech_end + utt["response_latency_ms"]
    reply = next((e for e in events if e["type"] == "ReplyLogged"
                  and abs(e["at_ms"] - utt["reply_decided_ms"]) <= 0.051), None)
    clause_ms = None
    if reply is not None:
        clauses = [e["at_ms"] for e in events if e["type"] == "ClauseLogged"
                   and e["reply_id"] == reply["reply_id"]]
        clause_ms = min(clauses) if clauses else None
    return {
        "endpointing": _sub(utt.get("turn_end_ms"), speech_end),
        "final_recognition": _sub(utt.get("final_ms"), utt.get("turn_end_ms")),
        "dialogue": _sub(utt["reply_decided_ms"], utt.get("final_ms")),
        "first_audio": _sub(clause_ms, utt["reply_decided_ms"]),
        "output": _sub(audio_start, clause_ms),
    }


def stage_summary(rows: list[dict[str, float | None]]) -> dict[str, dict]:
    return {s: percentiles(r.get(s) for r in rows) for s in STAGES}


# ---------------------------------------------------------------- events vs WAV


def _level_dbfs(pcm: np.ndarray, from_ms: float, to_ms: float) -> float:
    a, b = int(from_ms * 16), int(to_ms * 16)
    seg = pcm[max(0, min(a, b)):max(0, max(a, b))].astype(np.float64)
    if not len(seg):
        return -120.0
    return round(20.0 * math.log10(max(float(np.max(np.abs(seg))) / 32768.0, 1e-6)), 1)


def wav_response_ms(utt: dict, agent_pcm: np.ndarray, next_start_ms: float) -> tuple[float | None, str]:
    """Response latency from the recordings: first active agent window after the caller's speech
    end (before the next utterance). Returns (latency, note)."""
    end = utt.get("speech_end_ms")
    if end is None:
        return None, "caller speech end not found in caller.wav"
    if wavmetrics.was_active_at(agent_pcm, end):
        return None, "agent audio already active when the caller stopped (talk-over)"
    hi = next_start_ms if math.isfinite(next_start_ms) else None
    onset = wavmetrics.first_active_ms(agent_pcm, end, hi)
    if onset is None:
        return None, "no agent audio above threshold before the next utterance"
    return round(onset - end, 1), ""


def _why_response(ev: float, wav: float, end: float, pcm: np.ndarray) -> str:
    diff = wav - ev
    if diff > 0:
        lvl = _level_dbfs(pcm, end + ev, end + wav)
        what = "digital silence (nothing written yet)" if lvl <= -90 else f"quiet lead-in, peak {lvl} dBFS"
        return f"WAV onset {diff:.0f} ms after the 'started' event: {what} below the threshold"
    return (f"WAV onset {-diff:.0f} ms before the reply's 'started' event: the agent audio heard first "
            "is not this reply (another reply, or a reply to a sound) or the event was stamped late")


def _why_interruption(ev: float, wav: float, onset: float, pcm: np.ndarray) -> str:
    diff = wav - ev
    if diff > 0:
        lvl = _level_dbfs(pcm, onset + ev, onset + wav)
        return (f"agent audio continued {diff:.0f} ms after the pause/cut event (peak {lvl} dBFS): "
                "audio already queued downstream of the event kept playing")
    return (f"agent audio was already quiet {-diff:.0f} ms before the pause/cut event "
            "(a gap between words or clauses counted as silence by the WAV measure)")


def agreement(utt: dict, agent_pcm: np.ndarray, next_start_ms: float) -> list[dict]:
    """Events vs WAV for one utterance: one row per measured figure, with ``agree`` and a reason."""
    rows = []
    ev = utt.get("response_latency_ms")
    if ev is not None:
        wav, note = wav_response_ms(utt, agent_pcm, next_start_ms)
        row = {"index": utt["index"], "kind": "response", "events_ms": ev, "wav_ms": wav}
        if wav is None:
            row.update(agree=False, reason=note)
        else:
            ok = abs(wav - ev) <= AGREE_MS
            why = "" if ok else _why_response(ev, wav, utt["speech_end_ms"], agent_pcm)
            if not ok and utt.get("split_turns", 1) > 1 and wav < ev:
                why = (f"utterance split into {utt['split_turns']} turns: the first agent audio in the WAV "
                       f"({ev - wav:.0f} ms earlier) answers a fragment; the events time the answer to all")
            row.update(agree=ok, reason=why)
        rows.append(row)
    ev_i, wav_i = utt.get("interruption_latency_ms"), utt.get("interruption_latency_wav_ms")
    if utt.get("barge_in") and (ev_i is not None or wav_i is not None):
        row = {"index": utt["index"], "kind": "interruption", "events_ms": ev_i, "wav_ms": wav_i}
        if ev_i is None:
            row.update(agree=False, reason="agent went quiet in the WAV but logged no pause/cut event "
                       "(a gap in the reply, not a stop)")
        elif wav_i is None:
            row.update(agree=False, reason="pause/cut event logged but agent.wav never fell silent "
                       "for 100 ms before the next utterance")
        else:
            ok = abs(wav_i - ev_i) <= AGREE_MS
            row.update(agree=ok, reason="" if ok else _why_interruption(ev_i, wav_i, utt["speech_onset_ms"],
                                                                          agent_pcm))
        rows.append(row)
    return rows


def ratio(baseline: float | None, ours: float | None) -> float | None:
    """baseline ÷ ours (> 1: ours is better for a latency); None when undefined."""
    if baseline is None or ours is None or ours <= 0:
        return None
    return round(baseline / ours, 2)


# ---------------------------------------------------------------- split turns

MATCH_SLACK_MS = 400.0  # as in agent/simulation/report.py: a final belongs to the clip its speech overlaps


def effective_utterance(utt: dict, events: list[dict]) -> dict:
    """The utterance as the caller experienced it when the pipeline split it into several turns.

    ``report.json`` pairs an utterance with its *first* final transcript. A segmented recogniser
    can end the turn at a pause inside the sentence, answer the fragment, then cut that answer
    itself when the rest arrives. Then the answer to what the caller said is the reply to the
    *last* final: its audio start gives the response latency, the finals together the transcript.
    Returns a copy with ``split_turns`` (number of finals) and, if split, those fields replaced.
    """
    lo, hi = utt["caller_start_ms"] - MATCH_SLACK_MS, utt["caller_end_ms"] + MATCH_SLACK_MS
    finals = [e for e in events if e["type"] == "FinalLogged" and lo <= e["speech_start_ms"] <= hi]
    out = {**utt, "split_turns": len(finals)}
    if len(finals) <= 1:
        return out
    last = finals[-1]
    text = last["text"].strip()  # a continuation reached the dialogue joined to its fragment
    reply = next((e for e in events if e["type"] == "ReplyLogged" and text
                  and (e["caller_text"] == text or e["caller_text"].endswith(" " + text))
                  and e["at_ms"] >= last["at_ms"] - 1), None)
    start = None if reply is None else next(
        (e["at_ms"] for e in events if e["type"] == "AgentAudioLogged" and e["kind"] == "started"
         and e["reply_id"] == reply["reply_id"]), None)
    end = utt.get("speech_end_ms")
    end = utt["caller_end_ms"] if end is None else end
    out.update(transcript=" ".join(f["text"] for f in finals),
               intent=None if reply is None else reply["intent"],
               turn_end_ms=round(last["turn_end_ms"], 1), final_ms=round(last["at_ms"], 1),
               reply_decided_ms=None if reply is None else round(reply["at_ms"], 1),
               response_latency_ms=None if start is None else round(start - end, 1))
    return out
