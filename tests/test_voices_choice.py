"""Which voice speaks each language, and a user's Piper voice file: checked, or one clear error."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import numpy as np
import pytest

from pipeline.tts import OUTPUT_RATE_HZ
from pipeline.voice_bank import VoiceBank, load_voice
from voices.languages import Engine, VoiceError, check_voices, for_language, kokoro_installed
from voices.registry import PIPER_JOE_MEDIUM, ModelError, model_file

JOE_SHA256 = dict(PIPER_JOE_MEDIUM.sha256)["en_US-joe-medium.onnx"]


@pytest.mark.parametrize("language, voice", [
    ("de", "de"), ("fr", "fr-fr"), ("es", "es"), ("it", "it"), ("zh", "cmn-latn-pinyin"), ("pt", "pt"),
    ("pl", "pl"), ("ko", "ko")])
def test_languages_without_a_shipped_voice_get_espeak_ng(language: str, voice: str) -> None:
    choice = for_language(language, {})
    assert (choice.engine, choice.voice, choice.language) == (Engine.ESPEAK, voice, language)
    assert choice.why


def test_english_is_piper_joe_and_japanese_is_kokoro() -> None:
    en = for_language("en", {})
    assert (en.engine, en.voice, en.sample_rate_hz) == (Engine.PIPER, "en_US-joe-medium", 22_050)
    assert kokoro_installed()  # the dev install has it (pyproject: the japanese extra)
    ja = for_language("ja", None)
    assert (ja.engine, ja.sample_rate_hz) == (Engine.KOKORO, 24_000)


def test_a_language_no_engine_speaks_is_an_error_naming_it() -> None:
    with pytest.raises(VoiceError, match="'xx'"):
        for_language("xx", {})
    assert issubclass(VoiceError, ModelError)  # the CLI prints it on one line and exits 2


@pytest.fixture()
def user_voice_file(tmp_path: Path) -> Path:
    """A user's Piper voice file: joe's model under another name (linked: it is 60 MB)."""
    onnx = tmp_path / "de_DE-mine-medium.onnx"
    onnx.symlink_to(model_file(PIPER_JOE_MEDIUM, "en_US-joe-medium.onnx"))
    config = json.loads(model_file(PIPER_JOE_MEDIUM, "en_US-joe-medium.onnx.json").read_text())
    config["language"] = {"code": "de_DE", "family": "de"}  # what a German voice declares
    (tmp_path / (onnx.name + ".json")).write_text(json.dumps(config))
    return onnx


def test_a_configured_piper_file_is_chosen_checked_and_speaks(user_voice_file: Path) -> None:
    voices = {"de": {"piper": str(user_voice_file), "sha256": JOE_SHA256.upper()}}
    choice = for_language("de", voices)
    assert (choice.engine, choice.path) == (Engine.PIPER, user_voice_file)
    assert check_voices(["en", "de"], voices)["de"] == choice
    synth = load_voice(choice, voices)
    out = synth.synthesize("Guten Tag.")
    assert synth.language == "de"
    assert 0.3 < len(out.pcm) / OUTPUT_RATE_HZ < 3.0
    assert np.abs(out.pcm.astype(np.int32)).max() > 3000


def test_a_missing_voice_file_is_one_error_naming_it(tmp_path: Path) -> None:
    missing = tmp_path / "fr_FR-gone.onnx"
    with pytest.raises(VoiceError, match=f"languages.voices.fr: .*{missing}"):
        check_voices(["en", "fr"], {"fr": {"piper": str(missing), "sha256": JOE_SHA256}})


def test_a_corrupt_voice_file_is_one_error_naming_it(user_voice_file: Path) -> None:
    voices = {"de": {"piper": str(user_voice_file), "sha256": "0" * 64}}
    with pytest.raises(VoiceError, match=f"{user_voice_file} is corrupt"):
        check_voices(["de"], voices)
    with pytest.raises(VoiceError, match="corrupt"):  # and the bank refuses it too, at preload
        VoiceBank(voices).preload(["de"])


def test_a_voice_configured_for_an_unserved_language_is_still_checked(tmp_path: Path) -> None:
    with pytest.raises(VoiceError, match="languages.voices.it"):
        check_voices(["en"], {"it": {"piper": str(tmp_path / "x.onnx"), "sha256": JOE_SHA256}})


def test_a_voice_file_of_another_language_is_refused(user_voice_file: Path) -> None:
    voices = {"fr": {"piper": str(user_voice_file), "sha256": JOE_SHA256}}  # the German voice under fr
    with pytest.raises(VoiceError, match="speaks 'de', not 'fr'"):
        check_voices(["fr"], voices)


def test_an_entry_without_its_checksum_is_refused(user_voice_file: Path) -> None:
    with pytest.raises(VoiceError, match="sha256"):
        for_language("de", {"de": {"piper": str(user_voice_file)}})


def test_unknown_language_in_a_reply_falls_back_to_the_default_voice() -> None:
    bank = VoiceBank()
    assert bank.synthesizer("xx") is bank.synthesizer("en")


@pytest.mark.parametrize("language, text", [("zh", "你好，很抱歉，这条线路只讲英语。"), ("ko", "죄송합니다"),
                                            ("de", "Ihre Bestellung"), ("ru", "Извините")])
def test_the_espeak_voice_reads_its_script_itself_not_through_english(language: str, text: str) -> None:
    # espeak-ng marks a switch to another language's rules with "(en)" in its phoneme output
    voice = for_language(language).voice
    phonemes = subprocess.run(["espeak-ng", "-v", voice, "-q", "-x", text], capture_output=True,
                              text=True, check=True, timeout=10).stdout
    assert phonemes.strip() and "(en)" not in phonemes, phonemes


@pytest.mark.parametrize("language", ["pt", "nl", "pl", "ru", "uk", "tr", "ar", "zh", "ko", "sv", "da", "no",
                                      "fi", "cs", "hu", "ro", "el", "hi", "vi", "he", "id", "bg"])
def test_every_language_of_the_unserved_message_has_an_espeak_voice(language: str) -> None:
    choice = for_language(language)
    assert choice.engine is Engine.ESPEAK and choice.voice
