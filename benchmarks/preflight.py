"""What ``voice-agent bench`` needs, checked in about a second before a run that takes minutes.

Why: a bench over the suite plays every call in real time (20+ minutes here); a missing plotting
library or caller voice used to surface only at the end, after all of that. Pure apart from the
look-ups it exists to make (imports, ``PATH``, files).
"""

from __future__ import annotations

import importlib.util
import os
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    what: str  # the missing piece
    fix: str  # what to run or change


# (module, why) for every side; the baseline adds its own pipecat services.
_MODULES = (("matplotlib", "the plots"), ("soundfile", "the recordings"), ("faster_whisper", "recognition"),
            ("piper", "synthesis"), ("yaml", "scenario files"))
_BASELINE_MODULES = (("pipecat.services.whisper.stt", "the stock pipeline's recognition"),
                     ("pipecat.services.piper.tts", "the stock pipeline's synthesis"),
                     ("pipecat.audio.vad.silero", "the stock pipeline's VAD"))


def _importable(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):  # a parent package missing raises instead of returning None
        return False


def missing_modules(baseline: bool) -> list[Problem]:
    wanted = list(_MODULES) + (list(_BASELINE_MODULES) if baseline else [])
    return [Problem(f"Python module {m!r} ({why})", "run scripts/setup.sh (it installs the bench's "
                    "dependencies into .venv)") for m, why in wanted if not _importable(m)]


def needs_caller_voice(scenarios: Iterable[object]) -> bool:
    """Whether any turn or answer is spoken by the built-in (espeak-ng) caller voice."""
    for sc in scenarios:
        lines = [*getattr(sc, "turns", ()), *getattr(sc, "answers", ())]
        if any(getattr(line, "audio", None) is None and getattr(line, "text", None) for line in lines):
            return True
    return False


def check(scenarios: Iterable[object], baseline: bool, out: Path) -> list[Problem]:
    """Every problem that would stop the bench part-way, found before the first call."""
    problems = missing_modules(baseline)
    if needs_caller_voice(scenarios) and shutil.which("espeak-ng") is None:
        problems.append(Problem("espeak-ng (a scenario line has text: without audio:)",
                                "run scripts/setup.sh (apt package espeak-ng)"))
    probe = out if out.exists() else next((p for p in out.parents if p.exists()), Path("."))
    if not os.access(probe, os.W_OK):
        problems.append(Problem(f"write access to {probe}", "pass --out to a writable folder"))
    return problems
