"""The leaderboard: every race on one board (or the chosen ones), filtered by country and rank band, "best race
only", a page at a time.

Every filter is a condition on one index (migration 0009): the board of several races walks `ratings_board`, of one
race `ratings_leaderboard`, of a country `ratings_board_country`; "best race only" reads the row's `better_races`
from the index.

Counting a board and finding its deep pages walks its whole index; so does finding a race's rank band edges (a
rank is a percentile band among a race's active players). Both are kept for `BoardCache.ttl_s` seconds, so a page
is one short seek from the nearest anchor, and the board's places and ranks may be that old.
"""

from __future__ import annotations

import time
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import timedelta

from sqlalchemy import ColumnElement, and_, func, or_, select, text, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from db.ladder import Ladder
from db.models import Player, Rating
from db.ranks import band_edges

PER_PAGE = 10


@dataclass(frozen=True)
class BoardFilter:
    races: tuple[str, ...] = ()  # the chosen races; none: every race of the ladder
    country: str | None = None
    band: str | None = None  # a rank band's name: only the players of that band in their race
    best_only: bool = False  # each player once, in their best race among the chosen ones

    def of(self, ladder: Ladder) -> BoardFilter:
        """The same filter with its races spelled out in the ladder's order (unknown ones dropped)."""
        chosen = set(self.races)
        races = tuple(r.code for r in ladder.races if r.code in chosen) or tuple(r.code for r in ladder.races)
        return replace(self, races=races)


@dataclass(frozen=True)
class BoardRow:
    position: int  # on the filtered board, 1-based
    player_id: int
    display_name: str | None
    country: str | None
    race: str
    rating: float
    wins: int
    losses: int
    draws: int
    rank: str | None  # None: unranked (no game recently)


@dataclass(frozen=True)
class BoardPage:
    chosen: BoardFilter  # races spelled out
    page: int
    pages: int
    total: int
    rows: list[BoardRow]


@dataclass(frozen=True)
class RaceBands:
    """A race's active players and, for each band, the last of them in it (rating, player id): None for a band
    nobody is in."""

    race: str
    active: int
    last_of_band: tuple[tuple[float, int] | None, ...]

    def band_of(self, rating: float, player_id: int, ladder: Ladder) -> str:
        for band, last in zip(ladder.ranks.bands, self.last_of_band, strict=True):
            if last is not None and _at_or_above(rating, player_id, last):
                return band.name
        return ladder.ranks.bands[-1].name


def _at_or_above(rating: float, player_id: int, edge: tuple[float, int]) -> bool:
    return rating > edge[0] or (rating == edge[0] and player_id <= edge[1])


_ACTIVE_COUNTS = text(
    "SELECT e.race, (SELECT count(*) FROM ratings WHERE race = e.race AND games > 0"
    "  AND last_played_at > now() - make_interval(secs => :days * 86400)) AS active"
    " FROM unnest(CAST(:races AS text[])) AS e(race)"
)
_PLACES = text(
    "SELECT e.race, e.place, b.rating, b.player_id"
    " FROM unnest(CAST(:races AS text[]), CAST(:places AS int[])) AS e(race, place)"
    " CROSS JOIN LATERAL (SELECT rating, player_id FROM ratings WHERE race = e.race AND games > 0"
    "  AND last_played_at > now() - make_interval(secs => :days * 86400)"
    "  ORDER BY rating DESC, player_id OFFSET e.place - 1 LIMIT 1) AS b"
)


async def race_bands(session: AsyncSession, ladder: Ladder, races: Iterable[str]) -> dict[str, RaceBands]:
    """Each race's band edges, read now (two statements for all the races)."""
    wanted = list(races)
    days = ladder.ranks.active_days
    counts = {r.race: int(r.active) for r in await session.execute(_ACTIVE_COUNTS, {"races": wanted, "days": days})}
    edges = {race: band_edges(ladder, active) for race, active in counts.items()}
    asked = [(race, place) for race, places in edges.items() for place in sorted(set(places)) if place > 0]
    found: dict[tuple[str, int], tuple[float, int]] = {}
    if asked:
        params = {"races": [a[0] for a in asked], "places": [a[1] for a in asked], "days": days}
        for r in await session.execute(_PLACES, params):
            found[(r.race, r.place)] = (r.rating, r.player_id)
    bands = {}
    for race, places in edges.items():
        previous = 0
        last: list[tuple[float, int] | None] = []
        for place in places:
            last.append(found.get((race, place)) if place > previous else None)
            previous = max(previous, place)
        bands[race] = RaceBands(race, counts[race], tuple(last))
    return bands


@dataclass(frozen=True)
class BoardIndex:
    """Where a filtered board stands: how many rows it has, and every ANCHOR_EVERY-th row's place and key (rating,
    player id, race), so a page is read from the anchor before it and never counts from the top."""

    total: int
    anchors: tuple[tuple[int, float, int, str], ...]

    def anchor_before(self, place: int) -> tuple[int, float, int, str] | None:
        found = None
        for anchor in self.anchors:
            if anchor[0] > place:
                break
            found = anchor
        return found


ANCHOR_EVERY = 500
# The board's order: rating, then the lower player id (as ranks break ties), then the race.
_ORDER = (Rating.rating.desc(), Rating.player_id, Rating.race)
Condition = ColumnElement[bool]


async def board_index(session: AsyncSession, where: list[Condition], every: int = ANCHOR_EVERY) -> BoardIndex:
    """One walk of the filtered board (its index, in order), keeping its anchors and its last place."""
    placed = (
        select(
            Rating.rating,
            Rating.player_id,
            Rating.race,
            func.row_number().over(order_by=_ORDER).label("n"),
            func.lead(Rating.rating).over(order_by=_ORDER).is_(None).label("last"),
        )
        .where(*where)
        .subquery()
    )
    kept = select(placed).where(or_(placed.c.n % every == 1, placed.c.last)).order_by(placed.c.n)
    rows = (await session.execute(kept)).all()
    total = rows[-1].n if rows else 0
    return BoardIndex(total, tuple((r.n, r.rating, r.player_id, r.race) for r in rows if r.n % every == 1))


class BoardCache:
    """The boards' anchors and the races' band edges, read again once `ttl_s` has passed (0: every time). A
    ladder's standings move a little with every match; a board up to `ttl_s` old is the price of reading any page
    of 100,000 players in a few milliseconds."""

    def __init__(self, ttl_s: float, most: int = 256, anchor_every: int = ANCHOR_EVERY) -> None:
        self.ttl_s = ttl_s
        self.anchor_every = anchor_every
        self._most = most
        self._bands: dict[str, tuple[float, RaceBands]] = {}
        self._boards: dict[Hashable, tuple[float, BoardIndex]] = {}

    async def bands(self, session: AsyncSession, ladder: Ladder, races: Sequence[str]) -> dict[str, RaceBands]:
        now = time.monotonic()
        fresh = {r: kept[1] for r in races if (kept := self._bands.get(r)) and kept[0] > now}
        missing = [r for r in races if r not in fresh]
        if missing:
            for race, bands in (await race_bands(session, ladder, missing)).items():
                fresh[race] = bands
                if self.ttl_s > 0:
                    self._bands[race] = (now + self.ttl_s, bands)
        return fresh

    async def index(self, session: AsyncSession, key: Hashable, where: list[Condition]) -> BoardIndex:
        """The board `where` selects, kept under `key`: everything its rows depend on (a rank band's edges too)."""
        now = time.monotonic()
        kept = self._boards.get(key)
        if kept and kept[0] > now:
            return kept[1]
        found = await board_index(session, where, self.anchor_every)
        if self.ttl_s > 0:
            if len(self._boards) >= self._most:
                self._boards = {k: v for k, v in self._boards.items() if v[0] > now}
                while len(self._boards) >= self._most:
                    del self._boards[next(iter(self._boards))]
            self._boards[key] = (now + self.ttl_s, found)
        return found


async def board(
    session: AsyncSession,
    ladder: Ladder,
    wanted: BoardFilter,
    page: int,
    cache: BoardCache,
    per_page: int = PER_PAGE,
) -> BoardPage:
    """One page of the board: rows best first (rating, then the lower player id, then the race); a page past the
    end gives the last one."""
    chosen = wanted.of(ladder)
    race_bands = await cache.bands(session, ladder, chosen.races)
    where = _conditions(chosen, ladder, race_bands)
    if where is None:
        return BoardPage(chosen, 1, 1, 0, [])
    # A band's board is kept with the edges it was counted by: edges read again give a board counted again.
    edges = tuple(race_bands[r].last_of_band for r in chosen.races if r in race_bands) if chosen.band else ()
    index = await cache.index(session, (chosen, edges), where)
    pages = max(1, -(-index.total // per_page))
    page = min(max(page, 1), pages)
    first = (page - 1) * per_page + 1
    anchor = index.anchor_before(first)
    seek = []
    if anchor is not None:
        _, rating, player_id, race = anchor
        after = tuple_(Rating.player_id, Rating.race) >= tuple_(player_id, race)
        seek = [Rating.rating <= rating, or_(Rating.rating < rating, after)]
    found = (
        select(Rating)
        .where(*where, *seek)
        .order_by(*_ORDER)
        .limit(max(0, min(per_page, index.total - first + 1)))
        .offset(first - (anchor[0] if anchor else 1))
        .subquery()
    )
    active = found.c.last_played_at > func.now() - timedelta(days=ladder.ranks.active_days)
    shown = (
        select(found, Player.display_name, active.label("active"))
        .join(Player, Player.id == found.c.player_id)
        .order_by(found.c.rating.desc(), found.c.player_id, found.c.race)
    )
    rows = (await session.execute(shown)).all()
    board_rows = []
    for i, r in enumerate(rows):
        placed = race_bands.get(r.race)
        rank = placed.band_of(r.rating, r.player_id, ladder) if r.active and placed and placed.active else None
        board_rows.append(BoardRow(first + i, r.player_id, r.display_name, r.country, r.race, r.rating, r.wins,
                                   r.losses, r.draws, rank))  # fmt: skip
    return BoardPage(chosen, page, pages, index.total, board_rows)


def _conditions(chosen: BoardFilter, ladder: Ladder, race_bands: dict[str, RaceBands]) -> list[Condition] | None:
    """The conditions of the filtered board; None: the filter can hold nobody."""
    where: list[Condition] = [Rating.games > 0]
    if len(chosen.races) < len(ladder.races):
        where.append(Rating.race.in_(chosen.races))
    if chosen.best_only and len(chosen.races) > 1:
        where.append(~Rating.better_races.overlap(list(chosen.races)))
    if chosen.country:
        where.append(Rating.country == chosen.country)
    if chosen.band is None:
        return where
    names = [b.name for b in ladder.ranks.bands]
    if chosen.band not in names:
        return None
    k = names.index(chosen.band)
    within, bottoms, tops = [], [], []
    for race in chosen.races:
        placed = race_bands.get(race)
        bottom = placed.last_of_band[k] if placed else None
        if placed is None or bottom is None:
            continue
        clause = [Rating.race == race, _at_or_before(bottom)]
        bottoms.append(bottom[0])
        above = next((e for e in reversed(placed.last_of_band[:k]) if e is not None), None)
        if above is not None:
            clause.append(~_at_or_before(above))
            tops.append(above[0])
        within.append(and_(*clause))
    if not within:
        return None
    # The band's ratings across the races as a range of the index (the clauses alone would only filter it).
    where.append(Rating.rating >= min(bottoms))
    if len(tops) == len(within):
        where.append(Rating.rating <= max(tops))
    where.append(Rating.last_played_at > func.now() - timedelta(days=ladder.ranks.active_days))
    where.append(or_(*within))
    return where


def _at_or_before(edge: tuple[float, int]) -> Condition:
    """On the board at or before this (rating, player id) of the same race."""
    return or_(Rating.rating > edge[0], and_(Rating.rating == edge[0], Rating.player_id <= edge[1]))
