"""Piper synthesis: clause cache and its warm-up with the dialogue's fixed phrases (real voice)."""

from __future__ import annotations

import numpy as np
import pytest

from intents.policy import decide as policy
from intents.policy.config import DialogueConfig
from pipeline.tts import OUTPUT_RATE_HZ, Synthesizer, load_synthesizer, warm_cache


@pytest.fixture(scope="module")
def synth() -> Synthesizer:
    return load_synthesizer()


def test_clause_is_speech_at_the_pipeline_rate(synth: Synthesizer) -> None:
    out = synth.synthesize("Your parcel is in Madrid.")
    assert out.pcm.dtype == np.int16
    seconds = len(out.pcm) / OUTPUT_RATE_HZ
    assert 0.8 < seconds < 4.0
    assert np.abs(out.pcm.astype(np.int32)).max() > 3000  # audible, not silence


def test_warm_cache_synthesizes_each_first_clause_once(synth: Synthesizer) -> None:
    phrases = policy.fixed_phrases(DialogueConfig())
    count = warm_cache(synth, phrases, min_clause_words=3)
    assert 15 <= count <= len(phrases)  # one first clause per phrase, duplicates once
    assert "Hi, this is Alex from Northwind after-sales." in synth._cache
    assert policy.greeting(DialogueConfig()) not in synth._cache  # only its first clause
    hit = synth.synthesize("Thanks for calling Northwind.")
    assert hit.compute_ms < 5.0  # a cache hit, not a synthesis (20-100 ms)
