"""staff check-ins: contacts of workers and coordinators with a match's parties, and each
organisation's check-in cadence

Revision ID: 0011_check_ins
Revises: 0010_support_signal
Create Date: 2026-12-03 10:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.types

revision = "0011_check_ins"
down_revision = "0010_support_signal"
branch_labels = None
depends_on = None


def _enum(name: str, *values: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, length=24)


def upgrade() -> None:
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "checkin_cadence",
                sa.JSON(),
                nullable=False,
                server_default='{"first_month": 2, "monthly": 1}',
            )
        )
    op.create_table(
        "check_in",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("match_id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("party", _enum("checkinparty", "mentor", "mentee", "family"), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("how", _enum("checkinhow", "phone", "visit", "message", "group"), nullable=False),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["match_id"], ["match.id"], name=op.f("fk_check_in_match_id_match")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_check_in_organisation_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_check_in_person_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["person.id"], name=op.f("fk_check_in_staff_id_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_check_in")),
    )
    with op.batch_alter_table("check_in", schema=None) as batch_op:
        batch_op.create_index("ix_check_in_match_day", ["match_id", "occurred_on"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_check_in_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_check_in_staff_id"), ["staff_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("check_in", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_check_in_staff_id"))
        batch_op.drop_index(batch_op.f("ix_check_in_organisation_id"))
        batch_op.drop_index("ix_check_in_match_day")
    op.drop_table("check_in")
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.drop_column("checkin_cadence")
