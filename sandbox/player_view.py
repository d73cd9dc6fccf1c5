"""What a player's message shows at this moment, read as a person reads it: the buttons on it first (they say
what can be done), then its title. The simulated players decide each step from this, never from what they
expected the message to show.
"""

from __future__ import annotations

from enum import StrEnum
from functools import cache

from sandbox.discord_standin import Message, MessageVersion, StandIn
from sandbox.reading import match_named, titles

# Titles by their English source text: a player reads them in their own language (sandbox/reading.py).
FOUND = "Match found"
RESULT = "Match completed"


class Shows(StrEnum):
    SETUP = "setup"  # race picks and Join
    SEARCHING = "searching"  # Cancel
    FOUND = "found"  # Confirm and Abort
    CONFIRMED_WAITING = "confirmed_waiting"  # I confirmed; only Abort is left while the opponent decides
    PLAYING = "playing"  # I won / I lost / Draw
    BACK_TO_QUEUE = "back_to_queue"  # the opponent aborted or ran out of time: Back to the queue
    REPORTED = "reported"  # my report is in, waiting for the opponent's
    COMPLETED = "completed"
    DISPUTED = "disputed"
    ABORTED = "aborted"
    INVALIDATED = "invalidated"
    EXPIRED = "expired"  # nobody was found in the longest wait
    NOT_IN_QUEUE = "not_in_queue"  # left, taken out by an admin, or banned
    OTHER = "other"  # an answer that is no part of the journey (a refusal, a notice)


# Buttons by what they let the player do, in the order that decides when a message has several.
_BY_BUTTON = (
    ("ladder:join:", Shows.SETUP),
    ("ladder:cancel:", Shows.SEARCHING),
    ("ladder:confirm:", Shows.FOUND),
    ("ladder:won:", Shows.PLAYING),
    ("ladder:requeue:", Shows.BACK_TO_QUEUE),
    ("ladder:abort:", Shows.CONFIRMED_WAITING),
)
_BY_TITLE = (
    ("Match confirmed — good luck, have fun!", Shows.REPORTED),
    (RESULT, Shows.COMPLETED),
    ("Match disputed", Shows.DISPUTED),
    ("Match aborted", Shows.ABORTED),
    ("Match invalidated", Shows.INVALIDATED),
    ("Queue expired", Shows.EXPIRED),
    ("Not in the queue", Shows.NOT_IN_QUEUE),
)


@cache
def _state_by_title() -> dict[str, Shows]:
    return {title: state for source, state in _BY_TITLE for title in titles(source)}


# Nothing left on the message for the player to press.
AT_REST = frozenset(
    {Shows.REPORTED, Shows.COMPLETED, Shows.DISPUTED, Shows.ABORTED, Shows.INVALIDATED, Shows.EXPIRED,
     Shows.NOT_IN_QUEUE, Shows.OTHER}
)  # fmt: skip


def shows(message: Message) -> Shows:
    if message.deleted:
        return Shows.OTHER
    ids = message.custom_ids()
    for prefix, state in _BY_BUTTON:
        if any(i.startswith(prefix) for i in ids):
            return state
    title = message.embeds[0].get("title", "") if message.embeds else ""
    return _state_by_title().get(title, Shows.OTHER)


def match_of(message: Message) -> int | None:
    """The match the message is about now, if it is about one."""
    return match_named(message.text())


def titled_as(version: Message | MessageVersion, source: str) -> bool:
    """Whether the message's embed carries this title (by its English source text) in any language, or, in
    English, a title that starts with it."""
    title = version.embeds[0].get("title", "") if version.embeds else ""
    return title in titles(source) or (bool(title) and title.startswith(source))


def look(standin: StandIn, message: Message) -> Message:
    """The message as it stands now (the one in hand may be a moment old)."""
    return standin.message(message.id)


def harmed_views(standin: StandIn, harmed: list[tuple[int, int]]) -> dict[str, list[list[str]]]:
    """For the first few (match, player) pairs harmed: each of the player's messages that ever mentioned the
    match, as the title and the end of the text of each of its versions."""
    views = {}
    for match_id, player_id in harmed[:10]:
        views[f"match {match_id}, player {player_id}"] = [
            [f"{v.embeds[0].get('title') if v.embeds else v.content} | {v.text()[-30:]!r}" for v in m.versions]
            for m in standin.messages_seen_by(player_id)
            if any(match_named(v.text()) == match_id for v in m.versions)
        ]
    return views
