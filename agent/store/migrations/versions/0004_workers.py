"""workers: each serve process beats in the store; survivors close a lost worker's calls (issue 16)

A worker killed mid-call never writes its calls' records. Each worker now keeps its live calls'
rows up to date (``ended_at`` NULL, ``worker_id`` set) and beats in ``workers``; a worker whose beat
is stale is declared lost by any survivor, which closes its open calls with what was said and done and
books a callback to the number the call came from (kept on the open row for that reason only).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07 23:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "workers",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("heartbeat_at", sa.DateTime(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False, server_default="alive"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workers")),
    )
    with op.batch_alter_table("calls", schema=None) as batch_op:
        batch_op.add_column(sa.Column("worker_id", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("end_reason", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("callback_number", sa.String(length=32), nullable=True))
        batch_op.create_index(batch_op.f("ix_calls_worker_id"), ["worker_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("calls", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_calls_worker_id"))
        batch_op.drop_column("callback_number")
        batch_op.drop_column("end_reason")
        batch_op.drop_column("worker_id")
    op.drop_table("workers")
