"""Who a player is in the game (in-game name, BattleTag, other names, country), the key that keeps ladder names
unique without regard to case or lookalike letters, the rules they accepted, every change of their identity,
the setup they have not confirmed yet, the ladder's notices each player has acknowledged, and each player's rank when their match was made (for the match card).

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from db.identity import name_key

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("players", sa.Column("in_game_name", sa.String(length=32), nullable=True))
    op.add_column("players", sa.Column("battletag", sa.String(length=32), nullable=True))
    op.add_column(
        "players",
        sa.Column("alt_names", postgresql.ARRAY(sa.String(length=32)), server_default=sa.text("'{}'"), nullable=False),
    )
    op.add_column("players", sa.Column("country", sa.String(length=2), nullable=True))
    op.add_column("players", sa.Column("name_key", sa.String(length=64), nullable=True))
    op.add_column("players", sa.Column("rules_version", sa.String(length=64), nullable=True))
    op.add_column("players", sa.Column("rules_accepted_at", sa.DateTime(timezone=True), nullable=True))
    # Names given before the rule keep their key where no earlier player holds it; a later lookalike has none
    # until its player sets a name again.
    players = sa.table("players", sa.column("id", sa.BigInteger), sa.column("display_name", sa.String),
                       sa.column("name_key", sa.String))  # fmt: skip
    conn = op.get_bind()
    taken: set[str] = set()
    for player_id, shown in conn.execute(sa.select(players.c.id, players.c.display_name).order_by(players.c.id)):
        key = name_key(shown) if shown else ""
        if key and key not in taken:
            taken.add(key)
            conn.execute(players.update().where(players.c.id == player_id).values(name_key=key[:64]))
    op.create_index("players_name_key", "players", ["name_key"], unique=True)
    op.add_column("matches", sa.Column("player1_rank", sa.String(length=16), nullable=True))
    op.add_column("matches", sa.Column("player2_rank", sa.String(length=16), nullable=True))
    op.create_table(
        "identity_changes",
        sa.Column("id", sa.BigInteger(), primary_key=True),
        sa.Column("player_id", sa.BigInteger(), sa.ForeignKey("players.id", ondelete="CASCADE"), nullable=False),
        sa.Column("field", sa.String(length=24), nullable=False),
        sa.Column("old_value", sa.String(length=200), nullable=True),
        sa.Column("new_value", sa.String(length=200), nullable=True),
        sa.Column("changed_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
    )
    op.create_index("identity_changes_player", "identity_changes", ["player_id", "id"])
    op.create_table(
        "notices_seen",
        sa.Column("player_id", sa.BigInteger(), sa.ForeignKey("players.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("notice", sa.String(length=32), primary_key=True),
        sa.Column("seen_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
    )
    op.create_table(
        "identity_drafts",
        sa.Column("player_id", sa.BigInteger(), sa.ForeignKey("players.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("draft", postgresql.JSONB(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("identity_drafts")
    op.drop_table("notices_seen")
    op.drop_index("identity_changes_player", table_name="identity_changes")
    op.drop_table("identity_changes")
    op.drop_column("matches", "player2_rank")
    op.drop_column("matches", "player1_rank")
    op.drop_index("players_name_key", table_name="players")
    for column in ("rules_accepted_at", "rules_version", "name_key", "country", "alt_names", "battletag",
                   "in_game_name"):  # fmt: skip
        op.drop_column("players", column)
