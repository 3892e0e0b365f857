"""Issue #14 through Whisper base: language ID on a handful of generated clips (espeak-ng; ja:
Kokoro), one encode shared by the ID and the decode, and the call's tracker on the way."""

from __future__ import annotations

import numpy as np
import pytest

from benchmarks.identifiers.audio import _espeak
from benchmarks.make_clips import _normalise, _pad, _to_pcm, _trim
from pipeline.language_id import LanguageParams, LanguageState, LanguageTracker

SERVED = ("en", "de", "fr", "es", "it", "ja")


@pytest.fixture(scope="module")
def base():  # type: ignore[no-untyped-def]
    from pipeline.asr import load_recognizer

    return load_recognizer("base", 2, "en")


def _say(text: str, voice: str, wpm: int = 150) -> np.ndarray:
    return _to_pcm(_pad(_normalise(_trim(_espeak(text, voice, wpm, 50)))))


CLIPS = [
    ("en", "en-us", "Hello, my parcel is stuck at customs and I would like to know why."),
    ("de", "de", "Guten Tag, ich habe ein Problem mit meiner Bestellung."),
    ("fr", "fr", "Bonjour, mon colis est bloqué à la douane. Le numéro de commande est un zéro quatre "
                 "cinq deux."),
    ("es", "es", "Buenas tardes, quería saber dónde está mi pedido, por favor."),
    ("it", "it", "Buongiorno, il mio pacco è bloccato in dogana. Il numero dell'ordine è uno zero quattro "
                 "cinque due."),
]


@pytest.mark.parametrize(("language", "voice", "text"), CLIPS, ids=[c[0] for c in CLIPS])
def test_the_callers_language_is_identified(base, language: str, voice: str, text: str) -> None:  # type: ignore[no-untyped-def]
    guess = base.detect_language(_say(text, voice), SERVED)
    assert guess.language == language and guess.served
    assert guess.confidence >= 0.6


def test_an_unserved_language_is_recognised_as_unserved(base) -> None:  # type: ignore[no-untyped-def]
    guess = base.detect_language(_say("Dzień dobry, mam problem z moim zamówieniem.", "pl", 140), SERVED)
    assert guess.language not in SERVED and not guess.served


def test_japanese_from_kokoro(base) -> None:  # type: ignore[no-untyped-def]
    from agent.simulation.voices import kokoro_float

    pcm = _to_pcm(_pad(_normalise(_trim(kokoro_float("注文をキャンセルしたいのですが。", "jf_alpha", 1.0)))))
    guess = base.detect_language(pcm, SERVED)
    assert guess.language == "ja" and guess.confidence >= 0.9


def test_one_encode_identifies_then_decodes_in_the_callers_language(base) -> None:  # type: ignore[no-untyped-def]
    tracker = LanguageTracker(LanguageParams(served=SERVED))
    pcm = _say("Guten Tag, ich habe ein Problem mit meiner Bestellung.", "de")
    result = base.transcribe(pcm, language=tracker.language, identify=tracker)
    assert result.guess is not None and result.guess.language == "de"
    assert result.language == "de"  # decoded in German although the call started in English
    assert "bestellung" in result.text.lower()
    assert tracker.on_final(result.guess, result.audio_ms).dialogue == "de"
    assert tracker.state is LanguageState.SETTLED
    # partials: no identification, the call's language
    partial = base.transcribe(pcm[: len(pcm) // 2], language=tracker.language)
    assert partial.guess is None and partial.language == "de"


def test_an_english_only_model_ignores_identification() -> None:
    from pipeline.asr import load_recognizer

    tiny = load_recognizer("tiny.en", 2, "en")
    tracker = LanguageTracker(LanguageParams(served=("en",)), identifies=tiny.multilingual)
    result = tiny.transcribe(_say("Hello, my order has not arrived yet.", "en-us"), language="de",
                             identify=tracker)
    assert not tiny.multilingual and result.guess is None and result.language == "en"
    assert "order" in result.text.lower()
    assert tracker.on_final(result.guess, result.audio_ms).dialogue is None


def test_a_slice_of_the_language_benchmark(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The benchmark end to end on a few clips (the CI slice): every row measured, the report out."""
    import json

    from benchmarks.languages.__main__ import main

    assert main(["--split", "dev", "--limit", "3", "--translate", "--out", str(tmp_path)]) == 0
    rows = [json.loads(line) for line in (tmp_path / "results.jsonl").read_text().splitlines()]
    assert len(rows) == 3
    for r in rows:
        assert r["probs"] and 0.0 <= r["confidence"] <= 1.0 and r["first_ms"] > 0
        assert r["ref_len"] > 0 and r["decode_ms"] > 0
    assert "| dev / " in (tmp_path / "report.md").read_text()


# The de-damaged scenario in real time (the first turn heard and answered in German) is played by
# tests/test_scenarios_languages.py, with the other language scenarios of the CI slice.
