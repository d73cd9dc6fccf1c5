"""The ladder's tables, in SQLAlchemy 2's typed declarative style. PostgreSQL is the one source of truth."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from db.states import UNFINISHED_MATCH_STATES, EntryState, MatchState, Report, Result

ENTRY_STATES = tuple(EntryState)
MATCH_STATES = tuple(MatchState)
REPORTS = tuple(Report)
RESULTS = tuple(Result)


def _one_of(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(str(v)) for v in values)})"


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSONB, datetime: DateTime(timezone=True)}


class Player(Base):
    __tablename__ = "players"

    # The id the front end knows the player by (for Discord, the user id); the backend treats it as opaque.
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    display_name: Mapped[str | None] = mapped_column(String(64))
    region: Mapped[str | None] = mapped_column(String(16))
    banned: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    ban_reason: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    # Set by /setup; a player without a region has not set up yet and cannot queue.
    setup_at: Mapped[datetime | None]
    # No queueing before this moment (aborting a match, or letting its confirmation run out).
    cooldown_until: Mapped[datetime | None]
    # /notify on: a direct message when someone has been waiting in the queue while this player is not in it.
    notify_on_join: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    notified_at: Mapped[datetime | None]
    # The player's own least time between two of those messages; None: the ladder's.
    notify_cooldown_s: Mapped[float | None] = mapped_column(Float)
    # The language the player chose with /setup (a locale code such as `ko`); None: their client's.
    language: Mapped[str | None] = mapped_column(String(16))
    # The locale the player's client showed last time they queued or set up: what they read when no message of
    # theirs says otherwise.
    locale: Mapped[str | None] = mapped_column(String(16))
    # Who they are in the game (set up with /setup), and the key that keeps ladder names unique without regard
    # to case or lookalike letters (`db.identity.name_key`).
    in_game_name: Mapped[str | None] = mapped_column(String(32))
    battletag: Mapped[str | None] = mapped_column(String(32))
    alt_names: Mapped[list[str]] = mapped_column(ARRAY(String(32)), server_default=text("'{}'"))
    country: Mapped[str | None] = mapped_column(String(2))
    name_key: Mapped[str | None] = mapped_column(String(64))
    # The version of the ladder's rules the player accepted last (/queue asks again when the version changes).
    rules_version: Mapped[str | None] = mapped_column(String(64))
    rules_accepted_at: Mapped[datetime | None]

    # Their Discord username when they last queued: what an admin may look them up by.
    discord_name: Mapped[str | None] = mapped_column(String(100))

    __table_args__ = (
        Index("players_name_key", "name_key", unique=True),
        # An admin's look-up of a player by the start of a name, in any case.
        Index("players_display_name_lower", text("lower(display_name) text_pattern_ops")),
        Index("players_discord_name_lower", text("lower(discord_name) text_pattern_ops")),
    )


class IdentityChange(Base):
    """One change of a player's identity (a field's old and new value): the history /setup keeps."""

    __tablename__ = "identity_changes"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    player_id: Mapped[int] = mapped_column(ForeignKey("players.id", ondelete="CASCADE"))
    field: Mapped[str] = mapped_column(String(24))
    old_value: Mapped[str | None] = mapped_column(String(200))
    new_value: Mapped[str | None] = mapped_column(String(200))
    changed_at: Mapped[datetime] = mapped_column(server_default=func.now())

    __table_args__ = (Index("identity_changes_player", "player_id", "id"),)


class NoticeSeen(Base):
    """A notice of the ladder file (by its id) that the player has read and acknowledged."""

    __tablename__ = "notices_seen"

    player_id: Mapped[int] = mapped_column(ForeignKey("players.id", ondelete="CASCADE"), primary_key=True)
    notice: Mapped[str] = mapped_column(String(32), primary_key=True)
    seen_at: Mapped[datetime] = mapped_column(server_default=func.now())


class IdentityDraft(Base):
    """A setup the player has started and not confirmed: the stored profile stays as it was until they do."""

    __tablename__ = "identity_drafts"

    player_id: Mapped[int] = mapped_column(ForeignKey("players.id", ondelete="CASCADE"), primary_key=True)
    draft: Mapped[dict[str, Any]]
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now())


class Rating(Base):
    __tablename__ = "ratings"

    player_id: Mapped[int] = mapped_column(ForeignKey("players.id", ondelete="CASCADE"), primary_key=True)
    race: Mapped[str] = mapped_column(String(32), primary_key=True)
    rating: Mapped[float] = mapped_column(Float)
    games: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    wins: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    losses: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    draws: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now())
    last_played_at: Mapped[datetime | None]
    # Copies kept by triggers (migration 0009) so every leaderboard filter is a condition on one index: the
    # player's country, and the races this player rates higher than this one ("best race only" among any races).
    country: Mapped[str | None] = mapped_column(String(2))
    better_races: Mapped[list[str]] = mapped_column(ARRAY(String(32)), server_default=text("'{}'"))

    __table_args__ = (
        CheckConstraint("games = wins + losses + draws", name="ratings_games_add_up"),
        # The leaderboard of one race (and ranks: whether a player is active is read from the index too, so
        # counting ranks never visits the table).
        Index("ratings_leaderboard", "race", text("rating DESC"), "player_id", postgresql_where=text("games > 0"),
              postgresql_include=["last_played_at", "better_races"]),
        # The board of several races, or of one country.
        Index("ratings_board", text("rating DESC"), "player_id", "race", postgresql_where=text("games > 0"),
              postgresql_include=["last_played_at", "better_races"]),
        Index("ratings_board_country", "country", text("rating DESC"), "player_id", "race",
              postgresql_where=text("games > 0"), postgresql_include=["last_played_at", "better_races"]),
    )  # fmt: skip


class QueueChoice(Base):
    """What a player last queued with, to prefill their next /queue."""

    __tablename__ = "queue_choices"

    player_id: Mapped[int] = mapped_column(ForeignKey("players.id", ondelete="CASCADE"), primary_key=True)
    races: Mapped[list[str]] = mapped_column(ARRAY(String(32)))
    vetoes: Mapped[list[str]] = mapped_column(ARRAY(String(64)))
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now())


class Wave(Base):
    """One matchmaking wave: when it started, what it claimed and matched."""

    __tablename__ = "waves"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    started_at: Mapped[datetime] = mapped_column(server_default=func.now())
    committed_at: Mapped[datetime | None]
    claimed: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    matched_pairs: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    pairing_ms: Mapped[float | None] = mapped_column(Float)


class Match(Base):
    __tablename__ = "matches"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    wave_id: Mapped[int | None] = mapped_column(ForeignKey("waves.id"))
    player1_id: Mapped[int] = mapped_column(ForeignKey("players.id"))
    player2_id: Mapped[int] = mapped_column(ForeignKey("players.id"))
    player1_race: Mapped[str] = mapped_column(String(32))
    player2_race: Mapped[str] = mapped_column(String(32))
    player1_rating: Mapped[float] = mapped_column(Float)
    player2_rating: Mapped[float] = mapped_column(Float)
    # Each player's rank in the race they play, when the wave made the match (none: unranked).
    player1_rank: Mapped[str | None] = mapped_column(String(16))
    player2_rank: Mapped[str | None] = mapped_column(String(16))
    map: Mapped[str | None] = mapped_column(String(64))
    server: Mapped[str] = mapped_column(String(80))
    state: Mapped[str] = mapped_column(String(24), server_default=text("'awaiting_confirmation'"))
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now())
    # Set by the wave from the ladder's confirmation window (null for matches made before the lifecycle).
    confirm_by: Mapped[datetime | None]
    reminded_at: Mapped[datetime | None]
    player1_confirmed_at: Mapped[datetime | None]
    player2_confirmed_at: Mapped[datetime | None]
    confirmed_at: Mapped[datetime | None]
    report_by: Mapped[datetime | None]
    player1_report: Mapped[str | None] = mapped_column(String(8))
    player2_report: Mapped[str | None] = mapped_column(String(8))
    result: Mapped[str | None] = mapped_column(String(8))
    # Why a match ended without a result: "aborted" (by a player) or "timeout" (confirmation ran out).
    end_reason: Mapped[str | None] = mapped_column(String(16))
    aborted_by: Mapped[int | None] = mapped_column(BigInteger)
    resolved_by: Mapped[int | None] = mapped_column(BigInteger)
    ended_at: Mapped[datetime | None]
    player1_rating_change: Mapped[float | None] = mapped_column(Float)
    player2_rating_change: Mapped[float | None] = mapped_column(Float)
    # Where each player's match message lives (refreshed by every press on it), as the front end described it.
    player1_message_ref: Mapped[dict[str, Any] | None]
    player2_message_ref: Mapped[dict[str, Any] | None]

    __table_args__ = (
        CheckConstraint(_one_of("state", MATCH_STATES), name="matches_state_known"),
        CheckConstraint(f"player1_report IS NULL OR {_one_of('player1_report', REPORTS)}", name="matches_report1"),
        CheckConstraint(f"player2_report IS NULL OR {_one_of('player2_report', REPORTS)}", name="matches_report2"),
        CheckConstraint(f"result IS NULL OR {_one_of('result', RESULTS)}", name="matches_result_known"),
        CheckConstraint("(state = 'completed') = (result IS NOT NULL)", name="matches_completed_has_result"),
        # The deadline sweeps read only the matches still waiting on someone.
        Index("matches_confirm_due", "confirm_by", postgresql_where=text("state = 'awaiting_confirmation'")),
        Index("matches_report_due", "report_by", postgresql_where=text("state = 'confirmed'")),
        Index("matches_completed", "ended_at", postgresql_where=text("state = 'completed'")),
        CheckConstraint("player1_id <> player2_id", name="matches_two_players"),
        Index(
            "matches_player1_unfinished",
            "player1_id",
            postgresql_where=text(_one_of("state", UNFINISHED_MATCH_STATES)),
        ),
        Index(
            "matches_player2_unfinished",
            "player2_id",
            postgresql_where=text(_one_of("state", UNFINISHED_MATCH_STATES)),
        ),
        Index("matches_player1_recent", "player1_id", "id"),
        Index("matches_player2_recent", "player2_id", "id"),
        # /activity's matches per hour.
        Index("matches_created", "created_at"),
    )


class QueueEntry(Base):
    __tablename__ = "queue_entries"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    player_id: Mapped[int] = mapped_column(ForeignKey("players.id", ondelete="CASCADE"))
    races: Mapped[list[str]] = mapped_column(ARRAY(String(32)))
    vetoes: Mapped[list[str]] = mapped_column(ARRAY(String(64)))
    state: Mapped[str] = mapped_column(String(16), server_default=text("'waiting'"))
    joined_at: Mapped[datetime] = mapped_column(server_default=func.now())
    # Waves that saw this entry and did not match it; the window widens with each.
    waves_waited: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    ended_at: Mapped[datetime | None]
    match_id: Mapped[int | None] = mapped_column(ForeignKey("matches.id"))
    # Where the player's searching message lives, as the front end described it (opaque to the backend).
    message_ref: Mapped[dict[str, Any] | None]

    __table_args__ = (
        CheckConstraint(_one_of("state", ENTRY_STATES), name="queue_entries_state_known"),
        CheckConstraint("(state = 'matched') = (match_id IS NOT NULL)", name="queue_entries_matched_has_match"),
        Index(
            "queue_entries_one_waiting_per_player",
            "player_id",
            unique=True,
            postgresql_where=text("state = 'waiting'"),
        ),
        Index("queue_entries_waiting", "id", postgresql_where=text("state = 'waiting'")),
        Index("queue_entries_player_recent", "player_id", "id"),
        # /activity's queue joins per hour.
        Index("queue_entries_joined", "joined_at"),
    )


class OutboxEvent(Base):
    """An event to publish: written in the transaction that caused it, published to the stream after commit."""

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    type: Mapped[str] = mapped_column(String(32))
    player_ids: Mapped[list[int]] = mapped_column(ARRAY(BigInteger))
    payload: Mapped[dict[str, Any]]
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    published_at: Mapped[datetime | None]
    stream_id: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        Index("outbox_unpublished", "id", postgresql_where=text("published_at IS NULL")),
        # A view that lost the race to a wave (Cancel after the match was found) looks its match up by id.
        Index("outbox_match_events", text("((payload->>'match_id')::bigint)"), "type"),
    )


class AdminPreview(Base):
    """An admin action shown to its admin before anything is written, kept until they confirm or cancel it.
    `shown` is what the preview said it would do: a confirmation that would now do otherwise does nothing."""

    __tablename__ = "admin_previews"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    actor_id: Mapped[int] = mapped_column(BigInteger)
    action: Mapped[str] = mapped_column(String(32))
    params: Mapped[dict[str, Any]]
    shown: Mapped[dict[str, Any]]
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    decided_at: Mapped[datetime | None]
    decision: Mapped[str | None] = mapped_column(String(16))


class AuditEntry(Base):
    """An admin action: who did what to whom, kept for ever and posted to the admins' log channel."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    at: Mapped[datetime] = mapped_column(server_default=func.now())
    actor_id: Mapped[int] = mapped_column(BigInteger)
    action: Mapped[str] = mapped_column(String(32))
    player_id: Mapped[int | None] = mapped_column(BigInteger)
    match_id: Mapped[int | None] = mapped_column(BigInteger)
    details: Mapped[dict[str, Any]]


class Delivery(Base):
    """A player who has seen an event: the record that makes handling an event twice show it once.
    Player 0 stands for the admins' channel, where disputes are posted."""

    __tablename__ = "deliveries"

    event_id: Mapped[int] = mapped_column(ForeignKey("outbox.id", ondelete="CASCADE"), primary_key=True)
    player_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    delivered_at: Mapped[datetime] = mapped_column(server_default=func.now())
    path: Mapped[str] = mapped_column(String(32))


class DeliveryFailure(Base):
    """An event the bot could not show a player by any path, after its retries: kept for an admin to see."""

    __tablename__ = "delivery_failures"

    event_id: Mapped[int] = mapped_column(ForeignKey("outbox.id", ondelete="CASCADE"), primary_key=True)
    player_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    attempts: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(300))
    failed_at: Mapped[datetime] = mapped_column(server_default=func.now())


class ReplayFile(Base):
    """A replay's bytes, once however often it is uploaded (by its SHA-256)."""

    __tablename__ = "replay_files"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    # None once the ladder's retention let the bytes go (the uploads keep what was read in them).
    data: Mapped[bytes | None] = mapped_column(LargeBinary)
    size: Mapped[int] = mapped_column(Integer)
    stored_at: Mapped[datetime] = mapped_column(server_default=func.now())
    forgotten_at: Mapped[datetime | None]


class ReplayUpload(Base):
    """A player's upload of a replay for a match, and what the workers found in it."""

    __tablename__ = "replay_uploads"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    match_id: Mapped[int] = mapped_column(ForeignKey("matches.id", ondelete="CASCADE"))
    player_id: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(ForeignKey("replay_files.sha256"))
    filename: Mapped[str] = mapped_column(String(200))
    uploaded_at: Mapped[datetime] = mapped_column(server_default=func.now())
    # pending (waits for a worker), verified (passed every check), failed (a check, or the file, failed).
    state: Mapped[str] = mapped_column(String(16), server_default=text("'pending'"))
    checked_at: Mapped[datetime | None]
    # player1, player2 or draw: what a verified replay says of the match.
    result: Mapped[str | None] = mapped_column(String(16))
    # Each problem as {code, message}; the replay's facts as the players will see them; the toon handle of each
    # side ({"1": ..., "2": ...}), which tells the players apart in their next replays.
    problems: Mapped[list[dict[str, Any]] | None] = mapped_column(JSONB)
    summary: Mapped[dict[str, Any] | None]
    handles: Mapped[dict[str, Any] | None]
    # Readers the upload was handed to, and when it was last handed over (a lost hand-over is made again).
    attempts: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    queued_at: Mapped[datetime] = mapped_column(server_default=func.now())

    __table_args__ = (
        CheckConstraint("state IN ('pending', 'verified', 'failed')", name="replay_uploads_state"),
        Index("replay_uploads_match", "match_id"),
        Index("replay_uploads_file", "sha256"),
        Index("replay_uploads_pending", "queued_at", postgresql_where=text("state = 'pending'")),
    )
