"""QueueService: how the bot puts a player in the queue and takes them out. Plain ids in and out.

Every call is one short transaction on the async engine, so the bot's event loop never blocks on it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.player_service import clean_name
from bot.queue_choice import QueueChoice, check_choice
from bot.queue_errors import (
    AlreadyQueued,
    Banned,
    CannotRequeue,
    InUnfinishedMatch,
    InvalidPlayer,
    NeedsSetup,
    OnCooldown,
)
from db import matches, queue
from db.ladder import Ladder
from db.refusals import Refusal

_MAX_ID = 2**63 - 1


@dataclass(frozen=True)
class Joined:
    entry_id: int
    joined_at: datetime
    choice: QueueChoice
    ratings: dict[str, float]


@dataclass(frozen=True)
class Cancelled:
    entry_id: int


@dataclass(frozen=True)
class AlreadyMatched:
    entry_id: int
    match_id: int


@dataclass(frozen=True)
class NotQueued:
    pass


CancelOutcome = Cancelled | AlreadyMatched | NotQueued


@dataclass(frozen=True)
class QueueSnapshot:
    waiting: int
    longest_wait_s: float
    median_wait_s: float
    last_wave_at: datetime | None
    next_wave_at: datetime | None
    # The median wait of recently matched players near the player's rating, and how many that was taken from.
    estimated_wait_s: float | None = None
    estimate_basis: int = 0


class QueueService:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        ladder: Ladder,
        wave_interval_s: float,
        *,
        require_setup: bool = True,
    ) -> None:
        self._sessions = sessions
        self._ladder = ladder
        self._wave_interval = timedelta(seconds=wave_interval_s)
        # A community's bot asks for a name and region before the first game; the backend's own tests do not.
        self._require_setup = require_setup

    @property
    def wave_interval_s(self) -> float:
        return self._wave_interval.total_seconds()

    async def join(
        self,
        player_id: int,
        races: Sequence[str],
        vetoes: Sequence[str] = (),
        *,
        display_name: str | None = None,
        discord_name: str | None = None,
        message_ref: dict[str, Any] | None = None,
        locale: str | None = None,
    ) -> Joined:
        """Puts the player in the queue, or raises the QueueError that says why not (writing nothing).
        `locale`: the player's client's, kept for what the bot later tells them outside this message."""
        _check_player_id(player_id)
        choice = check_choice(self._ladder, races, vetoes)
        name = _clean_name(display_name)
        races_list, vetoes_list = list(choice.races), list(choice.vetoes)
        try:
            async with self._sessions.begin() as session:
                standing = await queue.ensure_player(session, player_id, name, locale, _clean_name(discord_name))
                if standing.banned:
                    raise Banned(standing.ban_reason)
                if self._require_setup and not standing.set_up:
                    raise NeedsSetup()
                if standing.cooldown_until is not None:
                    raise OnCooldown(standing.cooldown_until)
                match_id = await queue.unfinished_match(session, player_id)
                if match_id is not None:
                    raise InUnfinishedMatch(match_id)
                ratings = await queue.ensure_ratings(session, player_id, races_list, self._ladder.rating.start)
                entry_id, joined_at = await queue.insert_entry(session, player_id, races_list, vetoes_list, message_ref)
                await queue.save_choice(session, player_id, races_list, vetoes_list)
        except IntegrityError as exc:
            if "queue_entries_one_waiting_per_player" in str(exc.orig):
                raise AlreadyQueued() from None
            raise
        return Joined(entry_id=entry_id, joined_at=joined_at, choice=choice, ratings=ratings)

    async def requeue(self, match_id: int, player_id: int, message_ref: dict[str, Any] | None = None) -> Joined:
        """Back into the queue after the other side called the match off, keeping the waves waited."""
        _check_player_id(player_id)
        try:
            async with self._sessions.begin() as session:
                done = await session.run_sync(lambda s: matches.requeue(s, match_id, player_id, message_ref))
                if isinstance(done, Refusal):
                    raise CannotRequeue(done)
                ratings = await queue.ensure_ratings(session, player_id, done.races, self._ladder.rating.start)
        except IntegrityError as exc:
            if "queue_entries_one_waiting_per_player" in str(exc.orig):
                raise AlreadyQueued() from None
            raise
        choice = QueueChoice(tuple(done.races), tuple(done.vetoes))
        return Joined(entry_id=done.entry_id, joined_at=done.joined_at, choice=choice, ratings=ratings)

    async def cancel(self, player_id: int) -> CancelOutcome:
        """Takes the player out of the queue; or says a wave matched them first; or that they were not in it."""
        _check_player_id(player_id)
        async with self._sessions.begin() as session:
            entry_id = await queue.cancel_waiting(session, player_id)
            if entry_id is not None:
                return Cancelled(entry_id)
            latest = await queue.latest_entry(session, player_id)
        if latest is not None and latest.state == "matched" and latest.match_id is not None:
            return AlreadyMatched(latest.entry_id, latest.match_id)
        return NotQueued()

    async def last_choice(self, player_id: int) -> QueueChoice | None:
        """What the player last queued with, still valid under today's ladder file, to prefill /queue."""
        _check_player_id(player_id)
        async with self._sessions() as session:
            saved = await queue.last_choice(session, player_id)
        if saved is None:
            return None
        races, vetoes = saved
        valid_races = [r for r in races if r in self._ladder.race_by_code]
        valid_vetoes = [m for m in vetoes if m in self._ladder.maps.pool][: self._ladder.maps.vetoes]
        return QueueChoice(tuple(valid_races), tuple(valid_vetoes))

    async def snapshot(self, rating: float | None = None) -> QueueSnapshot:
        """The queue now; with a rating, also the wait to expect at that rating."""
        estimate: tuple[float | None, int] = (None, 0)
        async with self._sessions() as session:
            waiting, longest, median_wait = await queue.waiting_summary(session)
            last_wave = await queue.last_wave_started(session)
            if rating is not None:
                estimate = await queue.estimated_wait(session, rating)
        return QueueSnapshot(
            waiting=waiting,
            longest_wait_s=longest,
            median_wait_s=median_wait,
            last_wave_at=last_wave,
            next_wave_at=last_wave + self._wave_interval if last_wave else None,
            estimated_wait_s=estimate[0],
            estimate_basis=estimate[1],
        )


def _check_player_id(player_id: object) -> None:
    if isinstance(player_id, bool) or not isinstance(player_id, int) or not 0 < player_id <= _MAX_ID:
        raise InvalidPlayer()


def _clean_name(display_name: object) -> str | None:
    return clean_name(display_name) or None
