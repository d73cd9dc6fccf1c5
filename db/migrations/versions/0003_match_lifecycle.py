"""The match after it is found: confirmations, reports, results, rating changes; setup, cooldowns, audit.

Revision ID: 0003
Revises: 0002
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.add_column("players", sa.Column("setup_at", _TS, nullable=True))
    op.add_column("players", sa.Column("cooldown_until", _TS, nullable=True))
    op.add_column("players", sa.Column("notify_on_join", sa.Boolean(), server_default=sa.text("false"), nullable=False))
    op.add_column("players", sa.Column("notified_at", _TS, nullable=True))

    op.add_column("ratings", sa.Column("last_played_at", _TS, nullable=True))
    op.create_index(
        "ratings_leaderboard",
        "ratings",
        ["race", sa.text("rating DESC"), "player_id"],
        postgresql_where=sa.text("games > 0"),
        postgresql_include=["last_played_at"],
    )

    for name, type_ in (
        ("confirm_by", _TS),
        ("reminded_at", _TS),
        ("player1_confirmed_at", _TS),
        ("player2_confirmed_at", _TS),
        ("confirmed_at", _TS),
        ("report_by", _TS),
        ("player1_report", sa.String(8)),
        ("player2_report", sa.String(8)),
        ("result", sa.String(8)),
        ("end_reason", sa.String(16)),
        ("aborted_by", sa.BigInteger()),
        ("resolved_by", sa.BigInteger()),
        ("ended_at", _TS),
        ("player1_rating_change", sa.Float()),
        ("player2_rating_change", sa.Float()),
        ("player1_message_ref", postgresql.JSONB()),
        ("player2_message_ref", postgresql.JSONB()),
    ):
        op.add_column("matches", sa.Column(name, type_, nullable=True))
    op.create_check_constraint(
        "matches_report1", "matches", "player1_report IS NULL OR player1_report IN ('win', 'loss', 'draw')"
    )
    op.create_check_constraint(
        "matches_report2", "matches", "player2_report IS NULL OR player2_report IN ('win', 'loss', 'draw')"
    )
    op.create_check_constraint(
        "matches_result_known", "matches", "result IS NULL OR result IN ('player1', 'player2', 'draw')"
    )
    op.create_check_constraint(
        "matches_completed_has_result", "matches", "(state = 'completed') = (result IS NOT NULL)"
    )
    op.create_index(
        "matches_confirm_due", "matches", ["confirm_by"], postgresql_where=sa.text("state = 'awaiting_confirmation'")
    )
    op.create_index("matches_report_due", "matches", ["report_by"], postgresql_where=sa.text("state = 'confirmed'"))
    op.create_index("matches_completed", "matches", ["ended_at"], postgresql_where=sa.text("state = 'completed'"))

    # Matches found before this revision have no deadline and no buttons: call them off, so their players
    # are free to queue again.
    op.execute(
        "UPDATE matches SET state = 'aborted', end_reason = 'upgrade', ended_at = now()"
        " WHERE state = 'awaiting_confirmation'"
    )

    op.create_table(
        "audit_log",
        sa.Column("id", sa.BigInteger(), primary_key=True),
        sa.Column("at", _TS, server_default=sa.text("now()"), nullable=False),
        sa.Column("actor_id", sa.BigInteger(), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("player_id", sa.BigInteger(), nullable=True),
        sa.Column("match_id", sa.BigInteger(), nullable=True),
        sa.Column("details", postgresql.JSONB(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("audit_log")
    for index in ("matches_completed", "matches_report_due", "matches_confirm_due"):
        op.drop_index(index, table_name="matches")
    for constraint in ("matches_completed_has_result", "matches_result_known", "matches_report2", "matches_report1"):
        op.drop_constraint(constraint, "matches", type_="check")
    for name in (
        "confirm_by", "reminded_at", "player1_confirmed_at", "player2_confirmed_at", "confirmed_at", "report_by",
        "player1_report", "player2_report", "result", "end_reason", "aborted_by", "resolved_by", "ended_at",
        "player1_rating_change", "player2_rating_change", "player1_message_ref", "player2_message_ref",
    ):  # fmt: skip
        op.drop_column("matches", name)
    op.drop_index("ratings_leaderboard", table_name="ratings")
    op.drop_column("ratings", "last_played_at")
    for name in ("notified_at", "notify_on_join", "cooldown_until", "setup_at"):
        op.drop_column("players", name)
