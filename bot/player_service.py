"""PlayerService: setup, profile and leaderboard, for the bot's commands. Plain ids in and out."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.queue_errors import QueueError
from db import identity, leaderboard, players, profiles
from db.identity import Identity
from db.ladder import Ladder
from db.refusals import Refusal, Why

# What a player must give before their first game through the guided setup.
REQUIRED = ("ladder_name", "in_game_name", "battletag", "region")


class SetupRefused(QueueError):
    pass


class PlayerService:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], ladder: Ladder, board_cache_s: float = 0) -> None:
        self._sessions = sessions
        self._ladder = ladder
        self._boards = leaderboard.BoardCache(board_cache_s)

    async def set_up(
        self,
        player_id: int,
        name: str | None,
        region: str | None,
        *,
        discord_name: str = "",
        language: str | None = None,
        locale: str | None = None,
    ) -> tuple[str, str]:
        """Saves the ladder name (`name`, else the one they have, else their Discord name if it makes a ladder
        name) and the player's region (and the language they chose, if they chose one now); returns the name and
        region as saved."""
        async with self._sessions.begin() as session:
            old = await profiles.identity_of(session, player_id) or Identity()
            region = region or old.region or ""
            region = next((c for c in self._ladder.region_codes if c.lower() == region.strip().lower()), region)
            ladder_name = old.ladder_name if name is None else None
            if ladder_name is None:
                ladder_name, refused = identity.ladder_name(name if name is not None else discord_name[:12])
                if refused:
                    raise SetupRefused(refused)
            if region not in self._ladder.region_codes:
                raise SetupRefused(Refusal(Why.UNKNOWN_REGION, {"region": region[:100]}))
            new = dataclasses.replace(old, ladder_name=ladder_name, region=region, language=language or old.language)
            refused = await profiles.save_identity(session, player_id, new, locale=locale)
            if refused:
                raise SetupRefused(refused)
        return ladder_name, region

    async def set_country(self, player_id: int, country: str | None) -> None:
        """A country alone, kept with its history (the rest of the profile as it is)."""
        async with self._sessions.begin() as session:
            old = await profiles.identity_of(session, player_id) or Identity()
            refused = await profiles.save_identity(session, player_id, dataclasses.replace(old, country=country))
        if refused:
            raise SetupRefused(refused)

    async def setup_draft(self, player_id: int, discord_name: str) -> tuple[Identity, dict[str, str]]:
        """The setup in progress; a new one starts from the stored profile (a newcomer's ladder name from their
        Discord name, where that makes a free one)."""
        async with self._sessions.begin() as session:
            found = await profiles.draft_of(session, player_id)
            if found is not None:
                return found
            draft = await profiles.identity_of(session, player_id) or Identity()
            if draft.ladder_name is None:
                guess, refused = identity.ladder_name(discord_name[:12])
                if not refused and not await profiles.name_taken(session, player_id, guess):
                    draft = dataclasses.replace(draft, ladder_name=guess)
            await profiles.save_draft(session, player_id, draft)
            return draft, {}

    async def change_draft(self, player_id: int, discord_name: str, **changes: str | None) -> Identity:
        """A region or language picked on the setup in progress (the stored profile does not change)."""
        draft, typed = await self.setup_draft(player_id, discord_name)
        draft = dataclasses.replace(draft, **changes)  # type: ignore[arg-type]
        async with self._sessions.begin() as session:
            await profiles.save_draft(session, player_id, draft, typed)
        return draft

    async def type_names(
        self, player_id: int, discord_name: str, typed: Mapping[str, str], languages: Iterable[str]
    ) -> tuple[Identity, dict[str, Refusal]]:
        """The names form checked field by field: what passes goes into the setup in progress, what does not is
        kept as typed (to fill the form in again) and refused with its reason."""
        draft, _ = await self.setup_draft(player_id, discord_name)
        values, refusals = identity.check_names(typed, languages)
        async with self._sessions.begin() as session:
            name = values.get("ladder_name")
            if isinstance(name, str) and await profiles.name_taken(session, player_id, name):
                refusals["ladder_name"] = Refusal(Why.LADDER_NAME_TAKEN)
                del values["ladder_name"]
            draft = dataclasses.replace(draft, **values)  # type: ignore[arg-type]
            kept = {key: typed[key][:200] for key in refusals if key in typed}
            await profiles.save_draft(session, player_id, draft, kept)
        return draft, refusals

    async def confirm_setup(self, player_id: int, locale: str | None = None) -> Identity:
        """The setup in progress becomes the player's profile, whole, or nothing changes."""
        async with self._sessions.begin() as session:
            found = await profiles.draft_of(session, player_id)
            if found is None:
                raise SetupRefused(Refusal(Why.NOTHING_TO_CONFIRM))
            draft = found[0]
            needed = [key for key in REQUIRED if not getattr(draft, key)]
            if needed:
                raise SetupRefused(Refusal(Why.SETUP_INCOMPLETE, {"missing": ",".join(needed)}))
            refused = await profiles.save_identity(session, player_id, draft, locale=locale)
            if refused:
                raise SetupRefused(refused)
        return draft

    async def discard_setup(self, player_id: int) -> bool:
        async with self._sessions.begin() as session:
            return await profiles.drop_draft(session, player_id)

    async def notices_to_show(self, player_id: int, races: Iterable[str], vetoes: Iterable[str]) -> list[str]:
        """The ids of the ladder's notices that concern this pick and the player has not acknowledged yet."""
        races, vetoes = list(races), list(vetoes)
        concerning = [n.id for n in self._ladder.notices if n.concerns(races, vetoes, self._ladder.maps.pool)]
        if not concerning:
            return []
        async with self._sessions() as session:
            seen = await profiles.notices_seen(session, player_id, concerning)
        return [n for n in concerning if n not in seen]

    async def acknowledge_notices(self, player_id: int, notices: list[str]) -> None:
        known = {n.id for n in self._ladder.notices}
        async with self._sessions.begin() as session:
            await profiles.acknowledge_notices(session, player_id, [n for n in notices if n in known])

    async def identity_history(self, player_id: int, limit: int = 50) -> list[tuple[str, str | None, str | None]]:
        async with self._sessions() as session:
            return await profiles.history(session, player_id, limit)

    async def rules_accepted(self, player_id: int) -> str | None:
        async with self._sessions() as session:
            return await profiles.accepted_rules(session, player_id)

    async def accept_rules(self, player_id: int, version: str) -> None:
        async with self._sessions.begin() as session:
            await profiles.accept_rules(session, player_id, version)

    async def set_language(self, player_id: int, language: str) -> None:
        async with self._sessions.begin() as session:
            await players.set_language(session, player_id, language)

    async def chosen_language(self, player_id: int) -> str | None:
        async with self._sessions() as session:
            return await players.chosen_language(session, player_id)

    async def is_set_up(self, player_id: int) -> bool:
        async with self._sessions() as session:
            return await players.is_set_up(session, player_id)

    async def profile(self, player_id: int) -> players.Profile | None:
        async with self._sessions() as session:
            return await players.profile(session, player_id, self._ladder)

    async def leaderboard(self, wanted: leaderboard.BoardFilter, page: int) -> leaderboard.BoardPage:
        async with self._sessions() as session:
            return await leaderboard.board(session, self._ladder, wanted, page, self._boards)

    async def set_notify(self, player_id: int, on: bool, cooldown_s: float | None = None) -> float:
        """The player's cooldown between two calls to the queue, as it now stands."""
        async with self._sessions.begin() as session:
            chosen = await players.set_notify(session, player_id, on, cooldown_s)
        return chosen if chosen is not None else self._ladder.notify.cooldown_s


# A name shown for a player who joined without setting up (a ladder that does not ask for setup): their Discord
# name, printable characters only, cut to what a view shows.
MAX_NAME = 32


def clean_name(raw: object) -> str:
    if not isinstance(raw, str):
        return ""
    name = "".join(ch for ch in raw[: MAX_NAME * 4] if ch.isprintable()).strip()[:MAX_NAME]
    return name if any(ch.isalnum() for ch in name) else ""
