"""A player's identity in the database: read it, keep a setup in progress, and save a new one with its history.

Saving is one transaction: the stored profile is the old one or the new one, never a mix, and a ladder name is
taken by whoever commits it first (the unique index on `players.name_key` decides a race, not this code).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from db.identity import IDENTITY_FIELDS, Identity, name_key
from db.refusals import Refusal, Why

_READ = text(
    "SELECT display_name, in_game_name, battletag, alt_names, country, region, language FROM players WHERE id = :p"
)
_READ_TO_CHANGE = text(
    "SELECT display_name, in_game_name, battletag, alt_names, country, region, language FROM players WHERE id = :p"
    " FOR UPDATE"
)


async def identity_of(session: AsyncSession, player_id: int, *, for_update: bool = False) -> Identity | None:
    found = await session.execute(_READ_TO_CHANGE if for_update else _READ, {"p": player_id})
    row = found.one_or_none()
    if row is None:
        return None
    return Identity(row.display_name, row.in_game_name, row.battletag, tuple(row.alt_names or ()), row.country,
                    row.region, row.language)  # fmt: skip


def as_draft(identity: Identity) -> dict[str, Any]:
    return {name: list(v) if isinstance(v := getattr(identity, name), tuple) else v for name in IDENTITY_FIELDS}


def from_draft(draft: Mapping[str, Any]) -> Identity:
    def text_or_none(key: str) -> str | None:
        value = draft.get(key)
        return value if isinstance(value, str) and value else None

    alts = draft.get("alt_names")
    return Identity(
        ladder_name=text_or_none("ladder_name"),
        in_game_name=text_or_none("in_game_name"),
        battletag=text_or_none("battletag"),
        alt_names=tuple(a for a in alts if isinstance(a, str)) if isinstance(alts, list) else (),
        country=text_or_none("country"),
        region=text_or_none("region"),
        language=text_or_none("language"),
    )


async def draft_of(session: AsyncSession, player_id: int) -> tuple[Identity, dict[str, str]] | None:
    """The setup in progress, and what the player typed last in fields that were refused (to show it again)."""
    found = await session.execute(text("SELECT draft FROM identity_drafts WHERE player_id = :p"), {"p": player_id})
    draft = found.scalar()
    if not isinstance(draft, dict):
        return None
    typed = draft.get("typed")
    kept = {str(k): str(v) for k, v in typed.items()} if isinstance(typed, dict) else {}
    return from_draft(draft), kept


async def save_draft(
    session: AsyncSession, player_id: int, draft: Identity, typed: Mapping[str, str] | None = None
) -> None:
    await session.execute(text("INSERT INTO players (id) VALUES (:p) ON CONFLICT (id) DO NOTHING"), {"p": player_id})
    await session.execute(
        text(
            "INSERT INTO identity_drafts (player_id, draft) VALUES (:p, CAST(:d AS jsonb))"
            " ON CONFLICT (player_id) DO UPDATE SET draft = EXCLUDED.draft, updated_at = now()"
        ),
        {"p": player_id, "d": json.dumps(as_draft(draft) | {"typed": dict(typed or {})}, ensure_ascii=False)},
    )


async def drop_draft(session: AsyncSession, player_id: int) -> bool:
    found = await session.execute(text("DELETE FROM identity_drafts WHERE player_id = :p"), {"p": player_id})
    return bool(getattr(found, "rowcount", 0))


async def name_taken(session: AsyncSession, player_id: int, ladder_name: str) -> bool:
    found = await session.execute(
        text("SELECT 1 FROM players WHERE name_key = :k AND id <> :p"),
        {"k": name_key(ladder_name)[:64], "p": player_id},
    )
    return found.first() is not None


async def save_identity(
    session: AsyncSession, player_id: int, new: Identity, *, locale: str | None = None
) -> Refusal | None:
    """Stores `new` as the player's whole identity (build it from `identity_of` to keep what does not change),
    with one history row per changed field; a player with a region is set up. Refused, with nothing written,
    when another player holds a ladder name that reads alike."""
    await session.execute(text("INSERT INTO players (id) VALUES (:p) ON CONFLICT (id) DO NOTHING"), {"p": player_id})
    old = await identity_of(session, player_id, for_update=True) or Identity()
    if new.ladder_name and await name_taken(session, player_id, new.ladder_name):
        return Refusal(Why.LADDER_NAME_TAKEN)
    try:
        async with session.begin_nested():
            await session.execute(
                text(
                    "UPDATE players SET display_name = :name, name_key = :key, in_game_name = :game,"
                    " battletag = :tag, alt_names = :alts, country = :country, region = :region,"
                    " language = :language, locale = COALESCE(:locale, locale),"
                    " setup_at = CASE WHEN :has_region THEN now() ELSE setup_at END"
                    " WHERE id = :p"
                ),
                {
                    "p": player_id,
                    "name": new.ladder_name,
                    "key": name_key(new.ladder_name)[:64] if new.ladder_name else None,
                    "game": new.in_game_name,
                    "tag": new.battletag,
                    "alts": list(new.alt_names),
                    "country": new.country,
                    "region": new.region,
                    "has_region": new.region is not None,
                    "language": new.language,
                    "locale": locale,
                },
            )
    except IntegrityError:
        return Refusal(Why.LADDER_NAME_TAKEN)
    for field, (before, after) in old.changes_to(new).items():
        await session.execute(
            text("INSERT INTO identity_changes (player_id, field, old_value, new_value) VALUES (:p, :f, :o, :n)"),
            {"p": player_id, "f": field, "o": before, "n": after},
        )
    await session.execute(text("DELETE FROM identity_drafts WHERE player_id = :p"), {"p": player_id})
    return None


async def history(session: AsyncSession, player_id: int, limit: int = 50) -> list[tuple[str, str | None, str | None]]:
    found = await session.execute(
        text("SELECT field, old_value, new_value FROM identity_changes WHERE player_id = :p ORDER BY id DESC LIMIT :n"),
        {"p": player_id, "n": limit},
    )
    return [(r.field, r.old_value, r.new_value) for r in found]


async def notices_seen(session: AsyncSession, player_id: int, notices: list[str]) -> set[str]:
    found = await session.execute(
        text("SELECT notice FROM notices_seen WHERE player_id = :p AND notice = ANY(:n)"),
        {"p": player_id, "n": notices},
    )
    return set(found.scalars())


async def acknowledge_notices(session: AsyncSession, player_id: int, notices: list[str]) -> None:
    await session.execute(text("INSERT INTO players (id) VALUES (:p) ON CONFLICT (id) DO NOTHING"), {"p": player_id})
    await session.execute(
        text(
            "INSERT INTO notices_seen (player_id, notice) SELECT :p, unnest(CAST(:n AS text[])) ON CONFLICT DO NOTHING"
        ),
        {"p": player_id, "n": notices},
    )


async def accepted_rules(session: AsyncSession, player_id: int) -> str | None:
    found = await session.execute(text("SELECT rules_version FROM players WHERE id = :p"), {"p": player_id})
    return found.scalar()


async def accept_rules(session: AsyncSession, player_id: int, version: str) -> None:
    await session.execute(
        text(
            "INSERT INTO players (id, rules_version, rules_accepted_at) VALUES (:p, :v, now())"
            " ON CONFLICT (id) DO UPDATE SET rules_version = EXCLUDED.rules_version, rules_accepted_at = now()"
        ),
        {"p": player_id, "v": version},
    )
