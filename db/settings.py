"""The one place the environment is read. Secrets stay `SecretStr` so they never print by accident."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from db.ladder import Ladder, MatchRules, load_ladder

PROJECT_DIR = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", env_ignore_empty=True)

    database_url: str = Field(default="", description="postgresql+psycopg://... ; empty: the embedded server")
    redis_url: str = Field(default="", description="redis://... ; empty: the embedded server")
    discord_token: SecretStr = SecretStr("")
    discord_guild_id: int | None = None
    # Members with this role may use /admin (besides those with Manage Server); disputes and the admin log go to
    # this channel. Both optional.
    admin_role_id: int | None = None
    admin_channel_id: int | None = None
    # The ladder's home server: /admin works there only (the bot may be in other servers, whose admins are not
    # the ladder's). Unset: DISCORD_GUILD_ID; both unset: nobody is an admin.
    admin_guild_id: int | None = None
    flower_basic_auth: SecretStr = SecretStr("")
    ladder_config: Path | None = None
    # Overrides the ladder file's wave interval (the demo runs shorter waves).
    wave_interval_s: float | None = None
    # Overrides the ladder file's confirmation window (the demo plays its matches in seconds, not minutes).
    confirm_window_s: float | None = None
    event_stream: str = "ladder:events"
    celery_queue: str = "ladder"
    # How often the relay publishes outbox rows a dead worker left unpublished.
    relay_interval_s: float = 5.0
    # How often a worker sweeps match deadlines (reminders, confirmations run out, report windows closed).
    deadline_sweep_s: float = 5.0
    # Stream entries the bot's listener handles at once: more gives a burst more throughput, fewer keeps each
    # turn of the event loop short.
    listener_in_flight: int = Field(default=64, ge=1, le=1000)
    consumer_group: str = "bot"
    # How long a stream entry stays pending (its reader died, stalled, or its delivery failed) before the
    # listener claims it and handles it again.
    consumer_claim_idle_ms: int = Field(default=30_000, ge=100)
    # Stable across restarts, so a restarted bot replays what it read and never acknowledged.
    consumer_name: str = "bot-1"
    # Where discord.py sends its REST calls; empty: Discord itself. The sandbox points it at the stand-in.
    discord_api_base: str = ""
    # Pauses between the bot's attempts to show a player an event before it records the delivery as failed.
    delivery_backoff_s: list[float] = [1.0, 3.0, 10.0]
    # When set, the bot writes its delivery figures and event-loop stalls here as JSON every few seconds.
    bot_stats_file: Path | None = None
    # Prometheus metrics: the port each process serves /metrics on; 0 serves nothing. The worker's main process
    # serves what its pool processes recorded (prometheus_client's multiprocess mode) and, read at scrape time,
    # the queue, the outbox and the stream.
    bot_metrics_port: int = Field(default=0, ge=0, le=65535)
    worker_metrics_port: int = Field(default=0, ge=0, le=65535)
    # "json": one JSON object a line (what a log platform parses); "text": lines for a person at a terminal.
    log_format: Literal["json", "text"] = "json"
    log_level: str = "INFO"
    # Join and Cancel spam: a player has this many presses in hand and gets one back every so many seconds.
    queue_spam_burst: int = Field(default=6, ge=1)
    queue_spam_refill_s: float = Field(default=3.0, gt=0)
    # Where the embedded servers keep their data.
    state_dir: Path = PROJECT_DIR / ".state"

    def ladder(self) -> Ladder:
        ladder = load_ladder(self.ladder_config)
        if self.confirm_window_s:
            # Validated as the ladder file's own value would be.
            match = MatchRules.model_validate({**ladder.match.model_dump(), "confirm_window_s": self.confirm_window_s})
            ladder = ladder.model_copy(update={"match": match})
        return ladder

    def home_guild_id(self) -> int | None:
        return self.admin_guild_id or self.discord_guild_id

    def wave_interval(self) -> float:
        return self.wave_interval_s or self.ladder().matchmaking.wave_interval_s


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()


def sqlalchemy_url(url: str) -> str:
    """One URL form serves the sync and the async engine: postgresql+psycopg://."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url
