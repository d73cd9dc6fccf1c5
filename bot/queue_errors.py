"""Why a player cannot join or leave the queue. Each carries a message fit to show the player as it is."""

from __future__ import annotations

from datetime import datetime

from db.refusals import Refusal


class QueueError(Exception):
    """A domain error: the request is refused and nothing was written."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidPlayer(QueueError):
    pass


class NoRaceChosen(QueueError):
    pass


class UnknownRace(QueueError):
    pass


class TwoRacesOnOneSide(QueueError):
    pass


class UnknownMap(QueueError):
    pass


class TooManyVetoes(QueueError):
    pass


class AlreadyQueued(QueueError):
    pass


class InUnfinishedMatch(QueueError):
    def __init__(self, match_id: int) -> None:
        super().__init__(f"You are still in match #{match_id}. Finish it before you queue again.")
        self.match_id = match_id


class Banned(QueueError):
    pass


class NeedsSetup(QueueError):
    def __init__(self) -> None:
        super().__init__("Before your first game, tell the ladder your name and region with /setup.")


class OnCooldown(QueueError):
    def __init__(self, until: datetime) -> None:
        super().__init__(
            f"You called off or missed a match recently, so you can queue again <t:{int(until.timestamp())}:R>."
        )
        self.until = until


class CannotRequeue(QueueError):
    """Why the match does not put the player back in the queue: worded by the bot (`refusal_text`)."""

    def __init__(self, refusal: Refusal) -> None:
        super().__init__(str(refusal))
        self.refusal = refusal
