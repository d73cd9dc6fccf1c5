"""How the demo's simulated players play a match once it is found: most confirm and agree on the result,
some abort, some never answer (the confirmation runs out), a few disagree and an admin settles it.

Both players of a match draw the same plan from the seed and the match id, so they act on one story
without talking to each other; each acts only through the buttons their own message shows.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable
from dataclasses import dataclass

from bot.failures import SORRY
from sandbox.discord_standin import InteractionResult, Message, NotConnected, StandIn
from sandbox.player_view import AT_REST, Shows, look, match_of, shows
from sandbox.players import press_on_match

# What a player does with a found match.
CONFIRM, ABORT, IGNORE = "confirm", "abort", "ignore"
# How the match ends, if both confirm: the lower player id wins, the higher one wins, a draw, or both claim it.
LOW_WINS, HIGH_WINS, DRAW, BOTH_CLAIM = "low_wins", "high_wins", "draw", "both_claim"


@dataclass(frozen=True)
class MatchPlan:
    low: str  # what the player with the lower id does
    high: str
    outcome: str


def plan_for(seed: int, match_id: int) -> MatchPlan:
    rng = random.Random(f"{seed}:{match_id}")

    def behaviour() -> str:
        roll = rng.random()
        return CONFIRM if roll < 0.9 else ABORT if roll < 0.95 else IGNORE

    low, high = behaviour(), behaviour()
    roll = rng.random()
    outcome = LOW_WINS if roll < 0.45 else HIGH_WINS if roll < 0.9 else DRAW if roll < 0.95 else BOTH_CLAIM
    return MatchPlan(low, high, outcome)


def report_of(plan: MatchPlan, i_am_low: bool) -> str:
    """The result button this player presses."""
    if plan.outcome == DRAW:
        return "draw"
    if plan.outcome == BOTH_CLAIM:
        return "won"
    i_win = (plan.outcome == LOW_WINS) == i_am_low
    return "won" if i_win else "lost"


async def play_match(
    standin: StandIn, player_id: int, opponent_id: int, match_id: int, found: Message, seed: int, patience_s: float
) -> Message:
    """Plays the player's side of the match, each step decided on what their newest message about the match
    shows at that moment (the one that showed it found, or a direct message the bot sent when it could no
    longer edit that one); returns that message as it stands when their part is done (played, reported,
    aborted, offered the queue back, or given up on after `patience_s` without a change)."""
    plan = plan_for(seed, match_id)
    i_am_low = player_id < opponent_id
    behaviour = plan.low if i_am_low else plan.high
    rng = random.Random(f"{seed}:{match_id}:{player_id}")
    await asyncio.sleep(rng.uniform(0.1, 1.5))
    message = _newest_about(standin, player_id, match_id, found)
    while True:
        now = shows(message)
        if match_of(message) != match_id or now in AT_REST or now is Shows.BACK_TO_QUEUE:
            return message
        seen = _versions_about(standin, player_id, match_id)
        if now is Shows.FOUND and behaviour != IGNORE:
            await press_on_match(standin, player_id, message, behaviour, match_id)
        elif now is Shows.PLAYING:
            await asyncio.sleep(rng.uniform(0.2, 2.0))
            await press_on_match(standin, player_id, message, report_of(plan, i_am_low), match_id)
        # What comes next shows in their messages about the match (a press may also be answered privately, in a
        # message of its own); while none has changed, the player waits on the opponent or the deadline.
        if _versions_about(standin, player_id, match_id) == seen:
            try:
                await standin.wait_for_message(player_id, _changed_about(match_id, seen), patience_s)
            except TimeoutError:
                return _newest_about(standin, player_id, match_id, found)
        message = _newest_about(standin, player_id, match_id, found)


def _changed_about(match_id: int, seen: set[tuple[int, int]]) -> Callable[[Message], bool]:
    """A message about the match that is new, or changed since the player last looked."""
    return lambda m: match_of(m) == match_id and (m.id, m.edits) not in seen


def _newest_about(standin: StandIn, player_id: int, match_id: int, found: Message) -> Message:
    # The stand-in's live messages, read and not copied: a long chaos run's players have many each.
    about = [m for m in standin.store.seen_by(player_id) if match_of(m) == match_id]
    newest = max(about, key=lambda m: (m.versions[-1].at, m.id), default=None)
    return newest.snapshot() if newest is not None else look(standin, found)


def _versions_about(standin: StandIn, player_id: int, match_id: int) -> set[tuple[int, int]]:
    return {(m.id, m.edits) for m in standin.store.seen_by(player_id) if match_of(m) == match_id}


async def admin_settles_disputes(standin: StandIn, admin_id: int, stop: asyncio.Event) -> int:
    """The admin: presses a resolve button on each dispute posted to the admins' channel, gives the reason the form
    asks for and confirms the preview. A press the bot did not carry out (it was down, stalled, or its database
    was, and it said sorry) is pressed again a little later."""
    settled: set[int] = set()

    def open_dispute(message: Message) -> bool:
        return message.id not in settled and any(c.startswith("ladder:resolve:") for c in message.custom_ids())

    while not stop.is_set():
        try:
            posted = await standin.wait_for_message(admin_id, open_dispute, timeout=1.0)
        except TimeoutError:
            continue
        resolve = next(c for c in posted.custom_ids() if c.endswith(":player1"))
        try:
            result: InteractionResult | None = await standin.press_button(admin_id, posted.id, resolve)
            if result is not None and standin.open_modal(admin_id) is not None:
                result = await standin.submit_modal(admin_id, {"reason": "The replay shows player 1 winning."})
            # What settling would do is shown first: the admin confirms it.
            confirm = next((c for c in result.message.custom_ids() if c.endswith(":confirm")), None) if (
                result is not None and result.message is not None) else None  # fmt: skip
            if result is not None and result.message is not None and confirm is not None:
                result = await standin.press_button(admin_id, result.message.id, confirm)
        except (NotConnected, LookupError):  # the bot is away, or the buttons went in the meantime
            result = None
        if result is not None and result.answered and not result.failed and not _sorry(result):
            settled.add(posted.id)
        else:
            await asyncio.sleep(2.0)
    return len(settled)


def _sorry(result: InteractionResult) -> bool:
    return result.message is not None and SORRY in result.message.text()
