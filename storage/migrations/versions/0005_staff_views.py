"""staff views: the quiet-match policy per organisation and the alerts of the chain

Revision ID: 0005_staff_views
Revises: 0002_origin_name
Create Date: 2026-12-03 07:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.types


revision = '0005_staff_views'
down_revision = '0002_origin_name'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('quiet_days', sa.JSON(), nullable=False, server_default='[14, 28, 45]')
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
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.drop_column('quiet_days')
