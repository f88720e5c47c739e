"""relayed messages: the relay table, and outbox rows that copy a message; the labels of a
mentee's reply keyboard

Revision ID: 0008_relay
Revises: 0007_data_life
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.types

revision = "0008_relay"
down_revision = "0007_data_life"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "relay",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("sender_id", sa.Integer(), nullable=False),
        sa.Column("match_id", sa.Integer(), nullable=True),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("message_id", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("locale", sa.String(length=16), nullable=False),
        sa.Column("answer_to_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("audience", sa.String(length=16), nullable=True),
        sa.Column("created_at", storage.types.UTCDateTime(), nullable=False),
        sa.Column("decided_at", storage.types.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["answer_to_id"], ["relay.id"], name=op.f("fk_relay_answer_to_id_relay")
        ),
        sa.ForeignKeyConstraint(["match_id"], ["match.id"], name=op.f("fk_relay_match_id_match")),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_relay_organisation_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["sender_id"], ["person.id"], name=op.f("fk_relay_sender_id_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_relay")),
    )
    with op.batch_alter_table("relay", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_relay_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_relay_sender_id"), ["sender_id"], unique=False)
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.add_column(sa.Column("copy_chat_id", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("copy_message_id", sa.BigInteger(), nullable=True))
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.add_column(sa.Column("keyboard_labels", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.drop_column("keyboard_labels")
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.drop_column("copy_message_id")
        batch_op.drop_column("copy_chat_id")
    with op.batch_alter_table("relay", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_relay_sender_id"))
        batch_op.drop_index(batch_op.f("ix_relay_organisation_id"))
    op.drop_table("relay")
