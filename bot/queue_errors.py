"""Why a player cannot join or leave the queue. Each carries a message fit to show the player as it is."""

from __future__ import annotations


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
