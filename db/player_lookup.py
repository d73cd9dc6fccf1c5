"""Finding a player the way an admin names them: by id (or mention), ladder name or Discord name."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

_MENTION = re.compile(r"^<@!?([0-9]{1,20})>$")
# The smallest id Discord gives (a snowflake of 2015): a shorter number is a name or a typo, not a user.
SNOWFLAKE_FROM = 10**16


@dataclass(frozen=True)
class FoundPlayer:
    player_id: int
    ladder_name: str | None
    discord_name: str | None


def _id_in(typed: str) -> int | None:
    typed = typed.strip()
    mention = _MENTION.match(typed)
    digits = mention.group(1) if mention else typed
    if digits.isascii() and digits.isdigit() and 0 < len(digits) <= 20 and int(digits) < 2**63:
        return int(digits)
    return None


def _like(typed: str) -> str:
    """The start of a name, as a LIKE pattern that matches its characters literally."""
    escaped = typed.strip().lower()[:100].replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped + "%"


async def suggest(session: AsyncSession, typed: str, limit: int = 25) -> list[FoundPlayer]:
    """Players whose id is the one typed, or whose ladder or Discord name starts with what was typed."""
    rows = (
        await session.execute(
            text(
                "SELECT id, display_name, discord_name FROM ("
                " SELECT id, display_name, discord_name, 0 AS k FROM players WHERE id = :id"
                " UNION SELECT id, display_name, discord_name, 1 FROM players WHERE lower(display_name) LIKE :like"
                " UNION SELECT id, display_name, discord_name, 2 FROM players WHERE lower(discord_name) LIKE :like"
                ") AS found ORDER BY k, display_name NULLS LAST, id LIMIT :n"
            ),
            {"id": _id_in(typed) or 0, "like": _like(typed), "n": limit * 2},
        )
    ).all()
    seen: dict[int, FoundPlayer] = {}
    for r in rows:
        seen.setdefault(r.id, FoundPlayer(r.id, r.display_name, r.discord_name))
    return list(seen.values())[:limit]


async def named(session: AsyncSession, typed: str) -> list[FoundPlayer]:
    """The players `typed` names: the one with that id, else those whose ladder name or Discord username it is (in
    any case), else a Discord user the ladder has not met yet, by their id."""
    wanted = _id_in(typed)
    if wanted is not None:
        row = (
            await session.execute(
                text("SELECT id, display_name, discord_name FROM players WHERE id = :p"), {"p": wanted}
            )
        ).one_or_none()
        if row is not None:
            return [FoundPlayer(row.id, row.display_name, row.discord_name)]
    rows = (
        await session.execute(
            text(
                "SELECT id, display_name, discord_name FROM players"
                " WHERE lower(display_name) = :n OR lower(discord_name) = :n ORDER BY id LIMIT 10"
            ),
            {"n": typed.strip().lower()[:100]},
        )
    ).all()
    found = [FoundPlayer(r.id, r.display_name, r.discord_name) for r in rows]
    if not found and wanted is not None and wanted >= SNOWFLAKE_FROM:
        # A Discord user the ladder has never seen (to ban before they play, say).
        return [FoundPlayer(wanted, None, None)]
    return found
