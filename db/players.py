"""Players as the bot shows them: setup, profile and ranks (async, short transactions; the board is db.leaderboard)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from db.ladder import Ladder


@dataclass(frozen=True)
class RaceStanding:
    race: str
    rating: float
    games: int
    wins: int
    losses: int
    draws: int
    rank: str | None  # None: unranked (no game recently)
    position: int | None  # 1 = best of the active players of this race
    last_played_at: datetime | None = None
    # Wins, losses and draws of the last days, by the number of days (RECORD_DAYS).
    lately: dict[int, Record] = field(default_factory=dict)

    @property
    def win_rate(self) -> float | None:
        """Wins among the games played (a draw counts as a game not won); None before the first game."""
        return self.wins / self.games if self.games else None


@dataclass(frozen=True)
class Record:
    wins: int = 0
    losses: int = 0
    draws: int = 0


# The windows of a profile's recent record, in days.
RECORD_DAYS = (7, 30, 90)


@dataclass(frozen=True)
class PastMatch:
    match_id: int
    state: str
    result: str | None
    opponent_id: int
    opponent_name: str | None
    race: str
    opponent_race: str
    rating_change: float | None
    at: datetime


@dataclass(frozen=True)
class Profile:
    player_id: int
    display_name: str | None
    region: str | None
    banned: bool
    standings: list[RaceStanding]
    recent: list[PastMatch]
    # Who they are in the game (none until they set it up).
    in_game_name: str | None = None
    battletag: str | None = None
    alt_names: tuple[str, ...] = ()
    country: str | None = None


async def set_up(
    session: AsyncSession,
    player_id: int,
    display_name: str,
    region: str,
    *,
    language: str | None = None,
    locale: str | None = None,
) -> None:
    """`language`: the player's choice (None keeps the one they had); `locale`: their client's."""
    await session.execute(
        text(
            "INSERT INTO players (id, display_name, region, setup_at, language, locale)"
            " VALUES (:p, :name, :region, now(), :language, :locale)"
            " ON CONFLICT (id) DO UPDATE SET display_name = EXCLUDED.display_name, region = EXCLUDED.region,"
            " setup_at = now(), language = COALESCE(EXCLUDED.language, players.language),"
            " locale = COALESCE(EXCLUDED.locale, players.locale)"
        ),
        {"p": player_id, "name": display_name, "region": region, "language": language, "locale": locale},
    )


async def set_language(session: AsyncSession, player_id: int, language: str) -> None:
    await session.execute(
        text(
            "INSERT INTO players (id, language) VALUES (:p, :language)"
            " ON CONFLICT (id) DO UPDATE SET language = EXCLUDED.language"
        ),
        {"p": player_id, "language": language},
    )


async def chosen_language(session: AsyncSession, player_id: int) -> str | None:
    found = await session.execute(text("SELECT language FROM players WHERE id = :p"), {"p": player_id})
    return found.scalar()


async def is_set_up(session: AsyncSession, player_id: int) -> bool:
    found = await session.execute(text("SELECT setup_at IS NOT NULL FROM players WHERE id = :p"), {"p": player_id})
    return bool(found.scalar())


async def set_notify(session: AsyncSession, player_id: int, on: bool, cooldown_s: float | None = None) -> float | None:
    """/notify on or off, and the player's own cooldown when given (kept otherwise); returns the cooldown they
    now have (None: the ladder's)."""
    row = await session.execute(
        text(
            "INSERT INTO players (id, notify_on_join, notify_cooldown_s) VALUES (:p, :on, :cooldown)"
            " ON CONFLICT (id) DO UPDATE SET notify_on_join = EXCLUDED.notify_on_join,"
            " notify_cooldown_s = COALESCE(EXCLUDED.notify_cooldown_s, players.notify_cooldown_s)"
            " RETURNING notify_cooldown_s"
        ),
        {"p": player_id, "on": on, "cooldown": cooldown_s},
    )
    return row.scalar()


def rank_of(position: int, active: int, ladder: Ladder) -> str:
    """The band of the player at `position` (1 = best) among `active` players: the first band whose
    cumulative share reaches the player's percentile (the middle of their place, so one player alone sits
    in the middle band, not the last)."""
    percentile = (position - 0.5) / active
    reached = 0.0
    for band in ladder.ranks.bands:
        reached += band.share
        if percentile <= reached + 1e-9:
            return band.name
    return ladder.ranks.bands[-1].name


# Players of a race with a game in the last `active_days` are the ones ranked.
_ACTIVE_COUNT = text(
    "SELECT count(*) FROM ratings"
    " WHERE race = :race AND games > 0 AND last_played_at > now() - make_interval(secs => :days * 86400)"
)
_ACTIVE_ABOVE = text(
    "SELECT count(*) FROM ratings"
    " WHERE race = :race AND games > 0 AND last_played_at > now() - make_interval(secs => :days * 86400)"
    " AND (rating > :rating OR (rating = :rating AND player_id < :p))"
)


async def _active_count(session: AsyncSession, race: str, days: float) -> int:
    found = await session.execute(_ACTIVE_COUNT, {"race": race, "days": days})
    return int(found.scalar_one())


async def _position(session: AsyncSession, race: str, days: float, rating: float, player_id: int) -> int:
    """1 + the active players of the race ranked above this rating (ties go to the lower player id)."""
    found = await session.execute(_ACTIVE_ABOVE, {"race": race, "days": days, "rating": rating, "p": player_id})
    return int(found.scalar_one()) + 1


async def profile(session: AsyncSession, player_id: int, ladder: Ladder, recent: int = 5) -> Profile | None:
    player = (
        await session.execute(
            text(
                "SELECT display_name, region, banned, in_game_name, battletag, alt_names, country"
                " FROM players WHERE id = :p"
            ),
            {"p": player_id},
        )
    ).one_or_none()
    if player is None:
        return None
    days = ladder.ranks.active_days
    rows = (
        await session.execute(
            text(
                "SELECT race, rating, games, wins, losses, draws, last_played_at,"
                " games > 0 AND last_played_at > now() - make_interval(secs => :days * 86400) AS active"
                " FROM ratings WHERE player_id = :p ORDER BY rating DESC"
            ),
            {"p": player_id, "days": days},
        )
    ).all()
    lately = await _lately(session, player_id)
    standings = []
    for r in rows:
        rank = position = None
        if r.active:
            position = await _position(session, r.race, days, r.rating, player_id)
            rank = rank_of(position, await _active_count(session, r.race, days), ladder)
        standings.append(RaceStanding(r.race, r.rating, r.games, r.wins, r.losses, r.draws, rank, position,
                                      r.last_played_at, lately.get(r.race, {})))  # fmt: skip
    history = (
        await session.execute(
            text(
                "SELECT m.id, m.state, m.result, m.created_at,"
                " CASE WHEN m.player1_id = :p THEN 1 ELSE 2 END AS slot,"
                " CASE WHEN m.player1_id = :p THEN m.player2_id ELSE m.player1_id END AS opponent_id,"
                " CASE WHEN m.player1_id = :p THEN m.player1_race ELSE m.player2_race END AS race,"
                " CASE WHEN m.player1_id = :p THEN m.player2_race ELSE m.player1_race END AS opponent_race,"
                " CASE WHEN m.player1_id = :p THEN m.player1_rating_change ELSE m.player2_rating_change END AS change,"
                " o.display_name AS opponent_name"
                " FROM (SELECT * FROM matches WHERE player1_id = :p UNION ALL"
                "       SELECT * FROM matches WHERE player2_id = :p) AS m"
                " JOIN players o ON o.id = CASE WHEN m.player1_id = :p THEN m.player2_id ELSE m.player1_id END"
                " ORDER BY m.id DESC LIMIT :n"
            ),
            {"p": player_id, "n": recent},
        )
    ).all()
    past = [
        PastMatch(h.id, h.state, _as_seen_by(h.result, h.slot), h.opponent_id, h.opponent_name, h.race,
                  h.opponent_race, h.change, h.created_at)
        for h in history
    ]  # fmt: skip
    return Profile(player_id, player.display_name, player.region, player.banned, standings, past,
                   player.in_game_name, player.battletag, tuple(player.alt_names or ()), player.country)  # fmt: skip


async def _lately(session: AsyncSession, player_id: int) -> dict[str, dict[int, Record]]:
    """The player's record per race over each window of RECORD_DAYS, from their completed matches."""
    rows = (
        await session.execute(
            text(
                "SELECT race, days, count(*) FILTER (WHERE outcome = 'win') AS wins,"
                " count(*) FILTER (WHERE outcome = 'loss') AS losses,"
                " count(*) FILTER (WHERE outcome = 'draw') AS draws"
                " FROM (SELECT CASE WHEN player1_id = :p THEN player1_race ELSE player2_race END AS race,"
                "  CASE WHEN result = 'draw' THEN 'draw'"
                "   WHEN result = (CASE WHEN player1_id = :p THEN 'player1' ELSE 'player2' END) THEN 'win'"
                "   ELSE 'loss' END AS outcome, ended_at"
                "  FROM (SELECT * FROM matches WHERE player1_id = :p UNION ALL"
                "        SELECT * FROM matches WHERE player2_id = :p) AS mine"
                "  WHERE state = 'completed' AND ended_at > now() - make_interval(days => :longest)) AS played"
                " CROSS JOIN unnest(CAST(:windows AS int[])) AS days"
                " WHERE ended_at > now() - make_interval(days => days)"
                " GROUP BY race, days"
            ),
            {"p": player_id, "longest": max(RECORD_DAYS), "windows": list(RECORD_DAYS)},
        )
    ).all()
    lately: dict[str, dict[int, Record]] = {}
    for r in rows:
        lately.setdefault(r.race, {})[r.days] = Record(r.wins, r.losses, r.draws)
    return lately


def _as_seen_by(result: str | None, slot: int) -> str | None:
    """The match's result in the player's own words: win, loss or draw."""
    if result is None:
        return None
    if result == "draw":
        return "draw"
    return "win" if result == f"player{slot}" else "loss"
