"""languages: the language of each call, and of each escalation and callback (issue 14)

A colleague calling back must speak the caller's language: callbacks and escalations carry it, and
the call record stores the language the call was held in. Existing rows are English.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30 06:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_TABLES = ("calls", "escalations", "callbacks")


def upgrade() -> None:
    for table in _TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column("language", sa.String(length=10), nullable=False, server_default="en")
            )


def downgrade() -> None:
    for table in _TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("language")
