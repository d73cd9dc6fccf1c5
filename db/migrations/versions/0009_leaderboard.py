"""The leaderboard of every race at once, filtered by race, country and rank band, served by indexes.

Each rating row carries its player's country and the races the player rates higher (`better_races`), both kept
by triggers, so "best race only" among any chosen races and a country's board are conditions on one index.

Revision ID: 0009
Revises: 0008
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Each rating row's better races: the player's other races with a game, rated higher (or as high, earlier by code).
_BETTER_OF_EVERYONE = """
    UPDATE ratings r SET better_races = ARRAY(
        SELECT o.race FROM ratings o
        WHERE o.player_id = r.player_id AND o.games > 0 AND o.race <> r.race
          AND (o.rating > r.rating OR (o.rating = r.rating AND o.race < r.race))
        ORDER BY o.race)
"""

_FUNCTIONS = """
CREATE FUNCTION ratings_country() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.country := (SELECT country FROM players WHERE id = NEW.player_id);
    RETURN NEW;
END $$;

CREATE FUNCTION players_country_to_ratings() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE ratings SET country = NEW.country WHERE player_id = NEW.id AND country IS DISTINCT FROM NEW.country;
    RETURN NULL;
END $$;

-- After any statement that wrote ratings: the better races of every row of the players it touched. The update
-- it makes fires this trigger again one level down, where it stops.
CREATE FUNCTION ratings_better_races() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF pg_trigger_depth() > 1 THEN
        RETURN NULL;
    END IF;
    UPDATE ratings r SET better_races = b.races
    FROM (SELECT r2.player_id, r2.race, ARRAY(
            SELECT o.race FROM ratings o
            WHERE o.player_id = r2.player_id AND o.games > 0 AND o.race <> r2.race
              AND (o.rating > r2.rating OR (o.rating = r2.rating AND o.race < r2.race))
            ORDER BY o.race)::varchar(32)[] AS races
          FROM ratings r2 WHERE r2.player_id IN (SELECT player_id FROM changed)) AS b
    WHERE r.player_id = b.player_id AND r.race = b.race AND r.better_races IS DISTINCT FROM b.races;
    RETURN NULL;
END $$;

CREATE TRIGGER ratings_country BEFORE INSERT ON ratings FOR EACH ROW EXECUTE FUNCTION ratings_country();
CREATE TRIGGER players_country_to_ratings AFTER UPDATE OF country ON players
    FOR EACH ROW WHEN (OLD.country IS DISTINCT FROM NEW.country) EXECUTE FUNCTION players_country_to_ratings();
CREATE TRIGGER ratings_better_after_insert AFTER INSERT ON ratings REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION ratings_better_races();
CREATE TRIGGER ratings_better_after_update AFTER UPDATE ON ratings REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION ratings_better_races();
"""

_INCLUDE = ["last_played_at", "better_races"]


def upgrade() -> None:
    op.add_column("ratings", sa.Column("country", sa.String(2), nullable=True))
    op.add_column(
        "ratings",
        sa.Column("better_races", postgresql.ARRAY(sa.String(32)), server_default=sa.text("'{}'"), nullable=False),
    )
    op.execute("UPDATE ratings r SET country = p.country FROM players p WHERE p.id = r.player_id")
    op.execute(_BETTER_OF_EVERYONE)
    op.execute(_FUNCTIONS)
    op.drop_index("ratings_leaderboard", table_name="ratings")
    games = sa.text("games > 0")
    op.create_index("ratings_leaderboard", "ratings", ["race", sa.text("rating DESC"), "player_id"],
                    postgresql_where=games, postgresql_include=_INCLUDE)  # fmt: skip
    op.create_index("ratings_board", "ratings", [sa.text("rating DESC"), "player_id", "race"],
                    postgresql_where=games, postgresql_include=_INCLUDE)  # fmt: skip
    op.create_index("ratings_board_country", "ratings", ["country", sa.text("rating DESC"), "player_id", "race"],
                    postgresql_where=games, postgresql_include=_INCLUDE)  # fmt: skip


def downgrade() -> None:
    op.drop_index("ratings_board_country", table_name="ratings")
    op.drop_index("ratings_board", table_name="ratings")
    op.drop_index("ratings_leaderboard", table_name="ratings")
    op.create_index("ratings_leaderboard", "ratings", ["race", sa.text("rating DESC"), "player_id"],
                    postgresql_where=sa.text("games > 0"), postgresql_include=["last_played_at"])  # fmt: skip
    op.execute(
        "DROP TRIGGER ratings_better_after_update ON ratings; DROP TRIGGER ratings_better_after_insert ON ratings;"
        " DROP TRIGGER players_country_to_ratings ON players; DROP TRIGGER ratings_country ON ratings;"
        " DROP FUNCTION ratings_better_races(); DROP FUNCTION players_country_to_ratings();"
        " DROP FUNCTION ratings_country();"
    )
    op.drop_column("ratings", "better_races")
    op.drop_column("ratings", "country")
