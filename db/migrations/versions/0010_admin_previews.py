"""What an admin is about to do, kept until they confirm or cancel it; the Discord name players are found by; the
indexes /activity counts by hour with.

Revision ID: 0010
Revises: 0009
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "admin_previews",
        sa.Column("id", sa.BigInteger(), primary_key=True),
        sa.Column("actor_id", sa.BigInteger(), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("params", postgresql.JSONB(), nullable=False),
        sa.Column("shown", postgresql.JSONB(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision", sa.String(16), nullable=True),
    )
    op.add_column("players", sa.Column("discord_name", sa.String(100), nullable=True))
    op.create_index("players_display_name_lower", "players", [sa.text("lower(display_name) text_pattern_ops")])
    op.create_index("players_discord_name_lower", "players", [sa.text("lower(discord_name) text_pattern_ops")])
    op.create_index("queue_entries_joined", "queue_entries", ["joined_at"])
    op.create_index("matches_created", "matches", ["created_at"])


def downgrade() -> None:
    op.drop_index("matches_created", table_name="matches")
    op.drop_index("queue_entries_joined", table_name="queue_entries")
    op.drop_index("players_discord_name_lower", table_name="players")
    op.drop_index("players_display_name_lower", table_name="players")
    op.drop_column("players", "discord_name")
    op.drop_table("admin_previews")
