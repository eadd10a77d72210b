"""interviews can be cancelled, and carry their calendar invitation's sequence number

Revision ID: 0008
Revises: 0004
Create Date: 2026-12-01 11:20:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0008'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('interview') as batch:
        batch.add_column(sa.Column('status', sa.String(length=20), nullable=False,
                                   server_default='scheduled'))
        batch.add_column(sa.Column('sequence', sa.Integer(), nullable=False,
                                   server_default='0'))


def downgrade() -> None:
    with op.batch_alter_table('interview') as batch:
        batch.drop_column('sequence')
        batch.drop_column('status')
