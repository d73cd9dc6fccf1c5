"""The leaderboard against a board worked out by hand: every filter, every page, places and ranks, the triggers
that keep each row's country and better races, and a board kept by the cache."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.ladder import Ladder
from db.leaderboard import BoardCache, BoardFilter, board
from db.players import rank_of

COUNTRIES = ["DE", "KR", "BR", None]
PER_PAGE = 7


@dataclass(frozen=True)
class Row:
    player: int
    race: str
    rating: float
    country: str | None
    active: bool


def _seed(engine: Engine, ladder: Ladder, seed: int) -> list[Row]:
    rng = random.Random(seed)
    now = datetime.now(UTC)
    races = [r.code for r in ladder.races]
    rows = []
    with engine.begin() as conn:
        for player in range(1, 121):
            country = rng.choice(COUNTRIES)
            conn.execute(text("INSERT INTO players (id, display_name, country) VALUES (:p, :n, :c)"),
                         {"p": player, "n": f"P{player}", "c": country})  # fmt: skip
            for race in rng.sample(races, rng.choice([1, 1, 2, 3])):
                rating = rng.choice([1500.0, float(rng.randint(1200, 1800))])  # many ties at 1500
                active = rng.random() < 0.85
                played = now - timedelta(days=rng.uniform(0, 20) if active else rng.uniform(40, 80))
                conn.execute(
                    text(
                        "INSERT INTO ratings (player_id, race, rating, games, wins, losses, draws, last_played_at)"
                        " VALUES (:p, :r, :rating, 3, 1, 1, 1, :at)"
                    ),
                    {"p": player, "r": race, "rating": rating, "at": played},
                )
                rows.append(Row(player, race, rating, country, active))
    return rows


def _expected(rows: list[Row], ladder: Ladder, wanted: BoardFilter) -> list[tuple[int, str, str | None]]:
    """The board by hand: (player, race, rank) best first."""
    chosen = wanted.of(ladder)
    rank: dict[tuple[int, str], str] = {}
    for race in {r.race for r in rows}:
        active = sorted((r for r in rows if r.race == race and r.active), key=lambda r: (-r.rating, r.player))
        for place, r in enumerate(active, 1):
            rank[(r.player, r.race)] = rank_of(place, len(active), ladder)
    kept = [r for r in rows if r.race in chosen.races]
    if chosen.best_only:
        best = {}
        for r in sorted(kept, key=lambda r: (-r.rating, r.race)):
            best.setdefault(r.player, r)
        kept = list(best.values())
    if chosen.country:
        kept = [r for r in kept if r.country == chosen.country]
    if chosen.band:
        kept = [r for r in kept if rank.get((r.player, r.race)) == chosen.band]
    kept.sort(key=lambda r: (-r.rating, r.player, r.race))
    return [(r.player, r.race, rank.get((r.player, r.race))) for r in kept]


async def _whole(sessions: async_sessionmaker[AsyncSession], ladder: Ladder, wanted: BoardFilter,
                 cache: BoardCache) -> list[tuple[int, str, str | None]]:  # fmt: skip
    shown: list[tuple[int, str, str | None]] = []
    async with sessions() as session:
        first = await board(session, ladder, wanted, 1, cache, PER_PAGE)
        for page in range(1, first.pages + 1):
            got = await board(session, ladder, wanted, page, cache, PER_PAGE)
            assert got.page == page and got.pages == first.pages
            assert [r.position for r in got.rows] == list(range((page - 1) * PER_PAGE + 1, (page - 1) * PER_PAGE
                                                                 + len(got.rows) + 1))  # fmt: skip
            shown += [(r.player_id, r.race, r.rank) for r in got.rows]
        assert first.total == len(shown)
    return shown


FILTERS = [
    BoardFilter(),
    BoardFilter(best_only=True),
    BoardFilter(races=("bw_zerg", "sc2_terran")),
    BoardFilter(races=("bw_zerg", "sc2_terran"), best_only=True),
    BoardFilter(races=("bw_protoss",)),
    BoardFilter(country="KR"),
    BoardFilter(country="DE", best_only=True),
    BoardFilter(band="B"),
    BoardFilter(band="A"),
    BoardFilter(band="S"),  # 1% of some 30 players a race: nobody
    BoardFilter(band="D", best_only=True, races=("bw_terran", "bw_zerg", "bw_protoss")),
    BoardFilter(band="C", country="BR"),
]


@pytest.mark.parametrize("anchor_every", [3, 500])
async def test_every_filter_pages_through_the_board_worked_out_by_hand(
    engine: Engine, asessions: async_sessionmaker[AsyncSession], ladder: Ladder, anchor_every: int
) -> None:
    rows = _seed(engine, ladder, seed=anchor_every)
    cache = BoardCache(ttl_s=0, anchor_every=anchor_every)
    for wanted in FILTERS:
        expected = _expected(rows, ladder, wanted)
        assert expected or wanted.band == "S", f"the seed gives {wanted} nobody: the test would prove nothing"
        assert await _whole(asessions, ladder, wanted, cache) == expected, wanted


async def test_a_changed_rating_or_country_moves_the_player_on_the_next_board(
    engine: Engine, asessions: async_sessionmaker[AsyncSession], ladder: Ladder
) -> None:
    rows = _seed(engine, ladder, seed=7)
    two_races = next(p for p in {r.player for r in rows} if sum(r.player == p for r in rows) >= 2)
    worst = min((r for r in rows if r.player == two_races), key=lambda r: r.rating)
    with engine.begin() as conn:
        # Their worst race becomes their best; and they move to Korea.
        conn.execute(text("UPDATE ratings SET rating = 2500 WHERE player_id = :p AND race = :r"),
                     {"p": two_races, "r": worst.race})  # fmt: skip
        conn.execute(text("UPDATE players SET country = 'KR' WHERE id = :p"), {"p": two_races})
    rows = [
        Row(r.player, r.race, 2500 if r == worst else r.rating, "KR" if r.player == two_races else r.country,
            r.active) for r in rows
    ]  # fmt: skip
    cache = BoardCache(ttl_s=0, anchor_every=4)
    for wanted in (BoardFilter(best_only=True), BoardFilter(country="KR", best_only=True)):
        shown = await _whole(asessions, ladder, wanted, cache)
        assert shown == _expected(rows, ladder, wanted)
        assert [(p, race) for p, race, _ in shown if p == two_races] == [(two_races, worst.race)]


async def test_a_page_past_the_end_an_empty_board_and_a_kept_board(
    engine: Engine, asessions: async_sessionmaker[AsyncSession], ladder: Ladder
) -> None:
    rows = _seed(engine, ladder, seed=11)
    kept = BoardCache(ttl_s=3600, anchor_every=4)
    async with asessions() as session:
        last = await board(session, ladder, BoardFilter(), 10**6, kept, PER_PAGE)
        assert last.page == last.pages and last.total == len(rows) and last.rows
        nobody = await board(session, ladder, BoardFilter(country="FR"), 3, kept, PER_PAGE)
        assert (nobody.page, nobody.pages, nobody.total, nobody.rows) == (1, 1, 0, [])
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM ratings WHERE player_id <= 10"))
    async with asessions() as session:
        # The kept count stands until it is read again; a fresh cache sees the board as it is.
        again = await board(session, ladder, BoardFilter(), 1, kept, PER_PAGE)
        fresh = await board(session, ladder, BoardFilter(), 1, BoardCache(ttl_s=0), PER_PAGE)
    assert again.total == len(rows)
    assert fresh.total == sum(r.player > 10 for r in rows)
