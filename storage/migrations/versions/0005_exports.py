"""export_key: each organisation's secret for pseudonymised exports

Revision ID: 0005_exports
Revises: 0004_address
Create Date: 2026-12-03 07:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.types


revision = '0005_exports'
down_revision = '0004_address'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'export_key',
        sa.Column('organisation_id', sa.Integer(), nullable=False),
        sa.Column('secret', sa.LargeBinary(), nullable=False),
        sa.Column('created_at', storage.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_export_key_organisation_id_organisation')),
        sa.PrimaryKeyConstraint('organisation_id', name=op.f('pk_export_key')),
    )


def downgrade() -> None:
    op.drop_table('export_key')
