"""The bot: the `LadderClient` that builds its services once, registers its components and runs the listener."""

from __future__ import annotations

import asyncio
import gc
import json
import logging
import time
from pathlib import Path
from typing import Any

import discord
import redis.asyncio as aioredis
from discord.ext import commands
from sqlalchemy.ext.asyncio import AsyncEngine

from bot import metrics
from bot.admin_commands import admin_group
from bot.admin_service import AdminService
from bot.catalogs import load_catalogs
from bot.chart_drawers import ChartDrawers
from bot.command_translator import LadderTranslator
from bot.commands import COMMANDS, REPLAY_COMMANDS
from bot.components.admin_preview import PreviewButton
from bot.components.dispute import ResolveButton
from bot.components.leaderboard import BoardButton, BoardRacesSelect, BoardRankSelect, JumpForm, jump_form_of
from bot.components.match import MatchButton
from bot.components.names_form import NamesForm, form_owner
from bot.components.player_setup import LanguageSelect, ProfileButton, RegionSelect, RulesButton
from bot.components.reason_form import ReasonForm, reason_form_of
from bot.components.searching import CancelButton
from bot.components.setup import JoinButton, NoticeButton, RaceSelect, VetoSelect
from bot.components.stray import answer_stray, is_stray
from bot.delivery import Deliverer
from bot.discord_api import point_gateway_as_told
from bot.failures import answer_command_error
from bot.health import BotHealth
from bot.ladder_client import Interaction, LadderClient
from bot.live_messages import LiveMessages
from bot.loop_watch import LoopWatch
from bot.match_service import MatchService
from bot.notifications import NotificationService
from bot.player_languages import PlayerLanguages
from bot.player_service import PlayerService
from bot.queue_service import QueueService
from bot.replay_readers import ReplayReaders
from bot.replay_service import ReplayService
from bot.request_clock import request_trace
from bot.services import Services
from bot.spam_guard import SpamGuard
from bot.stream_consumer import EventConsumer
from db.engines import async_engine, async_session_factory
from db.ladder import Ladder
from db.settings import Settings

log = logging.getLogger(__name__)


class LadderBot(LadderClient):
    def __init__(self, settings: Settings, ladder: Ladder, **sharding: Any) -> None:
        intents = discord.Intents(guilds=True)
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=intents,
            help_command=None,
            http_trace=request_trace(),
            **sharding,
        )
        self.settings = settings
        self.ladder = ladder
        self.loop_watch = LoopWatch()
        if settings.sharded:
            self.health = BotHealth(own_shards=tuple(settings.own_shards()))
            gateway_events = ("on_shard_connect", "on_shard_resumed", "on_shard_disconnect")
        else:
            self.health = BotHealth()
            gateway_events = ("on_connect", "on_resumed", "on_disconnect")
        for event in gateway_events:
            self.add_listener(getattr(self.health, event), event)
        self._metrics_server: Any = None
        self._services: Services | None = None
        self._engine: AsyncEngine | None = None
        self._redis: aioredis.Redis | None = None
        self._consumer: EventConsumer | None = None
        self.deliverer: Deliverer | None = None
        self._stop_listening = asyncio.Event()
        self._background: list[asyncio.Task[None]] = []

    @property
    def services(self) -> Services:
        if self._services is None:
            raise RuntimeError("the bot's services are built in setup_hook, which has not run")
        return self._services

    async def setup_hook(self) -> None:
        # Runs once per login; gateway reconnects never come back here, so nothing starts twice.
        if self._services is not None:
            return
        settings = self.settings
        self._engine = async_engine(settings.database_url)
        sessions = async_session_factory(self._engine)
        # Callers wait for a free connection rather than fail when a burst has them all busy.
        pool = aioredis.BlockingConnectionPool.from_url(settings.redis_url, max_connections=64, timeout=30)
        self._redis = aioredis.Redis.from_pool(pool)
        notifications = NotificationService()
        catalogs = load_catalogs(self.ladder, pseudo=settings.pseudo_language)
        players = PlayerService(sessions, self.ladder, settings.leaderboard_cache_s)
        self._services = Services(
            ladder=self.ladder,
            sessions=sessions,
            queue=QueueService(sessions, self.ladder, settings.wave_interval()),
            notifications=notifications,
            live_messages=LiveMessages(self, catalogs),
            matches=MatchService(sessions, self._redis, settings.event_stream, self.ladder),
            players=players,
            admin=AdminService(
                sessions, self._redis, settings.event_stream, self.ladder, consumer_group=settings.consumer_group
            ),
            replays=ReplayService(
                sessions, self.ladder, ReplayReaders(settings.redis_url, settings.replay_queue).hand_over
            ),
            queue_spam=SpamGuard(settings.queue_spam_burst, settings.queue_spam_refill_s),
            catalogs=catalogs,
            languages=PlayerLanguages(players.chosen_language),
            charts=ChartDrawers(settings.redis_url, settings.celery_queue),
        )
        self.deliverer = Deliverer(
            self,
            sessions,
            notifications,
            catalogs,
            backoff_s=settings.delivery_backoff_s,
            admin_channel_id=settings.admin_channel_id,
            staff_role_id=settings.staff_role_id,
            match_log_channel_id=settings.match_log_channel_id,
            match_log_language=settings.match_log_language,
        )
        self._consumer = EventConsumer(
            self._redis,
            settings.event_stream,
            settings.consumer_group,
            settings.stream_consumer(),
            self.deliverer.handle,
            max_in_flight=settings.listener_in_flight,
            claim_idle_ms=settings.consumer_claim_idle_ms,
        )
        self.add_dynamic_items(
            RaceSelect, VetoSelect, JoinButton, CancelButton, MatchButton, RegionSelect, ResolveButton, LanguageSelect,
            ProfileButton, RulesButton, NoticeButton, BoardButton, BoardRacesSelect, BoardRankSelect, PreviewButton,
        )  # fmt: skip
        for command in COMMANDS + (REPLAY_COMMANDS if self.ladder.replays.mode != "off" else []):
            self.tree.add_command(command)
        self.tree.add_command(admin_group)
        self.tree.error(answer_command_error)
        await self.tree.set_translator(LadderTranslator(catalogs))
        await point_gateway_as_told(self)
        if 0 in settings.own_shards():
            # One process registers the commands: every other would only send Discord the same list again.
            await self._sync_commands()
        await self._learn_house_locale()
        # What start-up built lives for the whole run: out of the collector's sight, a full collection during
        # a burst has far fewer objects to walk (a long pause of the event loop otherwise).
        gc.collect()
        gc.freeze()
        self.loop_watch.start()
        self._background.append(asyncio.create_task(self._listen(), name="listener"))
        self.health.listener = self._background[0]
        self._background.append(asyncio.create_task(self._forget_dead_views(), name="dead-views"))
        if settings.bot_metrics_port:
            self._metrics_server = metrics.serve(settings.bot_metrics_port, self.health, self._consumer)
        if settings.bot_stats_file:
            self._background.append(asyncio.create_task(self._write_stats(settings.bot_stats_file), name="stats"))

    async def on_guild_available(self, guild: discord.Guild) -> None:
        if guild.id == self.settings.home_guild_id() and self._services is not None:
            self._services.catalogs.house_locale = str(guild.preferred_locale.value)

    async def _learn_house_locale(self) -> None:
        """A process whose shards do not hold the home guild never receives it from the gateway; it asks once,
        as it delivers events in that guild's language too."""
        home = self.settings.home_guild_id()
        count = self.settings.shard_count
        if home is None or count is None or shard_of(home, count) in self.settings.own_shards():
            return
        try:
            guild = await self.fetch_guild(home, with_counts=False)
        except discord.HTTPException as exc:
            log.warning("could not read the home guild's language (%s %s)", exc.status, exc.code)
            return
        self.services.catalogs.house_locale = str(guild.preferred_locale.value)

    async def on_interaction(self, interaction: Interaction) -> None:
        if is_stray(interaction):
            await answer_stray(interaction)
        elif (owner := form_owner(interaction)) is not None:
            await NamesForm(owner).submitted(interaction)
        elif (settling := reason_form_of(interaction)) is not None:
            await ReasonForm(*settling).submitted(interaction)
        elif (jumped := jump_form_of(interaction)) is not None:
            await JumpForm(jumped).submitted(interaction)

    async def _sync_commands(self) -> None:
        guild_id = self.settings.discord_guild_id
        if guild_id:
            guild = discord.Object(guild_id)
            self.tree.copy_global_to(guild=guild)
            synced = await self.tree.sync(guild=guild)
        else:
            synced = await self.tree.sync()
        log.info("synced %d slash commands %s", len(synced), f"to guild {guild_id}" if guild_id else "globally")

    async def _listen(self) -> None:
        """Runs the stream consumer for the bot's whole life; a crash restarts it, it never ends quietly."""
        assert self._consumer is not None
        while not self._stop_listening.is_set():
            try:
                await self._consumer.run(self._stop_listening)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("the listener stopped unexpectedly; restarting it")
                await asyncio.sleep(1.0)

    async def _forget_dead_views(self, every_s: float = 60.0) -> None:
        """Live views whose token died: housekeeping for the subscriptions no event came to end (another bot
        process showed their player's match)."""
        while True:
            await asyncio.sleep(every_s)
            self.services.notifications.forget_expired()

    async def close(self) -> None:
        self._stop_listening.set()
        if self._background:
            # The listener finishes the deliveries in flight (they are acknowledged) before it is cut off.
            await asyncio.wait(self._background[:1], timeout=5)
        for task in self._background:
            task.cancel()
        await asyncio.gather(*self._background, return_exceptions=True)
        self._background.clear()
        await self.loop_watch.stop()
        if self._metrics_server is not None:
            # Its thread answers scrapes; shutting it down waits for the one in progress (never long).
            await asyncio.to_thread(self._metrics_server.shutdown)
        if self._services is not None:
            await self._services.notifications.close()
            await self._services.charts.close()
        await super().close()
        if self._redis is not None:
            await self._redis.aclose()
        if self._engine is not None:
            await self._engine.dispose()
        log.info("bot stopped")

    def stats(self) -> dict[str, Any]:
        notifications = self._services.notifications if self._services else None
        return {
            "at": time.time(),
            "gateway_connected": self.health.gateway_connected,
            "largest_stall_ms": round(self.loop_watch.largest_stall_ms, 2),
            "largest_busy_stall_ms": round(self.loop_watch.largest_busy_ms, 2),
            "largest_gc_cpu_ms": round(self.loop_watch.largest_gc_cpu_ms, 2),
            "largest_gc_generation": self.loop_watch.largest_gc_generation,
            "consumer": self.settings.stream_consumer(),
            "shards": self.settings.own_shards() if self.settings.sharded else None,
            "events_handled": self._consumer.handled_count if self._consumer else 0,
            "duplicates_skipped": self._consumer.duplicates_skipped if self._consumer else 0,
            "events_set_aside": self._consumer.set_aside_count if self._consumer else 0,
            "events_malformed": self._consumer.malformed_count if self._consumer else 0,
            "deliveries_by_path": dict(self.deliverer.by_path) if self.deliverer else {},
            "deliveries_failed": self.deliverer.failed if self.deliverer else 0,
            "subscriptions": notifications.subscriptions if notifications else 0,
            "subscription_tasks": len(notifications.tasks()) if notifications else 0,
        }

    async def _write_stats(self, path: Path, every_s: float = 1.0) -> None:
        """Each line: the figures at that moment, the stall being the largest of the last interval."""
        while True:
            await asyncio.sleep(every_s)
            line = json.dumps(self.stats()) + "\n"
            self.loop_watch.reset()
            await asyncio.to_thread(_append, path, line)


class ShardedLadderBot(LadderBot, commands.AutoShardedBot):
    """The bot holding some of the shards (`SHARD_COUNT`, `SHARD_IDS`): discord.py's AutoShardedBot underneath."""


def ladder_bot(settings: Settings, ladder: Ladder) -> LadderBot:
    if settings.shard_count is None:
        return LadderBot(settings, ladder)
    return ShardedLadderBot(settings, ladder, shard_count=settings.shard_count, shard_ids=settings.own_shards())


def shard_of(guild_id: int, shard_count: int) -> int:
    """Discord's rule: the shard that receives a guild's events."""
    return (guild_id >> 22) % shard_count


def _append(path: Path, line: str) -> None:
    with path.open("a") as f:
        f.write(line)
