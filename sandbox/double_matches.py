"""A player in two matches at once, counted from the database the same way by the demo and the chaos run."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

DEFINITION = (
    "a player in two playing matches at once (a match created while another of theirs was awaiting "
    "confirmation or confirmed), plus queue entries that went into more than one match"
)
# Each match and when its play ended: its end, or the moment it went to the admins (its players are free then).
MATCHES = text(
    "SELECT m.id, m.player1_id, m.player2_id, m.state, m.created_at,"
    " least(m.ended_at, (SELECT min(o.created_at) FROM outbox o WHERE o.type = 'match_disputed'"
    "  AND (o.payload->>'match_id')::bigint = m.id)) AS playing_ended"
    " FROM matches m ORDER BY m.id"
)
_ENTRIES_TWICE = text(
    "SELECT count(*) FROM (SELECT side->>'entry_id' FROM outbox o,"
    " jsonb_array_elements(o.payload->'players') AS side WHERE o.type = 'match_found'"
    " GROUP BY side->>'entry_id' HAVING count(DISTINCT (o.payload->>'match_id')) > 1) AS t"
)


async def double_matched(session: AsyncSession, matches: Sequence[Any] | None = None) -> int:
    """`matches`: rows of MATCHES, when the caller has read them already."""
    if matches is None:
        matches = (await session.execute(MATCHES)).all()
    entries_twice = (await session.execute(_ENTRIES_TWICE)).scalar_one()
    return overlapping(matches) + int(entries_twice)


def overlapping(matches: Sequence[Any]) -> int:
    """Matches created while another match of one of their players was still being played."""
    by_player: dict[int, list[Any]] = {}
    for m in matches:
        for p in (m.player1_id, m.player2_id):
            by_player.setdefault(p, []).append(m)
    doubled = set()
    for games in by_player.values():
        games.sort(key=lambda g: g.created_at)
        for earlier, later in itertools.pairwise(games):
            if earlier.playing_ended is None or later.created_at < earlier.playing_ended:
                doubled.add(later.id)
    return len(doubled)
