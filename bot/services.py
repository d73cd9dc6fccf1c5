"""The services the bot builds once, in `setup_hook`, and every command and view reaches through the client."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.admin_service import AdminService
from bot.catalogs import Catalogs
from bot.chart_drawers import ChartDrawers
from bot.live_messages import LiveMessages
from bot.match_service import MatchService
from bot.notifications import NotificationService
from bot.player_languages import PlayerLanguages
from bot.player_service import PlayerService
from bot.queue_service import QueueService
from bot.replay_service import ReplayService
from bot.spam_guard import SpamGuard
from db.ladder import Ladder


@dataclass(frozen=True)
class Services:
    ladder: Ladder
    sessions: async_sessionmaker[AsyncSession]
    queue: QueueService
    notifications: NotificationService
    live_messages: LiveMessages
    matches: MatchService
    players: PlayerService
    admin: AdminService
    replays: ReplayService
    # Join, Back to the queue and Cancel share one budget per player.
    queue_spam: SpamGuard
    # Every language's words, and which language each player chose.
    catalogs: Catalogs
    languages: PlayerLanguages
    # The workers draw the charts; the bot asks and waits without blocking.
    charts: ChartDrawers
