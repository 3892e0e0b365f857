"""Alembic environment for the voice-agent store (run programmatically by ``agent.store.db.migrate``)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from agent.store.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations() -> None:
    """Upgrade over the connection handed in by ``migrate`` (or a URL for the alembic CLI)."""
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = create_engine(config.get_main_option("sqlalchemy.url") or "sqlite:///var/voice-agent.db")
    with engine.begin() as conn:
        context.configure(connection=conn, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()


run_migrations()
