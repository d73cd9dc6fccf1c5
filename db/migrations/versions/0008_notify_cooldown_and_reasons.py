"""Each player's own /notify cooldown; a ban's reason as long as any admin reason (500 characters).

Revision ID: 0008
Revises: 0007
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("players", sa.Column("notify_cooldown_s", sa.Float(), nullable=True))
    op.alter_column("players", "ban_reason", type_=sa.String(length=500), existing_nullable=True)


def downgrade() -> None:
    op.alter_column("players", "ban_reason", type_=sa.String(length=200), existing_nullable=True)
    op.drop_column("players", "notify_cooldown_s")
