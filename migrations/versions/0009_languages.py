"""languages and time zones: a user's interface language and time zone, a position's language

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 14:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('user') as batch:
        batch.add_column(sa.Column('language', sa.String(length=8), nullable=True))
        batch.add_column(sa.Column('time_zone', sa.String(length=64), nullable=True))
    with op.batch_alter_table('position') as batch:
        batch.add_column(sa.Column('language', sa.String(length=8), nullable=False,
                                   server_default='en'))


def downgrade() -> None:
    with op.batch_alter_table('position') as batch:
        batch.drop_column('language')
    with op.batch_alter_table('user') as batch:
        batch.drop_column('time_zone')
        batch.drop_column('language')
