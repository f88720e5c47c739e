"""the life of a match: profiles, requests, offers to mentors, stages and fixed closure reasons

Matches made before (in the CLI) keep working: an active one is given the stage `active`
(started, its first meeting counted as held on the day it started), a proposed one `forming`,
a closed one `closed` with the closure code `legacy` (its free-text reason kept).

Revision ID: 0009_match_life
Revises: 0008_relay
Create Date: 2026-12-03 07:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.types

revision = "0009_match_life"
down_revision = "0008_relay"
branch_labels = None
depends_on = None


def _enum(name: str, *values: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, length=24)


STAGES = ("forming", "first_meeting", "active", "closed")
REASONS = (
    "goals_reached",
    "period_ended",
    "family_moved",
    "mentor_unavailable",
    "conflict",
    "unreachable",
    "not_started",
    "legacy",
)


def upgrade() -> None:
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("request_age_limit_days", sa.Integer(), nullable=False, server_default="45")
        )
        batch_op.add_column(
            sa.Column("evaluation_months", sa.JSON(), nullable=False, server_default="[3, 6]")
        )
        batch_op.add_column(
            sa.Column("evaluation_every_months", sa.Integer(), nullable=False, server_default="6")
        )
        batch_op.add_column(sa.Column("rematch_policy", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("contact_policy", sa.Text(), nullable=True))

    with op.batch_alter_table("match", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "stage", _enum("matchstage", *STAGES), nullable=False, server_default="active"
            )
        )
        batch_op.add_column(sa.Column("initiated_on", sa.Date(), nullable=True))
        batch_op.add_column(
            sa.Column("closure_code", _enum("closurereason", *REASONS), nullable=True)
        )
        batch_op.add_column(
            sa.Column("closure_kind", _enum("closurekind", "planned", "unplanned"), nullable=True)
        )
        batch_op.add_column(sa.Column("closed_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "first_meeting_outcome",
                _enum(
                    "firstmeetingoutcome",
                    "agreed",
                    "family_not_ready",
                    "mentor_withdrew",
                    "not_a_fit",
                    "did_not_take_place",
                ),
                nullable=True,
            )
        )
        batch_op.add_column(sa.Column("closure_steps", sa.JSON(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_match_closed_by_id_person"), "person", ["closed_by_id"], ["id"]
        )
    # The states the matches made before need.
    op.execute(
        "UPDATE match SET stage = 'active', initiated_on = started_on, "
        "first_meeting_outcome = 'agreed' WHERE status = 'active'"
    )
    op.execute("UPDATE match SET stage = 'forming' WHERE status = 'proposed'")
    op.execute(
        "UPDATE match SET stage = 'closed', closure_code = 'legacy', closure_kind = 'unplanned' "
        "WHERE status = 'closed'"
    )

    op.create_table(
        "mentor_profile",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("languages", sa.JSON(), nullable=False),
        sa.Column("area", sa.String(length=100), nullable=True),
        sa.Column("availability", sa.JSON(), nullable=False),
        sa.Column("skills", sa.JSON(), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("gender", _enum("gender", "female", "male", "nonbinary"), nullable=True),
        sa.Column("updated_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_mentor_profile_person_id_person")
        ),
        sa.PrimaryKeyConstraint("person_id", name=op.f("pk_mentor_profile")),
    )
    op.create_table(
        "family_profile",
        sa.Column("family_id", sa.Integer(), nullable=False),
        sa.Column("languages", sa.JSON(), nullable=False),
        sa.Column("area", sa.String(length=100), nullable=True),
        sa.Column("needs", sa.JSON(), nullable=False),
        sa.Column("availability", sa.JSON(), nullable=False),
        sa.Column("preferences", sa.JSON(), nullable=False),
        sa.Column("updated_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["family_id"], ["family.id"], name=op.f("fk_family_profile_family_id_family")
        ),
        sa.PrimaryKeyConstraint("family_id", name=op.f("pk_family_profile")),
    )
    op.create_table(
        "match_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("family_id", sa.Integer(), nullable=False),
        sa.Column("worker_id", sa.Integer(), nullable=False),
        sa.Column("needs", sa.JSON(), nullable=False),
        sa.Column("urgency", _enum("urgency", "low", "normal", "high"), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column(
            "status",
            _enum("requeststatus", "waiting", "matching", "matched", "cancelled"),
            nullable=False,
        ),
        sa.Column("match_id", sa.Integer(), nullable=True),
        sa.Column("previous_match_id", sa.Integer(), nullable=True),
        sa.Column("created_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("overdue_flagged_at", storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("closed_at", storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["family_id"], ["family.id"], name=op.f("fk_match_request_family_id_family")
        ),
        sa.ForeignKeyConstraint(
            ["match_id"], ["match.id"], name=op.f("fk_match_request_match_id_match")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_match_request_organisation_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["previous_match_id"],
            ["match.id"],
            name=op.f("fk_match_request_previous_match_id_match"),
        ),
        sa.ForeignKeyConstraint(
            ["worker_id"], ["person.id"], name=op.f("fk_match_request_worker_id_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_match_request")),
    )
    op.create_index(
        "ix_match_request_queue", "match_request", ["organisation_id", "status"], unique=False
    )
    op.create_index(
        op.f("ix_match_request_family_id"), "match_request", ["family_id"], unique=False
    )
    op.create_index(op.f("ix_match_request_match_id"), "match_request", ["match_id"], unique=False)
    op.create_index(
        op.f("ix_match_request_worker_id"), "match_request", ["worker_id"], unique=False
    )
    op.create_table(
        "match_offer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("match_id", sa.Integer(), nullable=False),
        sa.Column("mentor_id", sa.Integer(), nullable=False),
        sa.Column("asked_by_id", sa.Integer(), nullable=True),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("summary", sa.JSON(), nullable=False),
        sa.Column(
            "status",
            _enum("offerstatus", "asked", "accepted", "declined", "withdrawn"),
            nullable=False,
        ),
        sa.Column(
            "decline_reason",
            _enum("declinereason", "no_time", "too_far", "not_my_skills", "personal", "other"),
            nullable=True,
        ),
        sa.Column("asked_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("answered_at", storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["asked_by_id"], ["person.id"], name=op.f("fk_match_offer_asked_by_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["match_id"], ["match.id"], name=op.f("fk_match_offer_match_id_match")
        ),
        sa.ForeignKeyConstraint(
            ["mentor_id"], ["person.id"], name=op.f("fk_match_offer_mentor_id_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_match_offer")),
        sa.UniqueConstraint("match_id", "mentor_id", name=op.f("uq_match_offer_match_id")),
    )
    op.create_index(op.f("ix_match_offer_match_id"), "match_offer", ["match_id"], unique=False)
    op.create_index(op.f("ix_match_offer_mentor_id"), "match_offer", ["mentor_id"], unique=False)
    op.create_table(
        "match_feedback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("match_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("party", _enum("party", "mentee", "mentor", "worker"), nullable=False),
        sa.Column("round", sa.String(length=24), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("asked_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("answered_at", storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["match_id"], ["match.id"], name=op.f("fk_match_feedback_match_id_match")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_match_feedback_person_id_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_match_feedback")),
        sa.UniqueConstraint(
            "match_id", "round", "person_id", name=op.f("uq_match_feedback_match_id")
        ),
    )
    op.create_index(
        op.f("ix_match_feedback_match_id"), "match_feedback", ["match_id"], unique=False
    )
    op.create_index(
        op.f("ix_match_feedback_person_id"), "match_feedback", ["person_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_match_feedback_person_id"), table_name="match_feedback")
    op.drop_index(op.f("ix_match_feedback_match_id"), table_name="match_feedback")
    op.drop_table("match_feedback")
    op.drop_index(op.f("ix_match_offer_mentor_id"), table_name="match_offer")
    op.drop_index(op.f("ix_match_offer_match_id"), table_name="match_offer")
    op.drop_table("match_offer")
    op.drop_index(op.f("ix_match_request_worker_id"), table_name="match_request")
    op.drop_index(op.f("ix_match_request_match_id"), table_name="match_request")
    op.drop_index(op.f("ix_match_request_family_id"), table_name="match_request")
    op.drop_index("ix_match_request_queue", table_name="match_request")
    op.drop_table("match_request")
    op.drop_table("family_profile")
    op.drop_table("mentor_profile")
    with op.batch_alter_table("match", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_match_closed_by_id_person"), type_="foreignkey")
        batch_op.drop_column("closure_steps")
        batch_op.drop_column("first_meeting_outcome")
        batch_op.drop_column("closed_by_id")
        batch_op.drop_column("closure_kind")
        batch_op.drop_column("closure_code")
        batch_op.drop_column("initiated_on")
        batch_op.drop_column("stage")
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.drop_column("contact_policy")
        batch_op.drop_column("rematch_policy")
        batch_op.drop_column("evaluation_every_months")
        batch_op.drop_column("evaluation_months")
        batch_op.drop_column("request_age_limit_days")
