"""the data's life: free texts stored as (encryptable) text; retention per organisation;
erased people

Revision ID: 0007_data_life
Revises: 0006_staff_views
Create Date: 2026-12-03 07:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_data_life"
down_revision = "0006_staff_views"
branch_labels = None
depends_on = None

# Columns that held JSON (or a short string) and now hold text, encrypted when a key is set.
TO_TEXT = [
    ("appointment", "place", sa.String(length=300)),
    ("progress_report", "domains", sa.JSON()),
    ("concern_event", "detail", sa.JSON()),
    ("outbox_message", "buttons", sa.JSON()),
    ("draft", "data", sa.JSON()),
    ("inbox_update", "payload", sa.JSON()),
    ("inbox_update", "replies", sa.JSON()),
]


def _alter(table: str, column: str, old: sa.types.TypeEngine, new: sa.types.TypeEngine) -> None:
    target = "text" if isinstance(new, sa.Text) else "json" if isinstance(new, sa.JSON) else None
    kwargs = {"postgresql_using": f"{column}::{target}"} if target else {}
    with op.batch_alter_table(table) as batch:
        batch.alter_column(column, type_=new, existing_type=old, **kwargs)


def upgrade() -> None:
    for table, column, old in TO_TEXT:
        _alter(table, column, old, sa.Text())
    with op.batch_alter_table("organisation") as batch:
        batch.add_column(
            sa.Column("retention", sa.JSON(), nullable=False, server_default=sa.text("'{}'"))
        )
    with op.batch_alter_table("organisation") as batch:
        batch.alter_column("retention", server_default=None, existing_type=sa.JSON())
    with op.batch_alter_table("person") as batch:
        batch.add_column(sa.Column("erased_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("match") as batch:
        batch.add_column(sa.Column("anonymised_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("outbox_message") as batch:
        batch.add_column(sa.Column("purged_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    # Encrypted values do not turn back into JSON: downgrade only a database that never had
    # a key.
    with op.batch_alter_table("outbox_message") as batch:
        batch.drop_column("purged_at")
    with op.batch_alter_table("match") as batch:
        batch.drop_column("anonymised_at")
    with op.batch_alter_table("person") as batch:
        batch.drop_column("erased_at")
    with op.batch_alter_table("organisation") as batch:
        batch.drop_column("retention")
    for table, column, old in reversed(TO_TEXT):
        _alter(table, column, sa.Text(), old)
