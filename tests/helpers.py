"""Shared constants for the tests (importable because pytest puts tests/ on sys.path)."""

from datetime import UTC, datetime

# The demo store's clock in the text-dialogue tests: a Friday afternoon.
NOW = datetime(2026, 11, 27, 15, 0, tzinfo=UTC)
