"""help lines: an organisation's numbers by purpose (gender violence, mental health, child
protection), shown to mentees by situation

Revision ID: 0012_help_lines
Revises: 0011_check_ins
Create Date: 2026-12-03 10:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012_help_lines"
down_revision = "0011_check_ins"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Only an added column: SQLite adds it in place (no copy of a table others refer to).
    with op.batch_alter_table("organisation", schema=None) as batch:
        batch.add_column(sa.Column("help_lines", sa.JSON(), nullable=False, server_default="{}"))


def downgrade() -> None:
    with op.batch_alter_table("organisation") as batch:
        batch.drop_column("help_lines")
