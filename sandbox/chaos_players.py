"""The chaos run's players: each plays game after game until the run ends, joining, sometimes cancelling,
then playing each match found (confirm, abort or ignore it, report the result) through the buttons their own
messages show. A step the bot does not answer (it is down, stalled, or its database is) is tried again later,
as a person would; what counts is what their messages end up showing, not what the steps returned.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from db.ladder import Ladder
from sandbox.discord_standin import Message, NotConnected, StandIn
from sandbox.match_play import play_match
from sandbox.player_view import FOUND, Shows, look, shows
from sandbox.players import (
    PlayerStepFailed,
    Profile,
    cancel,
    choose,
    join,
    matches_found_in,
    open_queue,
    press_on_match,
)
from sandbox.population import SimulatedPlayer

NEW_MESSAGE = 4  # the interaction response that creates a message (7 edits the pressed one)
# The bot did not answer, or is not connected at all (killed, or reconnecting after a stall).
STEP_ERRORS = (PlayerStepFailed, TimeoutError, LookupError, NotConnected)
# The opponent of a match, as the database knows it (the player's plan depends on who has the lower id).
OpponentOf = Callable[[int, int], Awaitable[int | None]]


@dataclass
class ChaosTally:
    joins: int = 0
    cancels: int = 0
    requeues: int = 0
    steps_unanswered: int = 0
    matches_played: int = 0
    # The messages that answered a player's own /queue: a match shown there was asked for, not notified.
    answers: dict[int, set[int]] = field(default_factory=dict)


def matches_in(message: Message, title: str = FOUND) -> set[int]:
    """Every match the message showed under this title, over all its versions."""
    return set(matches_found_in(message, title))


async def live(
    standin: StandIn,
    ladder: Ladder,
    player: SimulatedPlayer,
    opponent_of: OpponentOf,
    *,
    seed: int,
    until: float,
    wave_interval_s: float,
    confirm_window_s: float,
    cancel_share: float,
    rest_s: float,
    tally: ChaosTally,
) -> None:
    """Plays until `until`, resting about `rest_s` between games."""
    rng = random.Random(f"{seed}:player:{player.id}")
    handled: set[int] = set()
    searching: Message | None = None  # a search the player is already in (taken back to the queue)
    await asyncio.sleep(rng.uniform(0, min(rest_s, (until - time.monotonic()) * 0.2)))
    while time.monotonic() < until:
        if searching is None:
            searching = await _queue(standin, ladder, player, rng, tally, rest_s)
        if searching is not None and rng.random() < cancel_share:
            await asyncio.sleep(rng.uniform(0.5, wave_interval_s * 2))
            try:
                if shows(look(standin, searching)) is Shows.SEARCHING:  # a match found first is played instead
                    after = await cancel(standin, player.id, searching)
                    if shows(after) is Shows.NOT_IN_QUEUE:
                        tally.cancels += 1
                        searching = None
                        await asyncio.sleep(rng.uniform(0.2, 0.5) * rest_s)
                        continue
            except STEP_ERRORS:
                tally.steps_unanswered += 1
        searching = None
        # Queued, or perhaps queued (a Join the bot took too late to answer), or refused: a match found shows
        # up in one of their messages (the searching one, or a direct message). They look for a while.
        patience = min(until - time.monotonic(), max(60.0, 2 * rest_s))
        try:
            found = await standin.wait_for_message(
                player.id, lambda m: bool(matches_in(m) - handled), timeout=max(1.0, patience)
            )
        except TimeoutError:
            continue
        match_id = max(matches_in(found) - handled)
        handled.add(match_id)
        opponent = await opponent_of(match_id, player.id)
        if opponent is None:
            continue
        tally.matches_played += 1
        try:
            final = await play_match(standin, player.id, opponent, match_id, found, seed, confirm_window_s + 10)
            # Their opponent called it off: half go straight back to the queue, the others rest first.
            if shows(final) is Shows.BACK_TO_QUEUE and rng.random() < 0.5:
                back = await press_on_match(standin, player.id, final, "requeue", match_id)
                if shows(back) is Shows.SEARCHING:
                    tally.requeues += 1
                    searching = back
                    continue
        except STEP_ERRORS:
            tally.steps_unanswered += 1  # the match goes on without them: its deadlines end it
        await asyncio.sleep(min(rng.uniform(0.5, 1.5) * rest_s, max(0.0, until - time.monotonic())))


async def _queue(
    standin: StandIn, ladder: Ladder, player: SimulatedPlayer, rng: random.Random, tally: ChaosTally, rest_s: float
) -> Message | None:
    """/queue, the picks, Join; None when the bot did not get the player into the queue this time (they may be
    in it all the same: a Join the bot handled too late to answer). A step the bot does not answer is tried
    again once, after a pause, as a person would; a refusal is taken as it is."""
    for _ in range(2):
        try:
            setup = await open_queue(standin, player.id, in_dm=rng.random() < 0.2,
                                     identity=Profile.of(player.id, player.region))  # fmt: skip
            tally.answers.setdefault(player.id, set()).add(setup.id)
            if not any(c.startswith("ladder:join:") for c in setup.custom_ids()):
                return None
            setup = await choose(standin, ladder, player.id, setup, player.races, player.vetoes)
            result = await join(standin, player.id, setup)
        except STEP_ERRORS:
            tally.steps_unanswered += 1
            await asyncio.sleep(rng.uniform(0.1, 0.3) * rest_s)
            continue
        if result.message is not None and result.response_type == NEW_MESSAGE:
            # A refused Join answers with a new message (the match they are in, shown again on request).
            tally.answers[player.id].add(result.message.id)
        if result.message is not None and "Searching" in result.message.text():
            tally.joins += 1
            return result.message
        if result.answered and not result.failed:
            return None  # refused: already queued, in a match, or a cooldown after an abort
        tally.steps_unanswered += 1
        await asyncio.sleep(rng.uniform(0.1, 0.3) * rest_s)
    return None
