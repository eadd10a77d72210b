"""a session generation per user, so logout, password changes and deactivation end sessions

Every browser session remembers the generation it logged in with; services.auth bumps the
stored one to end all of a user's sessions at once.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 11:30:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('user') as batch:
        batch.add_column(sa.Column('session_generation', sa.Integer(), nullable=False,
                                   server_default='0'))


def downgrade() -> None:
    with op.batch_alter_table('user') as batch:
        batch.drop_column('session_generation')
