"""Why a player cannot join the queue or set up: each error carries a `Refusal`, which the bot words
(`bot/drawing/refusals.py`)."""

from __future__ import annotations

from datetime import datetime

from db.refusals import Refusal, Why


class QueueError(Exception):
    """A domain error: the request is refused and nothing was written."""

    def __init__(self, refusal: Refusal) -> None:
        super().__init__(str(refusal))
        self.refusal = refusal


class InvalidPlayer(QueueError):
    def __init__(self) -> None:
        super().__init__(Refusal(Why.NOT_A_PLAYER))


class NoRaceChosen(QueueError):
    def __init__(self) -> None:
        super().__init__(Refusal(Why.NO_RACE_CHOSEN))


class UnknownRace(QueueError):
    def __init__(self, race: str) -> None:
        super().__init__(Refusal(Why.UNKNOWN_RACE, {"race": race}))


class TwoRacesOnOneSide(QueueError):
    pass


class UnknownMap(QueueError):
    def __init__(self, map_name: str) -> None:
        super().__init__(Refusal(Why.UNKNOWN_MAP, {"map": map_name}))


class TooManyVetoes(QueueError):
    def __init__(self, most: int, chosen: int) -> None:
        super().__init__(Refusal(Why.TOO_MANY_VETOES, {"most": most, "chosen": chosen}))


class AlreadyQueued(QueueError):
    def __init__(self) -> None:
        super().__init__(Refusal(Why.ALREADY_QUEUED))


class InUnfinishedMatch(QueueError):
    def __init__(self, match_id: int) -> None:
        super().__init__(Refusal(Why.IN_UNFINISHED_MATCH, {"match_id": match_id}))
        self.match_id = match_id


class Banned(QueueError):
    def __init__(self, reason: str | None) -> None:
        super().__init__(Refusal(Why.BANNED_FROM_QUEUE, {"reason": reason or ""}))


class NeedsSetup(QueueError):
    def __init__(self) -> None:
        super().__init__(Refusal(Why.NEEDS_SETUP))


class OnCooldown(QueueError):
    def __init__(self, until: datetime) -> None:
        super().__init__(Refusal(Why.ON_COOLDOWN, {"until": int(until.timestamp())}))
        self.until = until


class CannotRequeue(QueueError):
    """Why the match does not put the player back in the queue."""
