"""staff views: the quiet-match policy and the digest's weekday and hour per organisation;
the alerts of the quiet-match chain; the digests composed

Revision ID: 0006_staff_views
Revises: 0005_exports
Create Date: 2026-12-03 07:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.types


revision = '0006_staff_views'
down_revision = '0005_exports'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('quiet_days', sa.JSON(), nullable=False, server_default='[14, 28, 45]')
        )
        batch_op.add_column(
            sa.Column('digest_weekday', sa.Integer(), nullable=False, server_default='0')
        )
        batch_op.add_column(
            sa.Column('digest_hour', sa.Integer(), nullable=False, server_default='8')
        )
    op.create_table(
        'digest_run',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('sent', sa.Boolean(), nullable=False),
        sa.Column('created_at', storage.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_digest_run_person_id_person')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_digest_run')),
        sa.UniqueConstraint('person_id', 'day', name=op.f('uq_digest_run_person_id')),
    )
    op.create_table(
        'quiet_alert',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('match_id', sa.Integer(), nullable=False),
        sa.Column('level', sa.Integer(), nullable=False),
        sa.Column('spell_from', sa.Date(), nullable=False),
        sa.Column('days', sa.Integer(), nullable=False),
        sa.Column('sent_at', storage.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['match_id'], ['match.id'], name=op.f('fk_quiet_alert_match_id_match')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_quiet_alert')),
        sa.UniqueConstraint('match_id', 'level', 'spell_from', name=op.f('uq_quiet_alert_match_id')),
    )


def downgrade() -> None:
    op.drop_table('quiet_alert')
    op.drop_table('digest_run')
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.drop_column('digest_hour')
        batch_op.drop_column('digest_weekday')
        batch_op.drop_column('quiet_days')
