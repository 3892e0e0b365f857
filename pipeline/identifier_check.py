"""Score expected identifiers against a turn's audio with CTranslate2 ``Whisper.align``.

The recognizer has already encoded the turn (``Transcript.acoustic``); one decoder pass in
teacher-forcing mode gives the probability of every token of any text. The expected value is
scored in each way Whisper may write it, after the words the caller said before it (the lead-in
from the free transcript, or nothing); the best reading is then scored for every near miss
(:func:`intents.verify_evidence.near_misses`). The verdict rule lives in the pure half,
:mod:`intents.verify_evidence`; this module only measures.
"""

from __future__ import annotations

import math
import re
import time
from dataclasses import dataclass

import numpy as np

from intents.verify_evidence import (
    Expected,
    Scores,
    Thresholds,
    Verdict,
    decide,
    guided_near_misses,
    plainly_heard,
    plausible,
    render_as,
    styles,
)
from pipeline.asr import Recognizer, Transcript

# Lead-in words end at the last of these within the first words ("my postcode is", "it's").
_LEAD_END = re.compile(r"^(is|it's|its|it|code|number|email|address|order|postcode|zip|mail|yes|yeah)$")
_MAX_LEAD_WORDS = 7


@dataclass(frozen=True)
class Check:
    expected: Expected
    scores: Scores
    compute_ms: float


def lead_in(transcript: str) -> str:
    """The words before the identifier: up to the last lead word among the first few words."""
    words = transcript.split()
    cut = 0
    for i, w in enumerate(words[:_MAX_LEAD_WORDS]):
        bare = re.sub(r"[^\w']", "", w.lower())
        if any(ch.isdigit() for ch in w) or "@" in w:
            break
        if _LEAD_END.match(bare):
            cut = i + 1
    return " ".join(words[:cut])


class IdentifierChecker:
    """Scores expected values against a recognised turn. Shares the recognizer's model and lock."""

    def __init__(self, recognizer: Recognizer, decoy_limit: int = 8) -> None:
        self._rec = recognizer
        self._decoy_limit = decoy_limit

    def _score(self, acoustic: tuple[object, int], texts: list[tuple[str, str]],
               transcript_language: str = "en") -> list[tuple[float, float, float]]:
        """(total, mean, weakest) log-probability of each ``(lead, body)``'s body tokens plus a final
        '.'. Candidates are compared by total (their likelihood: token counts differ), the expected
        value's own strength by mean and weakest token."""
        import ctranslate2

        tok = self._rec._tokenizer()
        encoded, frames = acoustic
        seqs, spans = [], []
        for lead, body in texts:
            head = tok.encode(" " + lead) if lead else []
            rest = tok.encode(" " + body + ".")
            seqs.append([*head, *rest, tok.eot])
            spans.append((len(head), len(head) + len(rest)))
        batch = np.repeat(np.asarray(encoded), len(seqs), axis=0)
        with self._rec._lock:
            results = self._rec._whisper.model.align(
                ctranslate2.StorageView.from_array(batch), list(self._rec.prompt_for(transcript_language)),
                seqs, [max(1, frames)] * len(seqs), median_filter_width=7)
        out = []
        for (a, b), res in zip(spans, results, strict=True):
            probs = np.asarray(res.text_token_probs[a:b], dtype=np.float64)
            logp = np.log(np.maximum(probs, 1e-12))
            out.append((float(logp.sum()), float(logp.mean()), float(logp.min())) if logp.size
                       else (-math.inf, -math.inf, -math.inf))
        return out

    def check(self, transcript: Transcript, expected: Expected) -> Check | None:
        """The scores of ``expected`` against the turn, or None when there is no audio to check."""
        if transcript.acoustic is None:
            return None
        started = time.perf_counter()
        lead = lead_in(transcript.text)
        heard = " ".join(transcript.text.split()[len(lead.split()):])
        # the styles the answer looks written in: the value is scored as the caller said it
        forms = styles(expected, heard)
        # scored after the same start tokens (language) the transcript was decoded with
        first = self._score(transcript.acoustic, [(lead, render_as(expected, f, heard=heard)) for f in forms],
                            transcript.language)
        best = max(range(len(forms)), key=lambda k: first[k][0])
        decoys = guided_near_misses(expected, transcript.text, self._decoy_limit)
        scored = self._score(transcript.acoustic,
                             [(lead, render_as(expected, forms[best], d, heard)) for d in decoys],
                             transcript.language)
        best_decoy = max((total for total, _, _ in scored), default=-math.inf)
        scores = Scores(first[best][0], first[best][1], first[best][2], best_decoy, len(decoys))
        return Check(expected, scores, (time.perf_counter() - started) * 1000.0)


def check_turn(checker: IdentifierChecker, transcript: Transcript, expected: tuple[Expected, ...],
               thresholds: Thresholds | None = None, max_checks: int = 1) -> tuple[Expected, ...]:
    """The expected values the turn's audio proves (usually none or one). Blocking: run in a thread.

    At most ``max_checks`` values are scored (each costs ~0.3-1 s on 2 cores; one by default, the
    kind the answer sounds like); an empty or silent turn costs nothing."""
    if transcript.acoustic is None or not transcript.text.strip() or plainly_heard(expected, transcript.text):
        return ()  # nothing to check, or the transcript already matches: spend no time
    proven = []
    for item in plausible(expected, transcript.text)[:max_checks]:
        result = checker.check(transcript, item)
        if result is not None and decide(result.scores, thresholds or Thresholds()) is Verdict.MATCH:
            proven.append(item)
            break  # one proven detail verifies the caller
    return tuple(proven)
