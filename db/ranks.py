"""The rank each player of a wave's matches holds in the race they play, for the match card.

`db.players.rank_of` places one player by counting those above them; a wave places hundreds at once, so it reads
each race's band edges once instead (two index scans a race) and sets each player's rating against them. The
edges follow `rank_of`'s rule, so the card and /profile agree (players tied on a band's edge rating all take
the better band).
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from sqlalchemy import text
from sqlalchemy.orm import Session

from db.ladder import Ladder

_COUNT = text(
    "SELECT count(*) FROM ratings"
    " WHERE race = :race AND games > 0 AND last_played_at > now() - make_interval(secs => :days * 86400)"
)
_EDGES = text(
    "SELECT percentile_disc(CAST(:fractions AS float8[])) WITHIN GROUP (ORDER BY rating DESC) FROM ratings"
    " WHERE race = :race AND games > 0 AND last_played_at > now() - make_interval(secs => :days * 86400)"
)
_STANDINGS = text(
    "SELECT r.player_id, r.race, r.rating,"
    " r.games > 0 AND r.last_played_at > now() - make_interval(secs => :days * 86400) AS active"
    " FROM ratings r JOIN unnest(CAST(:players AS bigint[]), CAST(:races AS text[])) AS w(player_id, race)"
    " ON r.player_id = w.player_id AND r.race = w.race"
)


def band_edges(ladder: Ladder, active: int) -> list[int]:
    """The last place (1 = best) each band reaches among `active` players, by `rank_of`'s rule: place p is in the
    first band whose cumulative share reaches (p - 0.5) / active."""
    edges, reached = [], 0.0
    for band in ladder.ranks.bands:
        reached += band.share
        edges.append(min(active, math.floor(reached * active + 0.5 + 1e-9)))
    return edges


def ranks_of(session: Session, ladder: Ladder, played: Iterable[tuple[int, str]]) -> dict[tuple[int, str], str]:
    """The rank of each (player, race) that has one; a player with no recent game in the race has none."""
    wanted = list(dict.fromkeys(played))
    if not wanted:
        return {}
    days = ladder.ranks.active_days
    lowest: dict[str, list[float | None]] = {}
    for race in {race for _, race in wanted}:
        active = int(session.execute(_COUNT, {"race": race, "days": days}).scalar_one())
        if not active:
            continue
        edges = band_edges(ladder, active)
        fractions = [edge / active for edge in edges]
        ratings = session.execute(_EDGES, {"race": race, "days": days, "fractions": fractions}).scalar_one()
        # A band that reaches no place (its share of too few players) holds nobody.
        lowest[race] = [r if edge > 0 else None for r, edge in zip(ratings, edges, strict=True)]
    found: dict[tuple[int, str], str] = {}
    rows = session.execute(
        _STANDINGS, {"players": [p for p, _ in wanted], "races": [r for _, r in wanted], "days": days}
    )
    for row in rows:
        edges_of_race = lowest.get(row.race)
        if not row.active or edges_of_race is None:
            continue
        for band, edge in zip(ladder.ranks.bands, edges_of_race, strict=True):
            if edge is not None and row.rating >= edge:
                found[(row.player_id, row.race)] = band.name
                break
        else:
            found[(row.player_id, row.race)] = ladder.ranks.bands[-1].name
    return found
