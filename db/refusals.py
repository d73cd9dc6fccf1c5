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
    NOT_YOUR_MATCH_TO_REQUEUE = "not_your_match_to_requeue"
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
    # Joining the queue:
    NOT_A_PLAYER = "not_a_player"
    NO_RACE_CHOSEN = "no_race_chosen"
    UNKNOWN_RACE = "unknown_race"  # params: race (as sent, cut to 40 characters)
    TWO_RACES_ON_A_SIDE = "two_races_on_a_side"  # params: side (its name), count
    ONE_RACE_ONLY = "one_race_only"
    UNKNOWN_MAP = "unknown_map"  # params: map (as sent, cut to 40 characters)
    TOO_MANY_VETOES = "too_many_vetoes"  # params: most, chosen
    ALREADY_QUEUED = "already_queued"
    BANNED_FROM_QUEUE = "banned_from_queue"  # params: reason ("" when none was given)
    NEEDS_SETUP = "needs_setup"
    ON_COOLDOWN = "on_cooldown"  # params: until (a Unix timestamp)
    IN_UNFINISHED_MATCH = "in_unfinished_match"  # params: match_id
    # Setting up:
    NAME_WITHOUT_LETTERS = "name_without_letters"
    UNKNOWN_REGION = "unknown_region"  # params: regions (the ladder's, as "code (name)", comma-separated)
    NAME_EMPTY = "name_empty"
    NAME_TOO_LONG = "name_too_long"  # params: most
    NAME_HIDDEN_CHARACTERS = "name_hidden_characters"
    LADDER_NAME_LENGTH = "ladder_name_length"  # params: least, most
    NAME_MIXED_SCRIPTS = "name_mixed_scripts"
    LADDER_NAME_TAKEN = "ladder_name_taken"
    TOO_MANY_ALT_NAMES = "too_many_alt_names"  # params: most
    BATTLETAG_FORM = "battletag_form"
    UNKNOWN_COUNTRY = "unknown_country"  # params: country (as typed, cut to 40 characters)
    WHICH_COUNTRY = "which_country"  # params: choices (country codes, comma-separated)
    NOTHING_TO_CONFIRM = "nothing_to_confirm"
    SETUP_INCOMPLETE = "setup_incomplete"  # params: missing (field names, comma-separated)
    # Uploading a replay:
    REPLAY_NO_MATCH = "replay_no_match"
    REPLAY_WRONG_TYPE = "replay_wrong_type"  # params: extension (the one a replay has)
    REPLAY_EMPTY = "replay_empty"
    REPLAY_TOO_BIG = "replay_too_big"  # params: most_kb
    REPLAY_DOWNLOAD_FAILED = "replay_download_failed"
    REPLAY_NOT_YOUR_MATCH = "replay_not_your_match"
    REPLAY_MATCH_CLOSED = "replay_match_closed"  # params: match_id, state
    REPLAY_USED_ELSEWHERE = "replay_used_elsewhere"
    REPLAY_ALREADY_SENT = "replay_already_sent"  # params: match_id
    REPLAY_TOO_MANY = "replay_too_many"  # params: most
    # Reporting, on a ladder whose results come from replays:
    REPLAY_REQUIRED = "replay_required"


@dataclass(frozen=True)
class Refusal:
    why: Why
    params: Mapping[str, str | int | float] = field(default_factory=dict)

    def __str__(self) -> str:  # what a log line shows
        return self.why.value + (f" {dict(self.params)}" if self.params else "")
