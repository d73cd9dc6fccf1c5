"""The one place the environment is read. Secrets stay `SecretStr` so they never print by accident."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from db.ladder import Ladder, MatchRules, NotifyRules, load_ladder

PROJECT_DIR = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", env_ignore_empty=True)

    database_url: str = Field(
        default="",
        description="PostgreSQL, `postgresql://user:password@host:5432/ladder` (empty: the embedded server)",
    )
    redis_url: str = Field(
        default="", description="Redis or Valkey: the Celery broker and the event stream (empty: the embedded server)"
    )
    discord_token: SecretStr = Field(default=SecretStr(""), description="the bot's token (a secret: never logged)")
    discord_guild_id: int | None = Field(
        default=None,
        description="sync the slash commands to this one server (at once; for testing) instead of globally; "
        "server commands are not offered in DMs",
    )
    admin_role_id: int | None = Field(
        default=None, description="members with this role may use `/admin`, besides those with Manage Server"
    )
    admin_channel_id: int | None = Field(
        default=None,
        description="the admins' channel: disputes are posted there with a button per resolution, and every admin "
        "action is logged there",
    )
    match_log_channel_id: int | None = Field(
        default=None,
        description="the match log: every completed, aborted, invalidated and disputed match is posted there "
        "(Discord takes 5 messages per 5 s in a channel: about one match a second)",
    )
    match_log_language: str | None = Field(
        default=None,
        description="the language of the match log's posts, a code of docs/LANGUAGES.md (default: the server's)",
    )
    staff_role_id: int | None = Field(
        default=None, description="the role pinged by each dispute posted in the admins' channel (none: no ping)"
    )
    admin_guild_id: int | None = Field(
        default=None,
        description="the ladder's home server, the only one where `/admin` works (default: `DISCORD_GUILD_ID`; "
        "with neither, nobody is an admin)",
    )
    pseudo_language: bool = Field(
        default=False,
        description="also speak the test-only pseudo-language `en-XA` (every text marked and lengthened) to clients "
        "whose locale is `en-XA`: the demo's players that check no text escaped the catalogs",
    )
    flower_basic_auth: SecretStr = Field(
        default=SecretStr(""), description="`user:password` for Flower; Flower refuses to start without it"
    )
    ladder_config: Path | None = Field(
        default=None, description="the ladder file (default `ladders/starcraft.toml`; see docs/LADDER.md)"
    )
    wave_interval_s: float | None = Field(
        default=None, description="overrides the ladder file's wave interval (the demo runs shorter waves)"
    )
    confirm_window_s: float | None = Field(
        default=None, description="overrides the ladder file's confirmation window (the demo's is 15 s)"
    )
    notify_delay_s: float | None = Field(
        default=None,
        ge=0,
        description="overrides the ladder file's `[notify] delay_s`, how long a player waits before /notify calls "
        "others (the tests' is a few seconds)",
    )
    notify_sweep_s: float = Field(
        default=10.0, gt=0, description="how often a worker looks for waiting players to call others to (/notify)"
    )
    leaderboard_cache_s: float = Field(
        default=30.0,
        ge=0,
        description="how long the bot keeps a leaderboard's place count and rank edges: any page of 100,000 players"
        " is a short read, and places and ranks may be this old (0: read every time, as the tests do)",
    )
    event_stream: str = Field(default="ladder:events", description="the event stream's key in Redis")
    replay_queue: str = Field(
        default="replays", description="the Celery queue replays are read on (by the Procfile's `replays` workers)"
    )
    replay_keep_days: float = Field(
        default=180,
        gt=0,
        description="how long an uploaded replay's file is kept; what was read in it (the checks, the game's "
        "summary) is kept for ever",
    )
    replay_handover_s: float = Field(
        default=60,
        gt=0,
        description="how long an upload may wait for a replay reader before it is handed over again (the bot "
        "stopped before handing it over, or the broker lost it)",
    )
    celery_queue: str = Field(default="ladder", description="the Celery queue the waves and the sweeps run on")
    relay_interval_s: float = Field(
        default=5.0, description="how often the relay publishes outbox rows a dead worker left unpublished"
    )
    deadline_sweep_s: float = Field(
        default=5.0,
        description="how often a worker sweeps match deadlines: reminders, confirmations run out, report windows "
        "closed",
    )
    listener_in_flight: int = Field(
        default=64,
        ge=1,
        le=1000,
        description="stream entries the bot's listener handles at once: more gives a burst more throughput, fewer "
        "keeps each turn of the event loop short",
    )
    consumer_group: str = Field(default="bot", description="the bot's consumer group on the event stream")
    consumer_claim_idle_ms: int = Field(
        default=30_000,
        ge=100,
        description="how long a stream entry stays pending (its reader died or stalled, or its delivery failed) "
        "before the listener claims it and handles it again",
    )
    consumer_name: str = Field(
        default="bot-1",
        description="the bot's name in the consumer group; keep it stable across restarts, so a restarted bot "
        "replays what it read and never acknowledged (a sharded bot left at the default is named by its shards, "
        "`bot-shards-0-1`)",
    )
    shard_count: int | None = Field(
        default=None,
        ge=1,
        description="run the bot as several processes: the number of shards in all (discord.py's sharding; unset: "
        "one process holds every guild); docs/DEPLOY.md says how",
    )
    shard_ids: Annotated[list[int] | None, NoDecode] = Field(
        default=None,
        description="the shards this process holds, as `0,1` (with `SHARD_COUNT`; unset: all of them); every "
        "process reads its share of the event stream and delivers any event",
    )
    discord_api_base: str = Field(
        default="",
        description="where discord.py sends its REST calls (empty: Discord itself); the demo and the tests point "
        "it at the stand-in",
    )
    delivery_backoff_s: list[float] = Field(
        default=[1.0, 3.0, 10.0],
        description="pauses between the bot's attempts to show a player an event before it records the delivery "
        "as failed, as JSON",
    )
    bot_stats_file: Path | None = Field(
        default=None,
        description="the bot appends its delivery counts and event-loop stalls here as JSON lines, every second",
    )
    bot_metrics_port: int = Field(
        default=0, ge=0, le=65535, description="the bot serves Prometheus metrics on this port (0: off)"
    )
    worker_metrics_port: int = Field(
        default=0,
        ge=0,
        le=65535,
        description="a worker serves Prometheus metrics on this port (0: off): what its pool processes recorded and, "
        "read at scrape time, the queue, the outbox and the stream",
    )
    log_format: Literal["json", "text"] = Field(
        default="json",
        description="`json`: one JSON object a line, with `match_id` and `player_id` where there is one (what a "
        "log platform parses); `text`: lines for a person at a terminal",
    )
    log_level: str = Field(default="INFO", description="the lowest level logged")
    queue_spam_burst: int = Field(
        default=6,
        ge=1,
        description="Join and Cancel spam: the presses a player has in hand; past them they are asked, politely, "
        "to wait",
    )
    queue_spam_refill_s: float = Field(
        default=3.0, gt=0, description="Join and Cancel spam: a player gets one press back every so many seconds"
    )
    state_dir: Path = Field(
        default=PROJECT_DIR / ".state", description="where the embedded servers keep their data (default `.state/`)"
    )

    @field_validator("shard_ids", mode="before")
    @classmethod
    def _shard_list(cls, value: object) -> object:
        if isinstance(value, str):
            try:
                return [int(part) for part in value.replace(" ", "").strip("[]").split(",") if part]
            except ValueError:
                wrong = f"SHARD_IDS must be shard numbers separated by commas, like 0,1 (got {value!r})"
                raise ValueError(wrong) from None
        return value

    @model_validator(mode="after")
    def _shards_within_count(self) -> Settings:
        if self.shard_ids is not None:
            if self.shard_count is None:
                raise ValueError("SHARD_IDS needs SHARD_COUNT, the number of shards in all")
            wrong = [i for i in self.shard_ids if not 0 <= i < self.shard_count]
            if wrong or not self.shard_ids or len(set(self.shard_ids)) != len(self.shard_ids):
                raise ValueError(
                    f"SHARD_IDS must be distinct shard numbers from 0 to {self.shard_count - 1} (got {self.shard_ids})"
                )
        return self

    @property
    def sharded(self) -> bool:
        return self.shard_count is not None

    def own_shards(self) -> list[int]:
        """The shards this process holds (all of them, unsharded or without `SHARD_IDS`)."""
        if self.shard_count is None:
            return [0]
        return list(self.shard_ids) if self.shard_ids is not None else list(range(self.shard_count))

    def stream_consumer(self) -> str:
        """The bot's stable name in the consumer group: one per process, the same after a restart."""
        if self.sharded and "consumer_name" not in self.model_fields_set:
            return "bot-shards-" + "-".join(str(i) for i in self.own_shards())
        return self.consumer_name

    def ladder(self) -> Ladder:
        ladder = load_ladder(self.ladder_config)
        if self.confirm_window_s:
            # Validated as the ladder file's own value would be.
            match = MatchRules.model_validate({**ladder.match.model_dump(), "confirm_window_s": self.confirm_window_s})
            ladder = ladder.model_copy(update={"match": match})
        if self.notify_delay_s is not None:
            notify = NotifyRules.model_validate({**ladder.notify.model_dump(), "delay_s": self.notify_delay_s})
            ladder = ladder.model_copy(update={"notify": notify})
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
