"""Issue #14, the voice side without the model: the languages config, the guess from Whisper's
probabilities, the per-call language tracker (hysteresis) and the benchmark's scoring."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent.config import AgentConfig, load_config
from benchmarks.languages.metrics import captured, error_counts
from intents.languages.types import LanguageGuess
from intents.policy.config import ConfigError
from pipeline.language_id import LanguageParams, LanguageState, LanguageTracker, guess_from_probs

SERVED = ("en", "de", "fr", "es", "it", "ja")


def _config(tmp_path: Path, text: str) -> AgentConfig:
    path = tmp_path / "c.yaml"
    path.write_text(text, encoding="utf-8")
    return load_config(path)


# --- config ---------------------------------------------------------------------------------


def test_english_only_keeps_tiny_en_and_more_languages_choose_base(tmp_path: Path) -> None:
    default = AgentConfig()
    assert default.languages.served == ("en",) and default.asr.model == "tiny.en"
    multi = _config(tmp_path, "languages: {served: [de, en, fr]}\n")
    assert multi.asr.model == "base"
    assert multi.asr.language == "de"  # calls start in the first served language
    assert multi.languages.default == "de" and multi.languages.multilingual


@pytest.mark.parametrize(("text", "names"), [
    ("languages: {served: [en, xx]}", ("languages.served", "'xx'")),
    ("languages: {served: [en, de, en]}", ("languages.served", "twice")),
    ("languages: {served: []}", ("languages.served",)),
    ("languages: {min_confidence: 1.5}", ("languages.min_confidence",)),
    ("languages: {min_confidence: 0}", ("languages.min_confidence",)),
    ("languages: {served: [en, de]}\nasr: {model: tiny.en}", ("tiny.en", "English-only")),
    ("languages: {served: [en, de]}\nasr: {language: fr}", ("asr.language", "'fr'")),
    ("languages: {voices: {de: {piper: de.onnx, sha256: nothex}}}", ("languages.voices.de.sha256",)),
    ("languages: {voices: {zz: {piper: a.onnx, sha256: " + "a" * 64 + "}}}", ("languages.voices", "'zz'")),
    ("languages: {served: [en], spoken: [de]}", ("languages.spoken",)),
])
def test_a_bad_languages_section_is_one_clear_error(tmp_path: Path, text: str,
                                                    names: tuple[str, ...]) -> None:
    with pytest.raises(ConfigError) as err:
        _config(tmp_path, text + "\n")
    message = str(err.value)
    assert message.startswith(str(tmp_path / "c.yaml"))
    for name in names:
        assert name in message, message


def test_a_user_voice_per_language_is_kept(tmp_path: Path) -> None:
    digest = "ab" * 32
    text = f"languages: {{served: [en, de], voices: {{de: {{piper: /v/de.onnx, sha256: {digest}}}}}}}\n"
    config = _config(tmp_path, text)
    assert config.languages.voices["de"].piper == "/v/de.onnx"
    assert config.languages.voices["de"].sha256 == digest


# --- the guess ------------------------------------------------------------------------------


def test_the_guess_ignores_languages_no_caller_speaks_and_renormalises() -> None:
    # espeak-ng German came out as Latin first here; Latin is no caller's language
    guess = guess_from_probs({"la": 0.5, "de": 0.3, "en": 0.1, "cy": 0.1}, SERVED)
    assert guess == LanguageGuess("de", pytest.approx(0.75), True)


def test_an_unserved_language_is_the_guess_when_it_wins() -> None:
    guess = guess_from_probs({"pl": 0.9, "en": 0.05, "de": 0.05}, SERVED)
    assert guess.language == "pl" and not guess.served and guess.confidence == pytest.approx(0.9)


def test_the_lines_prior_weighs_unserved_languages_down() -> None:
    probs = {"pt": 0.5, "es": 0.4, "en": 0.1}
    assert guess_from_probs(probs, SERVED, unserved_weight=1.0).language == "pt"
    weighed = guess_from_probs(probs, SERVED, unserved_weight=0.5)
    assert weighed.language == "es" and weighed.confidence == pytest.approx(0.4 / 0.75)


def test_no_plausible_language_is_the_default_with_no_confidence() -> None:
    assert guess_from_probs({"la": 1.0}, SERVED) == LanguageGuess("en", 0.0, True)


# --- the tracker (hysteresis) --------------------------------------------------------------


def _tracker(**kw: float) -> LanguageTracker:
    return LanguageTracker(LanguageParams(served=SERVED, **kw))


def g(language: str, confidence: float) -> LanguageGuess:
    return LanguageGuess(language, confidence, language in SERVED)


def test_a_short_first_utterance_keeps_the_default_and_the_next_settles() -> None:
    t = _tracker()
    first = t.on_final(g("de", 0.95), audio_ms=900.0)  # "Hallo?"
    assert first.decode == "en" and first.dialogue is None and t.state is LanguageState.UNSETTLED
    second = t.on_final(g("de", 0.95), audio_ms=3000.0)
    assert second == type(second)("de", "de") and t.state is LanguageState.SETTLED


def test_an_unsure_first_utterance_tells_the_dialogue_nothing() -> None:
    t = _tracker(min_confidence=0.6)
    turn = t.on_final(g("fr", 0.45), audio_ms=3000.0)
    assert turn.dialogue is None and turn.decode == "en"  # the dialogue asks, from the words
    assert t.on_final(g("fr", 0.7), audio_ms=3000.0).dialogue == "fr"


def test_a_settled_call_switches_only_on_a_confident_long_guess() -> None:
    t = _tracker(min_confidence=0.6, switch_confidence=0.8)
    t.on_final(g("de", 0.9), audio_ms=3000.0)
    assert t.on_final(g("en", 0.99), audio_ms=800.0).dialogue == "de"  # "okay": too short
    assert t.on_final(g("it", 0.7), audio_ms=3000.0).dialogue == "de"  # not sure enough to move
    assert t.pick(g("it", 0.7), 3000.0) == "de"
    assert t.pick(g("en", 0.85), 3000.0) == "en"  # pick changes nothing...
    assert t.language == "de"
    assert t.on_final(g("en", 0.85), audio_ms=3000.0) == type(t.on_final(None, 0.0))("en", "en")


def test_a_confident_unserved_language_is_passed_on() -> None:
    t = _tracker()
    turn = t.on_final(g("pl", 0.9), audio_ms=3000.0)
    assert turn.dialogue == "pl" and turn.decode == "pl"  # the dialogue says the unserved message


def test_without_a_language_head_the_dialogue_decides_from_the_words() -> None:
    t = LanguageTracker(LanguageParams(served=("en",)), identifies=False)
    assert t.on_final(None, 3000.0).dialogue is None
    assert t.on_final(g("de", 0.99), 3000.0).dialogue is None
    assert t.language == "en"


# --- the benchmark's scoring ------------------------------------------------------------------


def test_numbers_count_as_said_however_they_are_written() -> None:
    assert error_counts("Meine Bestellnummer ist 10452.", "Meine Bestellnummer ist 104 52", "de") == (0, 4)
    assert error_counts("Meine Bestellnummer ist 10452.", "meine bestellnummer ist eins null vier fünf zwei",
                        "de") == (0, 4)
    assert error_counts("Mon numéro est le 10452.", "Mon numéro est 10452", "fr") == (1, 5)
    assert captured("10452", "注文番号は一〇四五二です", "ja")
    assert not captured("10452", "注文番号は10453です", "ja")
    assert not captured("", "anything 1", "en")


def test_two_unsure_utterances_of_one_language_settle_the_call_together() -> None:
    t = _tracker(min_confidence=0.6)
    unsure = {"fr": 0.45, "en": 0.3, "it": 0.25}  # French, but not sure enough alone
    first = t.on_final(guess_from_probs(unsure, SERVED), 3000.0, unsure)
    assert first.dialogue is None and t.state is LanguageState.UNSETTLED
    again = {"fr": 0.5, "es": 0.3, "en": 0.2}
    assert t.pick(guess_from_probs(again, SERVED), 3000.0, again) == "fr"
    second = t.on_final(guess_from_probs(again, SERVED), 3000.0, again)
    assert second.dialogue == "fr" and t.state is LanguageState.SETTLED


def test_evidence_for_different_languages_does_not_add_up() -> None:
    t = _tracker(min_confidence=0.6)
    a = {"fr": 0.5, "en": 0.5}
    b = {"de": 0.5, "en": 0.5}
    t.on_final(guess_from_probs(a, SERVED), 3000.0, a)
    turn = t.on_final(guess_from_probs(b, SERVED), 3000.0, b)
    # English is the only language both utterances support: it is the call's guess, and settles
    assert turn.dialogue == "en"


def test_short_utterances_add_no_evidence() -> None:
    t = _tracker(min_confidence=0.6)
    unsure = {"fr": 0.45, "en": 0.3, "it": 0.25}
    for _ in range(4):
        assert t.on_final(guess_from_probs(unsure, SERVED), 1000.0, unsure).dialogue is None
    assert t.state is LanguageState.UNSETTLED


def test_a_language_scenario_runs_with_its_languages_and_base(tmp_path: Path) -> None:
    from agent.simulation.scenario import load_scenario
    from agent.simulation.simulate import config_for

    scenario = load_scenario(Path(__file__).parent.parent / "benchmarks" / "scenarios" / "de-damaged.yaml")
    assert scenario.languages == SERVED and scenario.caller_voice == "espeak:de+m3"
    assert [t.expect_language for t in scenario.turns] == ["de", "de"]
    config = config_for(scenario, AgentConfig())
    assert config.languages.served == SERVED and config.asr.model == "base"
    with pytest.raises(ConfigError, match="English-only"):
        config_for(scenario, _config(tmp_path, "asr: {model: tiny.en}\n"))
