"""verify failures: wrong verification answers per order, counted across calls

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30 03:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "verify_failures",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("order_id", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("call_id", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_verify_failures_order_id_orders")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_verify_failures")),
    )
    with op.batch_alter_table("verify_failures", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_verify_failures_order_id"), ["order_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_verify_failures_at"), ["at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("verify_failures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_verify_failures_at"))
        batch_op.drop_index(batch_op.f("ix_verify_failures_order_id"))
    op.drop_table("verify_failures")
