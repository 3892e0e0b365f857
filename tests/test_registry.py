"""The model registry: checksums, clear errors naming the package, the joined Whisper base."""

import sys

import numpy as np
import pytest

from agent.audio_files import speak_text
from pipeline.asr import Recognizer
from voices import registry
from voices.registry import ModelError, ModelSpec, model_dir


@pytest.fixture
def fake_package(tmp_path, monkeypatch):
    pkg = tmp_path / "fake_voice_pkg"
    (pkg / "data").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "data" / "voice.onnx").write_bytes(b"weights")
    monkeypatch.syspath_prepend(str(tmp_path))
    yield pkg
    sys.modules.pop("fake_voice_pkg", None)


def spec(digest: str, module: str = "fake_voice_pkg") -> ModelSpec:
    return ModelSpec("fake", "fake-voice==1.0", module, "data", (("voice.onnx", digest),))


def test_good_checksum_gives_the_folder(fake_package):
    good = registry._file_sha256(fake_package / "data" / "voice.onnx")
    assert model_dir(spec(good)) == fake_package / "data"


def test_corrupt_file_names_the_package(fake_package):
    with pytest.raises(ModelError, match="corrupt.*pip install --force-reinstall 'fake-voice==1.0'"):
        model_dir(spec("0" * 64))


def test_missing_package_says_what_to_install():
    with pytest.raises(ModelError, match="not installed; install it with: pip install 'fake-voice==1.0'"):
        model_dir(spec("0" * 64, module="no_such_voice_pkg"))


def test_shipped_models_verify():
    for s in (registry.WHISPER_TINY_EN, registry.PIPER_JOE_MEDIUM, registry.SILERO_VAD):
        assert model_dir(s).is_dir()


def test_whisper_base_is_joined_once_and_recognises(tmp_path, monkeypatch):
    monkeypatch.setenv("VOICE_AGENT_CACHE", str(tmp_path))
    registry.whisper_base_dir.cache_clear()
    folder = registry.whisper_base_dir()
    assert folder == tmp_path / "models" / "whisper-base"
    assert registry._file_sha256(folder / "model.bin") == registry.WHISPER_BASE_SHA256
    assert not [p for p in folder.parent.iterdir() if p.name.startswith(".whisper-base-")]
    recognizer = Recognizer("base")
    assert recognizer.transcribe(np.zeros(16000, dtype=np.int16)).text == ""
    speech = speak_text("Hello, I am calling about my parcel.", voice="en-us")
    heard = recognizer.transcribe(speech).text.lower()
    assert "hello" in heard and "calling" in heard
    registry.whisper_base_dir.cache_clear()
