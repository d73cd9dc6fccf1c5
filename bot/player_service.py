"""PlayerService: setup, profile and leaderboard, for the bot's commands. Plain ids in and out."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.queue_errors import QueueError
from db import players
from db.ladder import Ladder
from db.refusals import Refusal, Why

MAX_NAME = 32


class SetupRefused(QueueError):
    pass


class PlayerService:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], ladder: Ladder) -> None:
        self._sessions = sessions
        self._ladder = ladder

    async def set_up(
        self,
        player_id: int,
        display_name: str,
        region: str,
        *,
        language: str | None = None,
        locale: str | None = None,
    ) -> tuple[str, str]:
        """Saves the name other players see and the player's region (and the language they chose, if they
        chose one now); returns the name and region as saved."""
        name = clean_name(display_name)
        if not name:
            raise SetupRefused(Refusal(Why.NAME_WITHOUT_LETTERS))
        region = next((code for code in self._ladder.region_codes if code.lower() == region.strip().lower()), region)
        if region not in self._ladder.region_codes:
            raise SetupRefused(Refusal(Why.UNKNOWN_REGION, {"region": region[:100]}))
        async with self._sessions.begin() as session:
            await players.set_up(session, player_id, name, region, language=language, locale=locale)
        return name, region

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

    async def leaderboard(self, race: str, page: int) -> players.BoardPage:
        async with self._sessions() as session:
            return await players.leaderboard(session, race, page, self._ladder)

    async def set_notify(self, player_id: int, on: bool) -> None:
        async with self._sessions.begin() as session:
            await players.set_notify(session, player_id, on)


def clean_name(raw: object) -> str:
    """Printable characters only (no NUL, no control characters), trimmed to what a view shows."""
    if not isinstance(raw, str):
        return ""
    name = "".join(ch for ch in raw[: MAX_NAME * 4] if ch.isprintable()).strip()[:MAX_NAME]
    return name if any(ch.isalnum() for ch in name) else ""
