"""Tables from ``results.jsonl``: per language and split, language ID, WER, digits, latency."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

FIRST_UTTERANCE_MS = 2000.0  # the measure: LID on first utterances of at least 2 s


def load_results(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _pct(num: int, den: int) -> str:
    return f"{100.0 * num / den:.0f} % ({num}/{den})" if den else "-"


def _quantile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f}"


def reguess(rows: list[dict[str, Any]], served: tuple[str, ...], min_confidence: float,
            unserved_weight: float) -> list[dict[str, Any]]:
    """The rows' guesses and what the dialogue is told, recomputed from the stored probabilities
    with these parameters (the pure half of the live path), so they are tuned without the model."""
    from pipeline.language_id import LanguageParams, LanguageTracker

    out = []
    for r in rows:
        tracker = LanguageTracker(LanguageParams(served=served, min_confidence=min_confidence,
                                                 unserved_weight=unserved_weight))
        guess = tracker.guess(r["probs"] or {})
        told = tracker.on_final(guess, r["clip_ms"], r["probs"]).dialogue
        out.append({**r, "guessed": guess.language, "confidence": guess.confidence, "told": told})
    return out


def two_utterances(rows: list[dict[str, Any]], served: tuple[str, ...], min_confidence: float,
                   unserved_weight: float) -> dict[str, tuple[int, int]]:
    """Per split/language: calls of two openers by the same voice (consecutive pairs of its
    opener clips, each >= 2 s) whose language is settled right by the end of the second: the
    tracker adds an unsure first utterance's evidence to the second's."""
    from benchmarks.languages.corpus import build_corpus
    from pipeline.language_id import LanguageParams, LanguageTracker

    items = {it.key: it for it in build_corpus()}
    by_voice: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
    for r in rows:
        item = items.get(r["key"])
        if item is not None and item.template.opener and r["audio_ms"] >= FIRST_UTTERANCE_MS:
            by_voice.setdefault((r["split"], r["language"], item.voice.key), []).append(r)
    out: dict[str, tuple[int, int]] = {}
    for (split, lang, _), rs in sorted(by_voice.items()):
        order = {it.key: i for i, it in enumerate(items.values())}
        rs.sort(key=lambda r: order[r["key"]])  # the corpus order of the voice's openers
        for a, b in zip(rs[0::2], rs[1::2], strict=False):
            tracker = LanguageTracker(LanguageParams(served=served, min_confidence=min_confidence,
                                                     unserved_weight=unserved_weight))
            told = None
            for r in (a, b):
                told = tracker.on_final(tracker.guess(r["probs"] or {}), r["clip_ms"], r["probs"]).dialogue
            right, n = out.get(f"{split}/{lang}", (0, 0))
            out[f"{split}/{lang}"] = (right + (told == lang), n + 1)
    return out


def summarise(rows: list[dict[str, Any]], served: tuple[str, ...], min_confidence: float) -> dict[str, Any]:
    """One summary per (split, language)."""
    out: dict[str, Any] = {}
    for split in sorted({r["split"] for r in rows}):
        for lang in sorted({r["language"] for r in rows if r["split"] == split}):
            rs = [r for r in rows if r["split"] == split and r["language"] == lang]
            long = [r for r in rs if r["audio_ms"] >= FIRST_UTTERANCE_MS]
            short = [r for r in rs if r["audio_ms"] < FIRST_UTTERANCE_MS]
            is_served = lang in served
            # served: the dialogue is told this language; unserved: recognised (confidently) as it
            told_ok = [r for r in long
                       if r["told"] == lang and (is_served or r["confidence"] >= min_confidence)]
            ids = [r for r in rs if r["digits"]]
            native = [r for r in rs if r["intent_native"] is not None and r["intent_expected"] != "other"]
            trans = [r for r in rs if r["intent_translated"] is not None and r["intent_expected"] != "other"]
            tids = [r for r in rs if r["digits"] and r["translated_captured"] is not None]
            firsts = [r["first_ms"] for r in rs]
            tms = [r["translate_ms"] for r in rs if r["translate_ms"] is not None]
            out[f"{split}/{lang}"] = {
                "split": split, "language": lang, "served": is_served, "clips": len(rs),
                "lid_long": (sum(r["guessed"] == lang for r in long), len(long)),
                "told_long": (len(told_ok), len(long)),
                "lid_short": (sum(r["guessed"] == lang for r in short), len(short)),
                "wer": (sum(r["edits"] for r in rs), sum(r["ref_len"] for r in rs)),
                "captured": (sum(r["captured"] for r in ids), len(ids)),
                "intent_native": (sum(r["intent_native"] == r["intent_expected"] for r in native),
                                  len(native)),
                "intent_translated": (sum(r["intent_translated"] == r["intent_expected"] for r in trans),
                                      len(trans)),
                "captured_translated": (sum(bool(r["translated_captured"]) for r in tids), len(tids)),
                "first_p50_ms": _quantile(firsts, 0.5), "first_p95_ms": _quantile(firsts, 0.95),
                "translate_p50_ms": _quantile(tms, 0.5), "translate_p95_ms": _quantile(tms, 0.95),
            }
    return out


def markdown(summary: dict[str, Any], header: str) -> str:
    lines = [header, "",
             "| split / language | clips | LID right, first utterance >= 2 s | told the dialogue "
             "| told after two openers | LID < 2 s | WER (CER ja, zh) | digits captured "
             "| decode p50 / p95 ms |",
             "|---|---|---|---|---|---|---|---|---|"]
    for s in summary.values():
        edits, ref = s["wer"]
        wer = f"{100.0 * edits / ref:.1f} %" if ref else "-"
        name = f"{s['split']} / {s['language']}" + ("" if s["served"] else " (unserved)")
        lines.append(f"| {name} | {s['clips']} | {_pct(*s['lid_long'])} | {_pct(*s['told_long'])} "
                     f"| {_pct(*s.get('told_two_openers', (0, 0)))} "
                     f"| {_pct(*s['lid_short'])} | {wer} | {_pct(*s['captured'])} "
                     f"| {_ms(s['first_p50_ms'])} / {_ms(s['first_p95_ms'])} |")
    if any(s["intent_translated"][1] for s in summary.values()):
        lines += ["", "Whisper `task=\"translate\"` (English text for the English understanding) vs "
                  "the native transcript (native understanding):", "",
                  "| split / language | intent right: native | intent right: translated | digits: native "
                  "| digits: translated | translate p50 / p95 ms |", "|---|---|---|---|---|---|"]
        for s in summary.values():
            if not s["intent_translated"][1]:
                continue
            lines.append(f"| {s['split']} / {s['language']} | {_pct(*s['intent_native'])} "
                         f"| {_pct(*s['intent_translated'])} | {_pct(*s['captured'])} "
                         f"| {_pct(*s['captured_translated'])} "
                         f"| {_ms(s['translate_p50_ms'])} / {_ms(s['translate_p95_ms'])} |")
    return "\n".join(lines) + "\n"


def write_report(rows: list[dict[str, Any]], out: Path, served: tuple[str, ...], min_confidence: float,
                 header: str, unserved_weight: float = 1.0) -> str:
    pairs = two_utterances(rows, served, min_confidence, unserved_weight)
    rows = reguess(rows, served, min_confidence, unserved_weight)
    summary = summarise(rows, served, min_confidence)
    for key, value in summary.items():
        value["told_two_openers"] = pairs.get(key, (0, 0))
    text = markdown(summary, header)
    out.mkdir(parents=True, exist_ok=True)
    (out / "report.md").write_text(text, encoding="utf-8")
    (out / "report.json").write_text(json.dumps(summary, indent=1), encoding="utf-8")
    return text
