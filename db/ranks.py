"""The rank each player of a wave's matches holds in the race they play, for the match card.

`db.players.rank_of` places one player by counting those above them; a wave places hundreds at once, so it reads
each race's band edges once instead (two index scans a race) and sets each player's rating against them. The
edges follow `rank_of`'s rule, and a player whose rating is an edge's is placed exactly, so the card and
/profile agree.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from sqlalchemy import text
from sqlalchemy.orm import Session

from db.ladder import Ladder
from db.players import rank_of

_COUNT = text(
    "SELECT count(*) FROM ratings"
    " WHERE race = :race AND games > 0 AND last_played_at > now() - make_interval(secs => :days * 86400)"
)
# A player whose rating equals an edge's: placed exactly, by the players ahead of them (ties go to the lower id).
_AHEAD = text(
    "SELECT count(*) FROM ratings"
    " WHERE race = :race AND games > 0 AND last_played_at > now() - make_interval(secs => :days * 86400)"
    " AND (rating > :rating OR (rating = :rating AND player_id < :p))"
)
_EDGES = text(
    "SELECT percentile_disc(CAST(:fractions AS float8[])) WITHIN GROUP (ORDER BY rating DESC) FROM ratings"
    " WHERE race = :race AND games > 0 AND last_played_at > now() - make_interval(secs => :days * 86400)"
)


def band_edges(ladder: Ladder, active: int) -> list[int]:
    """The last place (1 = best) each band reaches among `active` players, by `rank_of`'s rule: place p is in the
    first band whose cumulative share reaches (p - 0.5) / active."""
    edges, reached = [], 0.0
    for band in ladder.ranks.bands:
        reached += band.share
        edges.append(min(active, math.floor(reached * active + 0.5 + 1e-9)))
    return edges


def ranks_of(session: Session, ladder: Ladder, ranked: Iterable[tuple[int, str, float]]) -> dict[tuple[int, str], str]:
    """The rank of each (player, race, rating) given: players who played the race recently (the caller knows
    which; the others are unranked and not given)."""
    wanted = list(ranked)
    if not wanted:
        return {}
    days = ladder.ranks.active_days
    lowest: dict[str, list[float | None]] = {}
    counted: dict[str, int] = {}
    for race in {race for _, race, _ in wanted}:
        active = int(session.execute(_COUNT, {"race": race, "days": days}).scalar_one())
        if not active:
            continue
        counted[race] = active
        edges = band_edges(ladder, active)
        fractions = [edge / active for edge in edges]
        ratings = session.execute(_EDGES, {"race": race, "days": days, "fractions": fractions}).scalar_one()
        # A band that reaches no place (its share of too few players) holds nobody.
        lowest[race] = [r if edge > 0 else None for r, edge in zip(ratings, edges, strict=True)]
    found: dict[tuple[int, str], str] = {}
    for player_id, race, rating in wanted:
        edges_of_race = lowest.get(race)
        if edges_of_race is None:
            continue
        if rating in edges_of_race:
            params = {"race": race, "days": days, "rating": rating, "p": player_id}
            place = int(session.execute(_AHEAD, params).scalar_one()) + 1
            found[(player_id, race)] = rank_of(place, counted[race], ladder)
            continue
        bands = zip(ladder.ranks.bands, edges_of_race, strict=True)
        band = next((b for b, edge in bands if edge is not None and rating >= edge), ladder.ranks.bands[-1])
        found[(player_id, race)] = band.name
    return found
