"""inbox: updates stored before they are confirmed, and the replies they owe

Revision ID: 0002_inbox
Revises: 0001
Create Date: 2026-12-03 04:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.types

revision = "0002_inbox"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "inbox_update",
        sa.Column("update_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "pending",
                "replying",
                "done",
                "failed",
                "reply_failed",
                name="inboxstatus",
                native_enum=False,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("replies", sa.JSON(), nullable=True),
        sa.Column("replies_sent", sa.Integer(), nullable=False),
        sa.Column("error", sa.String(length=64), nullable=True),
        sa.Column("received_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("handled_at", storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("update_id", name=op.f("pk_inbox_update")),
    )
    op.create_index(
        "ix_inbox_open", "inbox_update", ["status", "chat_id", "update_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_inbox_open", table_name="inbox_update")
    op.drop_table("inbox_update")
