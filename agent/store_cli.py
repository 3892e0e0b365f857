"""``voice-agent store ...`` commands: seed the demo store, load fixtures. Return exit codes."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO

import yaml

from agent.store import FixtureError, StoreUnavailable, open_store


def seed_demo(db_url: str | None, out: TextIO | None = None) -> int:
    """Fill the store with the demo customers and orders (see docs/demo-store.md). Exit code."""
    out = out or sys.stdout
    try:
        store = open_store(db_url)
        added = store.seed_demo()
    except StoreUnavailable as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if added == 0:
        print(f"the demo store is already in {store.url}", file=out)
    else:
        print(f"seeded the demo store into {store.url} ({added} rows); see docs/demo-store.md", file=out)
    store.dispose()
    return 0


def load_fixtures_file(db_url: str | None, path: str | Path, out: TextIO | None = None) -> int:
    """Load fixtures from a YAML file (a top-level ``fixtures:`` mapping, or the mapping itself).

    Exit code 2 with one error line naming the row and field when a row is bad; nothing is loaded
    then (one transaction). 1 when the store can't be reached.
    """
    out = out or sys.stdout
    p = Path(path)
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8"))
    except OSError as exc:
        print(f"error: {p}: cannot read ({exc.strerror})", file=sys.stderr)
        return 2
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark is not None else ""
        print(f"error: {p}:{where} not valid YAML", file=sys.stderr)
        return 2
    if isinstance(data, dict) and "fixtures" in data:
        data = data["fixtures"]
    if not isinstance(data, dict):
        print(f"error: {p}: expected a mapping with customers, orders and changes", file=sys.stderr)
        return 2
    try:
        store = open_store(db_url)
        added = store.load_fixtures(data)
    except FixtureError as exc:
        print(f"error: {p}: {exc}", file=sys.stderr)
        return 2
    except StoreUnavailable as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"loaded {added} rows from {p} into {store.url}", file=out)
    store.dispose()
    return 0
