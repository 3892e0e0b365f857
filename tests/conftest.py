"""Fixtures shared by the dialogue tests: a demo store seeded once, copied fresh per test."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import NOW

from agent.store import Store, open_store


@pytest.fixture(scope="session")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    store = open_store(f"sqlite:///{path}", clock=lambda: NOW)
    store.seed_demo()
    store.dispose()
    return path


@pytest.fixture
def store(seeded: Path, tmp_path: Path) -> Iterator[Store]:
    """A private copy of the seeded demo store (SQLite), disposed after the test."""
    path = tmp_path / "store.db"
    shutil.copy(seeded, path)
    st = open_store(f"sqlite:///{path}", clock=lambda: NOW)
    yield st
    st.dispose()
