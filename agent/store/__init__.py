"""The after-sales store: orders, shipments, customers, the changes calls make, call records.

``open_store()`` opens (creating and migrating on first use) the SQLite file ``./var/voice-agent.db``,
``$VOICE_AGENT_DB_URL`` or any ``postgresql+psycopg://`` URL.
"""

from agent.store.db import Store, StoreUnavailable, open_store, resolve_url, system_clock
from agent.store.fixtures import FixtureError

__all__ = ["FixtureError", "Store", "StoreUnavailable", "open_store", "resolve_url", "system_clock"]
