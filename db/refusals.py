"""Why a service changed nothing, said once for every kind of "no": a code and its parameters, never a sentence.

The bot words each code for the player (`bot/drawing/refusals.py`), in the player's language once there are
catalogs: the database side holds no text a player reads.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum


class Why(StrEnum):
    MATCH_NOT_FOUND = "match_not_found"
    MATCH_NOT_YOURS = "match_not_yours"
    UNKNOWN_RESULT = "unknown_result"
    ALREADY_CONFIRMED = "already_confirmed"
    ALREADY_REPORTED = "already_reported"  # params: report (win, loss or draw)
    CONFIRM_TIME_OVER = "confirm_time_over"
    REPORT_TIME_OVER = "report_time_over"
    MATCH_MOVED_ON = "match_moved_on"  # params: state (the match's state now)
    NO_REQUEUE_OFFERED = "no_requeue_offered"
    BANNED = "banned"
    NOTHING_TO_REQUEUE = "nothing_to_requeue"
    QUEUED_SINCE = "queued_since"


@dataclass(frozen=True)
class Refusal:
    why: Why
    params: Mapping[str, str | int | float] = field(default_factory=dict)

    def __str__(self) -> str:  # what a log line shows
        return self.why.value + (f" {dict(self.params)}" if self.params else "")
