"""Shows each event to each of its players, by the best path still open, and records that they saw it.

Paths, in order: the player's live subscription; an edit of the stored message through the interaction token
(while it lives: 15 minutes); an edit with the bot token (not possible for an ephemeral message); a direct
message. A failure outside the bot (DMs closed, message deleted) is retried with backoff and then recorded in
`delivery_failures` for an admin. A failure inside the bot (the database is down) raises, so the stream entry
stays pending and is handled again.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from collections import Counter, OrderedDict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from functools import cache, partial
from typing import Any, cast

import discord
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import metrics
from bot.catalogs import Catalogs
from bot.delivery_ledger import DeliveryLedger
from bot.discord_api import edit_original_response, send_followup
from bot.drawing.dispute import dispute_rendering
from bot.drawing.match_log import match_log_rendering
from bot.drawing.presenting import render_event
from bot.drawing.renderings import Rendering
from bot.event_language import words_for_event
from bot.languages import SOURCE
from bot.message_refs import token_alive
from bot.notifications import NotificationService
from bot.request_clock import answered_within
from bot.stream_consumer import step_aside
from db import deliveries
from db.deliveries import PRESS_UNANSWERED
from db.events import (
    MATCH_ABORTED,
    MATCH_COMPLETED,
    MATCH_DISPUTED,
    MATCH_INVALIDATED,
    MATCH_REMINDER,
    MATCH_REPORTED,
    RATINGS_DRIFT,
    Event,
)
from db.logs import log_context
from db.payloads import MatchPayload

log = logging.getLogger(__name__)

# Longest wait for Discord to answer one request before the next path is tried.
PATH_TIMEOUT_S = 10.0
# Longest wait on Discord's rate limits before one path is given up (a delivery waiting its turn keeps it).
RATE_LIMIT_PATIENCE_S = 120.0
# Discord's "Cannot send messages to this user" (DMs closed), and how long the bot believes it before trying again.
CANNOT_SEND_TO_USER = 50007
DMS_CLOSED_REMEMBERED_S = 600.0
CLOSED_DMS_NOT_TRIED = f"direct message: not tried, DMs found closed (50007) within {DMS_CLOSED_REMEMBERED_S:g} s"
# A token younger than this may belong to a press whose answer is still on its way to Discord.
ANSWER_IN_FLIGHT_S = 5.0
ANSWER_LANDING_PAUSES_S = (0.25, 0.5, 1.0)
# DM channels remembered (a player's never changes): about 100 bytes each.
DM_CHANNELS_KEPT = 100_000
# Pauses between attempts to record a delivery while the database is unreachable (about half a minute).
RECORD_RETRY_S = (0.5, 1.0, 2.0, 4.0, 8.0, 15.0)
# Deliveries being drawn and sent at once. Each costs the event loop a fraction of a millisecond of Python; a
# burst that started hundreds in one turn of the loop would stall it for tens of milliseconds, while this many
# in flight keep a busy connection to Discord full (32 measured half the throughput on a loaded machine).
SHOWS_AT_ONCE = 64
# Deliveries at once by each path whose rate limit is narrow: direct messages (opening a DM channel is one
# bucket for the whole bot), the admins' channel and the match log (5 messages per 5 s each). Each has a lane of
# its own, so a burst waiting its turn there takes none of the delivery slots of players reached by their live
# view or message, and its events step aside from the listener's events in flight.
NARROW_AT_ONCE = 8
# Recorded as the "player" of the admins' channel, where disputes are posted.
ADMINS = 0
ADMIN_CHANNEL = "admin_channel"
# Recorded as the "player" of the match log, where every match that ended or is in question is posted.
MATCH_LOG = -1
MATCH_LOG_CHANNEL = "match_log"
LOGGED = frozenset({MATCH_COMPLETED, MATCH_ABORTED, MATCH_INVALIDATED, MATCH_DISPUTED})
FOR_ADMINS = frozenset({MATCH_DISPUTED, RATINGS_DRIFT})
SUBSCRIPTION = "subscription"
INTERACTION_TOKEN = "interaction_token"
FOLLOWUP = "followup"
BOT_TOKEN = "bot_token"
DIRECT_MESSAGE = "direct_message"
# Recorded for a `match_reported` event the player will never need: a newer state of the match reached them.
SUPERSEDED = "superseded"
# How long after the listener reads it an event a player's press should have shown them is left to that press's
# answer (Discord wants it within 3 s; a failed one is shown another way at once): past it, the bot that took the
# press died before answering, and the listener shows the event to the presser.
PRESS_ANSWER_WINDOW_S = 10.0
# At most this many newer states drawn over an edit that lost the race (a match has few states).
REDRAWS = 5


@dataclass(frozen=True)
class MessageRef:
    application_id: int
    token: str
    channel_id: int | None
    message_id: int | None
    ephemeral: bool
    issued_at: float
    # The language the message was drawn in.
    locale: str | None = None

    @classmethod
    def of(cls, event: Event, player_id: int) -> MessageRef | None:
        refs = event.payload.get("message_refs")
        raw = refs.get(str(player_id)) if isinstance(refs, dict) else None
        if not isinstance(raw, dict):
            return None
        try:
            return cls(
                application_id=int(raw["application_id"]),
                token=str(raw["token"]),
                channel_id=int(raw["channel_id"]) if raw.get("channel_id") else None,
                message_id=int(raw["message_id"]) if raw.get("message_id") else None,
                ephemeral=bool(raw.get("ephemeral")),
                issued_at=float(raw.get("issued_at", 0)),
                locale=str(raw["locale"])[:16] if raw.get("locale") else None,
            )
        except (KeyError, TypeError, ValueError):
            return None


class Deliverer:
    def __init__(
        self,
        client: discord.Client,
        sessions: async_sessionmaker[AsyncSession],
        notifications: NotificationService,
        catalogs: Catalogs,
        *,
        backoff_s: Sequence[float] = (1.0, 3.0, 10.0),
        admin_channel_id: int | None = None,
        staff_role_id: int | None = None,
        match_log_channel_id: int | None = None,
        match_log_language: str | None = None,
        shows_at_once: int = SHOWS_AT_ONCE,
    ) -> None:
        self._client = client
        self._sessions = sessions
        self._ledger = DeliveryLedger(sessions)
        self._notifications = notifications
        self._catalogs = catalogs
        self._backoff_s = tuple(backoff_s)
        self._staff_role_id = staff_role_id
        self._match_log_language = match_log_language
        # The channels the bot posts in, by the "player" their posts are recorded as: the path and the channel.
        self._channels = {
            player: (path, channel_id)
            for player, path, channel_id in (
                (ADMINS, ADMIN_CHANNEL, admin_channel_id), (MATCH_LOG, MATCH_LOG_CHANNEL, match_log_channel_id)
            )
            if channel_id
        }  # fmt: skip
        self._showing = asyncio.Semaphore(shows_at_once)
        # Follow-ups too: each holds a database connection while it is sent.
        narrow = (DIRECT_MESSAGE, ADMIN_CHANNEL, MATCH_LOG_CHANNEL, FOLLOWUP)
        self._narrow_lanes = {path: asyncio.Semaphore(NARROW_AT_ONCE) for path in narrow}
        self._dm_channels: OrderedDict[int, int] = OrderedDict()  # player -> their DM channel
        self._dms_closed: dict[int, float] = {}  # player -> until when their closed DMs are not tried again
        self.by_path: Counter[str] = Counter()
        self.failed = 0

    async def handle(self, event: Event) -> None:
        """The stream consumer's handler: returns once every player of the event can see it (or, for one out
        of reach, once that is recorded). One query finds who saw it already; each player's sight is recorded
        as soon as they have it; both shared with the other events handled at the same moment."""
        players = list(dict.fromkeys(event.player_ids))
        if event.type in FOR_ADMINS and ADMINS in self._channels:
            players.append(ADMINS)
        if event.type in LOGGED and MATCH_LOG in self._channels:
            players.append(MATCH_LOG)
        seen = await self._ledger.seen(event.id, players)
        todo = [p for p in players if p not in seen]
        pressed = [p for p, path in seen.items() if path == PRESS_UNANSWERED]
        if not todo and not pressed:
            return
        outcomes = await asyncio.gather(
            *(self._deliver_and_record(event, p) for p in todo),
            *(self._unless_answered(event, p) for p in pressed),
        )
        todo += pressed
        failed = {p: problem for p, (path, problem) in zip(todo, outcomes, strict=True) if path is None}
        if failed:
            await _until_written(lambda: self._record_failures(event.id, failed))
        metrics.given_up(len(failed))
        for player_id, problem in failed.items():
            self.failed += 1
            log.error("gave up showing event %s (%s) to player %s: %s", event.id, event.type, player_id, problem,
                      extra={"player_id": player_id, "match_id": match_id_of(event)})  # fmt: skip

    async def _deliver_and_record(self, event: Event, player_id: int) -> tuple[str | None, str]:
        # Each delivery runs in a task of its own (gather), so the ids mark its log lines and no other's.
        with log_context(match_id=match_id_of(event), player_id=player_id, event_id=event.id):
            if event.type == MATCH_REPORTED:
                path, problem = await self._tell_of_report(event, player_id)
            else:
                path, problem = await self._deliver(event, player_id)
            if path is not None:
                # At once, not with the event's other players: a stop (SIGTERM) while another player's
                # delivery still retries leaves the event pending, and the bot that handles it again must
                # not show this player a second direct message.
                await _until_written(lambda: self._ledger.record(event.id, {player_id: path}))
            return path, problem

    async def _unless_answered(self, event: Event, player_id: int) -> tuple[str | None, str]:
        """The player's own press moved the match to this event, and its answer was to show it: once the answer
        has had its time, shown here unless it landed (or was shown another way meanwhile)."""
        step_aside()
        await asyncio.sleep(PRESS_ANSWER_WINDOW_S)
        if (await self._ledger.seen(event.id, [player_id])).get(player_id) != PRESS_UNANSWERED:
            return SUPERSEDED, ""
        if await self._newer(event, player_id) is not None:
            # The match moved on since: its newer state is shown by its own delivery, never covered by this one.
            await _until_written(lambda: self._ledger.settle_unanswered(event.id, player_id, SUPERSEDED))
            return SUPERSEDED, ""
        with log_context(match_id=match_id_of(event), player_id=player_id, event_id=event.id):
            log.warning("event %s: the answer to player %s's press never landed; showing it", event.id, player_id)
            path, problem = await self._deliver(event, player_id)
            if path is not None:
                await _until_written(lambda: self._ledger.settle_unanswered(event.id, player_id, path))
            return path, problem

    async def _tell_of_report(self, event: Event, player_id: int) -> tuple[str | None, str]:
        """`match_reported` is written a moment before the player's own report may end the match: shown after
        that, it would bring back the card of a match still to report. So it is not shown once the match has
        moved on for the player, and an edit that lost the race to a newer state is drawn over with it."""
        if await self._newer(event, player_id) is not None:
            return SUPERSEDED, ""
        path, problem = await self._deliver(event, player_id)
        drawn = event
        # Each redraw may itself land after a state newer still (an admin settling the dispute meanwhile): look
        # again after each, until the newest drawn is the newest there is. A state written after a look is drawn
        # by its own delivery after our edit landed, so it comes last.
        for _ in range(REDRAWS if path in (INTERACTION_TOKEN, BOT_TOKEN) else 0):
            newer = await self._newer(drawn, player_id)
            if newer is None:
                break
            await self._deliver(newer, player_id)
            drawn = newer
        return path, problem

    async def _newer(self, event: Event, player_id: int) -> Event | None:
        match_id = match_id_of(event)
        if match_id is None:
            return None
        async with self._sessions() as session:
            return await deliveries.newer_match_event(session, match_id, player_id, event.id)

    async def show_instead_of_answer(self, event: Event, player_id: int) -> None:
        """The answer to the player's own press never reached them: shows them its event by the next path open,
        then records the path (until then the listener leaves the event to this)."""
        path, problem = await self._deliver(event, player_id)
        if path is None:
            await _until_written(lambda: self._record_failures(event.id, {player_id: problem}))
        else:
            await _until_written(lambda: self._ledger.settle_unanswered(event.id, player_id, path))

    async def _record_failures(self, event_id: int, failed: dict[int, str]) -> None:
        async with self._sessions.begin() as session:
            for player_id, problem in failed.items():
                await deliveries.record_failure(session, event_id, player_id, len(self._backoff_s) + 1, problem)

    async def _deliver(self, event: Event, player_id: int) -> tuple[str | None, str]:
        """The path that showed the event, or None and the last problem after every retry."""
        # Drawn once, and only for a path past the live subscription (which draws its own).
        rendering = cache(partial(self._draw, event, player_id))
        problems: list[str] = []
        for attempt, delay in enumerate((0.0, *self._backoff_s), start=1):
            if delay:
                step_aside()
                await asyncio.sleep(delay)
            path = await self._show(event, player_id, rendering, problems)
            if path is not None:
                self.by_path[path] += 1
                metrics.delivered(event, path)
                # The operator's trail of who saw what, with the match and the player from the log context.
                log.info("event %s (%s) shown to player %s by %s", event.id, event.type, player_id, path)
                return path, ""
            log.warning("event %s not shown to player %s (attempt %d): %s", event.id, player_id, attempt, problems[-1])
        return None, problems[-1]

    def _draw(self, event: Event, player_id: int) -> Rendering:
        if player_id == ADMINS:
            # Read by the listener through the contract of db/payloads.py; the admins read English.
            english = self._catalogs.words(SOURCE)
            if event.type != MATCH_DISPUTED:
                return render_event(event, ADMINS, english)
            return dispute_rendering(cast(MatchPayload, event.payload), english, self._staff_role_id)
        if player_id == MATCH_LOG:
            words = self._catalogs.words(self._match_log_language)
            return match_log_rendering(cast(MatchPayload, event.payload), words)
        ref = MessageRef.of(event, player_id)
        words = words_for_event(self._catalogs, event, player_id, ref.locale if ref else None)
        return render_event(event, player_id, words)

    async def _show(
        self, event: Event, player_id: int, rendering: Callable[[], Rendering], problems: list[str]
    ) -> str | None:
        attempts: list[tuple[str, Callable[[], Awaitable[Any]]]] = []
        dms_closed = False
        if (posted := self._channels.get(player_id)) is not None:
            path, channel_id = posted
            channel = self._client.get_partial_messageable(channel_id)
            # The nonce makes a post sent twice (a timeout that did land, a restart) one message.
            nonce = _nonce(event.id, player_id)
            attempts.append((path, lambda: channel.send(**rendering().send_kwargs(), nonce=nonce)))
        else:
            async with self._showing:
                if await self._notifications.offer(player_id, event):
                    return SUBSCRIPTION
            ref = MessageRef.of(event, player_id)
            fresh = ref is not None and token_alive(ref.issued_at)
            if event.type == MATCH_REMINDER:
                # A reminder must catch the eye: a new message notifies, an edit does not.
                if ref is not None and fresh:
                    attempts.append((FOLLOWUP, lambda: self._follow_up_once(event.id, player_id, ref, rendering)))
            else:
                if ref is not None and fresh:
                    attempts.append((INTERACTION_TOKEN, lambda: self._edit_by_token(ref, rendering())))
                if ref is not None and not ref.ephemeral and ref.channel_id and ref.message_id:
                    attempts.append((BOT_TOKEN, lambda: self._edit_by_bot(ref, rendering())))
            # Each refused DM is an invalid request to Discord (its IP ban counts them): not tried again soon.
            dms_closed = time.monotonic() < self._dms_closed.get(player_id, 0.0)
            if not dms_closed:
                attempts.append(
                    (DIRECT_MESSAGE, lambda: self._send_dm(player_id, rendering(), _nonce(event.id, player_id)))
                )
        tried: list[str] = []
        for path, attempt in attempts:
            where = path.replace("_", " ")
            lane = self._narrow_lanes.get(path)
            if lane is None:
                lane = self._showing
            else:
                # Its turn may be minutes away (a burst of direct messages): the listener reads on meanwhile.
                step_aside()
            try:
                # A call that never answers (a stalled connection) must not hold the event for ever; one that
                # waits out a rate limit keeps its place.
                async with lane, answered_within(PATH_TIMEOUT_S, RATE_LIMIT_PATIENCE_S):
                    await attempt()
                return path
            except discord.HTTPException as exc:
                if path == DIRECT_MESSAGE and exc.code == CANNOT_SEND_TO_USER:
                    self._dms_closed[player_id] = time.monotonic() + DMS_CLOSED_REMEMBERED_S
                    if len(self._dms_closed) > DM_CHANNELS_KEPT:
                        self._dms_closed.pop(next(iter(self._dms_closed)))
                tried.append(f"{where}: {_why(exc)}")
            except TimeoutError:
                tried.append(f"{where}: no answer within {PATH_TIMEOUT_S:g} s, or rate-limited past "
                             f"{RATE_LIMIT_PATIENCE_S:g} s")  # fmt: skip
        if dms_closed:
            tried.append(CLOSED_DMS_NOT_TRIED)
        problems.append("; ".join(tried))
        return None

    async def _edit_by_token(self, ref: MessageRef, rendering: Rendering) -> None:
        for pause in (*ANSWER_LANDING_PAUSES_S, None):
            try:
                await edit_original_response(self._client, ref.application_id, ref.token, embed=rendering.embed,
                                             view=rendering.view)  # fmt: skip
                return
            except discord.NotFound:
                # The token may be a press that moved the match a moment ago: until that press's own answer
                # reaches Discord, the token has no message to edit. Worth a short wait, not a direct message.
                if pause is None or time.time() - ref.issued_at > ANSWER_IN_FLIGHT_S:
                    raise
                await asyncio.sleep(pause)

    async def _follow_up_once(
        self, event_id: int, player_id: int, ref: MessageRef, rendering: Callable[[], Rendering]
    ) -> None:
        """A follow-up is a new message each time (Discord takes no nonce for it), so it is sent inside the
        transaction that records it: another bot process handling the same event meanwhile (one that stalled past
        the claim timeout) waits on the record, then finds it and sends nothing; a send that fails, or a bot that
        dies sending, records nothing and leaves it to the next attempt."""
        async with self._sessions.begin() as session:
            if await deliveries.claim_delivery(session, event_id, player_id, FOLLOWUP):
                await self._follow_up(ref, rendering())

    async def _follow_up(self, ref: MessageRef, rendering: Rendering) -> None:
        await send_followup(self._client, ref.application_id, ref.token, embed=rendering.embed, view=rendering.view,
                            ephemeral=ref.ephemeral)  # fmt: skip

    async def _edit_by_bot(self, ref: MessageRef, rendering: Rendering) -> None:
        assert ref.channel_id is not None and ref.message_id is not None
        channel = self._client.get_partial_messageable(ref.channel_id)
        await channel.get_partial_message(ref.message_id).edit(**rendering.kwargs())

    async def _send_dm(self, player_id: int, rendering: Rendering, nonce: int) -> None:
        channel_id = self._dm_channels.get(player_id)
        if channel_id is None:
            # discord.py remembers only 128 DM channels, and opening one is a single rate-limit bucket for the
            # whole bot: under a burst of direct messages, every one would queue behind it.
            channel_id = (await self._client.create_dm(discord.Object(player_id))).id
            self._dm_channels[player_id] = channel_id
            if len(self._dm_channels) > DM_CHANNELS_KEPT:
                self._dm_channels.popitem(last=False)
        else:
            self._dm_channels.move_to_end(player_id)
        dm = self._client.get_partial_messageable(channel_id, type=discord.ChannelType.private)
        await dm.send(**rendering.send_kwargs(), nonce=nonce)


def match_id_of(event: Event) -> int | None:
    match_id = event.payload.get("match_id")
    return match_id if isinstance(match_id, int) else None


async def _until_written(write: Callable[[], Awaitable[object]]) -> None:
    """What a player was shown must be recorded, or the event is shown to them again when it is retried (a
    second direct message or reminder): a database that is restarting is waited for, for a while."""
    for delay in (*RECORD_RETRY_S, None):
        try:
            await write()
            return
        except (OperationalError, InterfaceError) as exc:
            if delay is None:
                raise
            log.warning("could not record a delivery (%s); retrying in %g s", type(exc).__name__, delay)
            await asyncio.sleep(delay)


def _nonce(event_id: int, player_id: int) -> int:
    """The same for every attempt to show one event to one player: Discord creates the direct message once
    (enforce_nonce), even when an attempt that timed out had in fact sent it, or a restart sends it again."""
    digest = hashlib.blake2b(f"{event_id}:{player_id}".encode(), digest_size=8).digest()
    return int.from_bytes(digest) >> 1


def _why(exc: discord.HTTPException) -> str:
    # Discord's own words (status and code), never the request: it carries the token in its URL.
    return f"{exc.status} {exc.code} {exc.text[:120]}"
