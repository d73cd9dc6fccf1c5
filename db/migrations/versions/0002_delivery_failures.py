"""Deliveries the bot gave up on, and a lookup of a match's events by match id.

Revision ID: 0002
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "delivery_failures",
        sa.Column("event_id", sa.BigInteger(), nullable=False),
        sa.Column("player_id", sa.BigInteger(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=300), nullable=False),
        sa.Column("failed_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(["event_id"], ["outbox.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("event_id", "player_id"),
    )
    op.create_index(
        "outbox_match_events", "outbox", [sa.text("((payload->>'match_id')::bigint)"), "type"], unique=False
    )


def downgrade() -> None:
    op.drop_index("outbox_match_events", table_name="outbox")
    op.drop_table("delivery_failures")
