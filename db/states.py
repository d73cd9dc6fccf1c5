"""The ladder's states and outcomes, named once: what a queue entry and a match can be, what a player reports,
what a match's result is, and how an admin may settle a dispute. Each is also a string, as stored."""

from __future__ import annotations

from enum import StrEnum


class EntryState(StrEnum):
    WAITING = "waiting"
    MATCHED = "matched"
    CANCELLED = "cancelled"
    EXPIRED = "expired"


class MatchState(StrEnum):
    AWAITING_CONFIRMATION = "awaiting_confirmation"
    CONFIRMED = "confirmed"
    ABORTED = "aborted"
    COMPLETED = "completed"
    DISPUTED = "disputed"
    INVALIDATED = "invalidated"


class Report(StrEnum):
    """What one player says happened."""

    WIN = "win"
    LOSS = "loss"
    DRAW = "draw"


class Result(StrEnum):
    """What happened, as the match records it."""

    PLAYER1 = "player1"
    PLAYER2 = "player2"
    DRAW = "draw"


class Resolution(StrEnum):
    """How an admin settles a dispute: a result, or the match does not count."""

    PLAYER1 = "player1"
    PLAYER2 = "player2"
    DRAW = "draw"
    INVALIDATE = "invalidate"


# Matches still in play or waiting on someone.
UNFINISHED_MATCH_STATES = (MatchState.AWAITING_CONFIRMATION, MatchState.CONFIRMED, MatchState.DISPUTED)
# A player in one of these is busy with their match and cannot queue; a disputed match is in the admins'
# hands and keeps nobody from playing on.
PLAYING_MATCH_STATES = (MatchState.AWAITING_CONFIRMATION, MatchState.CONFIRMED)
