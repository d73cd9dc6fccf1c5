"""The simulated players' steps on a message in every state it can be in, with the timing shuffled.

For each state, two players are brought to the moment before it; then one of them presses every button step
(Cancel, Confirm, Abort, I won, I lost, Draw, Back to the queue) in a random order with random pauses, either
while the message moves into the state (a wave, the opponent, a deadline, an admin: the races the demo crashed
on) or once it has settled there. No step raises, every press is answered in time, and every message ends up
showing what the database holds.
"""

from __future__ import annotations

import asyncio
import itertools
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import pytest
from sqlalchemy import Engine, text

from bot.drawing.admin_notes import admin_summary
from db.admin import Done, Note
from db.ladder import Ladder
from sandbox.discord_standin import Message, StandIn
from sandbox.player_view import Shows, look, match_of, shows
from sandbox.players import cancel, press_on_match, queue_up
from tests.e2e.conftest import BotProcess, new_user

BW, SC2 = "bw_zerg", "sc2_terran"
ACTIONS = ("cancel", "confirm", "abort", "won", "lost", "draw", "requeue")
# What the admin's confirmation answers when the ladder moved on since the preview, and how often they try again.
CHANGED_SINCE_PREVIEW = admin_summary(Done(False, Note.CHANGED_SINCE_PREVIEW))
ADMIN_ATTEMPTS = 3
# Far apart, and far from the start rating the other tests' players have: a wave pairs each scenario's two
# players with each other, never with another scenario's.
_ratings = itertools.count(2000, 300)


async def step(standin: StandIn, user: int, message: Message, action: str) -> Message:
    """One of the players' steps, as the demo and the chaos run call them."""
    if action == "cancel":
        return await cancel(standin, user, message)
    current = look(standin, message)
    return await press_on_match(standin, user, current, action, match_of(current) or 0)


@dataclass
class Scene:
    """Two players at the moment before a state: `me` presses, on `mine`; `into` moves the message on."""

    me: int
    other: int
    mine: Message
    theirs: Message | None
    into: Callable[[], Awaitable[object]]


class Rig:
    def __init__(self, standin: StandIn, ladder: Ladder, engine: Engine, stack_env: dict[str, str]) -> None:
        self.standin, self.ladder, self.engine, self.env = standin, ladder, engine, stack_env
        self.admin = new_user()
        standin.make_admin(self.admin)

    def players(self) -> tuple[int, int]:
        """Two players set up on the ladder, with the same rating of their own."""
        me, other, rating = new_user(), new_user(), next(_ratings)
        with self.engine.begin() as conn:
            conn.execute(
                text("INSERT INTO players (id, display_name, region, setup_at) VALUES (:id, :n, 'EUW', now())"),
                [{"id": p, "n": f"Steps {p}"} for p in (me, other)],
            )
            given = [{"p": me, "race": BW, "r": rating}, {"p": other, "race": SC2, "r": rating}]
            conn.execute(text("INSERT INTO ratings (player_id, race, rating) VALUES (:p, :race, :r)"), given)
            # Given as an admin would (audited), so the ratings still agree with the match history.
            conn.execute(
                text(
                    "INSERT INTO audit_log (actor_id, action, player_id, details) VALUES (0, 'rating_set', :p,"
                    " jsonb_build_object('race', CAST(:race AS text), 'new', CAST(:r AS float8)))"
                ),
                given,
            )
        return me, other

    async def searching(self) -> tuple[int, int, Message]:
        me, other = self.players()
        return me, other, await queue_up(self.standin, self.ladder, me, [BW])

    async def matched(self) -> tuple[int, int, Message, Message]:
        me, other, mine = await self.searching()
        theirs = await queue_up(self.standin, self.ladder, other, [SC2])
        return me, other, await self.until(me, mine, Shows.FOUND), await self.until(other, theirs, Shows.FOUND)

    async def until(self, user: int, message: Message, state: Shows, timeout: float = 20) -> Message:
        try:
            return await self.standin.wait_for_message(
                user, lambda m: m.id == message.id and shows(m) is state, timeout
            )
        except TimeoutError:
            now = look(self.standin, message)
            raise AssertionError(f"player {user} waited for {state}, and sees {shows(now)}: {now.text()!r}") from None

    async def press(self, user: int, message: Message, action: str) -> Message:
        return await step(self.standin, user, message, action)

    def sql(self, statement: str, **params: object) -> None:
        with self.engine.begin() as conn:
            conn.execute(text(statement), params)

    async def admin_command(self, subcommand: str, options: dict[str, object]) -> None:
        """The admin's command, confirmed under its preview (one that would change nothing shows none). In a race
        the player's own press may change the ladder between the preview and the confirmation; the bot then says
        so and does nothing, and the admin runs the command again, as that answer asks."""
        for _ in range(ADMIN_ATTEMPTS):
            answer = await self.standin.run_command(self.admin, "admin", options, subcommand=subcommand)
            assert answer.answered and not answer.failed and answer.message is not None, subcommand
            confirm = next((c for c in answer.message.custom_ids() if c.endswith(":confirm")), None)
            if confirm is None:
                return
            pressed = await self.standin.press_button(self.admin, answer.message.id, confirm)
            assert pressed.message is not None, subcommand
            said = pressed.message.text()
            if not said.startswith(CHANGED_SINCE_PREVIEW):
                break
        assert said.startswith("Done"), said

    async def expire(self, user: int) -> None:
        from workers.celery import app

        self.sql("UPDATE queue_entries SET joined_at = now() - interval '1 day' WHERE player_id = :p", p=user)
        await asyncio.to_thread(
            lambda: app.send_task("ladder.expire_entries", queue=self.env["CELERY_QUEUE"]).get(timeout=30)
        )


# Each state: how to bring two players to the moment before it, and what moves the message into it.
async def _searching(rig: Rig) -> Scene:
    me, other, mine = await rig.searching()  # alone at their rating: nothing moves the search on
    return Scene(me, other, mine, None, lambda: asyncio.sleep(0))


async def _found(rig: Rig) -> Scene:
    me, other, mine = await rig.searching()
    return Scene(me, other, mine, None, lambda: queue_up(rig.standin, rig.ladder, other, [SC2]))


async def _confirmed_waiting(rig: Rig) -> Scene:
    me, other, mine, theirs = await rig.matched()
    return Scene(me, other, mine, theirs, lambda: rig.press(me, mine, "confirm"))


async def _aborted_by_the_opponent(rig: Rig) -> Scene:
    me, other, mine, theirs = await rig.matched()
    return Scene(me, other, mine, theirs, lambda: rig.press(other, theirs, "abort"))


async def _aborted_by_me(rig: Rig) -> Scene:
    me, other, mine, theirs = await rig.matched()
    return Scene(me, other, mine, theirs, lambda: rig.press(me, mine, "abort"))


async def _timed_out(rig: Rig) -> Scene:
    me, other, mine, theirs = await rig.matched()
    await rig.press(other, theirs, "confirm")
    match_id = match_of(mine)
    return Scene(me, other, mine, theirs, lambda: _run_out(rig, match_id))


async def _run_out(rig: Rig, match_id: int | None) -> None:
    rig.sql("UPDATE matches SET confirm_by = now() WHERE id = :m", m=match_id)


async def _confirmed(rig: Rig) -> Scene:
    me, other, mine, theirs = await rig.matched()
    await rig.press(me, mine, "confirm")
    return Scene(me, other, mine, theirs, lambda: rig.press(other, theirs, "confirm"))


async def _playing(rig: Rig) -> tuple[int, int, Message, Message]:
    me, other, mine, theirs = await rig.matched()
    await rig.press(me, mine, "confirm")
    await rig.press(other, theirs, "confirm")
    return me, other, await rig.until(me, mine, Shows.PLAYING), await rig.until(other, theirs, Shows.PLAYING)


async def _reported(rig: Rig) -> Scene:
    me, other, mine, theirs = await _playing(rig)
    return Scene(me, other, mine, theirs, lambda: rig.press(me, mine, "won"))


async def _completed(rig: Rig) -> Scene:
    me, other, mine, theirs = await _playing(rig)
    await rig.press(me, mine, "won")
    return Scene(me, other, mine, theirs, lambda: rig.press(other, theirs, "lost"))


async def _disputed(rig: Rig) -> Scene:
    me, other, mine, theirs = await _playing(rig)
    await rig.press(me, mine, "won")
    return Scene(me, other, mine, theirs, lambda: rig.press(other, theirs, "won"))


async def _resolved(rig: Rig) -> Scene:
    me, other, mine, theirs = await _playing(rig)
    await rig.press(me, mine, "won")
    await rig.press(other, theirs, "won")
    mine = await rig.until(me, mine, Shows.DISPUTED)
    settle: dict[str, object] = {"match_id": match_of(mine), "result": "player2", "reason": "the replay"}
    return Scene(me, other, mine, theirs, lambda: rig.admin_command("match resolve", settle))


async def _removed(rig: Rig) -> Scene:
    me, other, mine = await rig.searching()
    return Scene(me, other, mine, None, lambda: rig.admin_command("queue remove", {"player": str(me), "reason": "afk"}))


async def _expired(rig: Rig) -> Scene:
    me, other, mine = await rig.searching()
    return Scene(me, other, mine, None, lambda: rig.expire(me))


STATES: dict[Shows, Callable[[Rig], Awaitable[Scene]]] = {
    Shows.SEARCHING: _searching,
    Shows.FOUND: _found,
    Shows.CONFIRMED_WAITING: _confirmed_waiting,
    Shows.BACK_TO_QUEUE: _aborted_by_the_opponent,
    Shows.ABORTED: _aborted_by_me,
    Shows.PLAYING: _confirmed,
    Shows.REPORTED: _reported,
    Shows.DISPUTED: _disputed,
    Shows.COMPLETED: _completed,
    Shows.NOT_IN_QUEUE: _removed,
    Shows.EXPIRED: _expired,
}
# Reached by a route of their own, and shown as one of the states above: timed out, resolved by an admin.
ALSO = [(Shows.ABORTED, _timed_out), (Shows.COMPLETED, _resolved)]


async def _steps(rig: Rig, user: int, message: Message, rng: random.Random, *, first_at_once: bool) -> Shows:
    """Every step once, in a random order with random pauses; what the message showed at the first step."""
    first: Shows | None = None
    for n, action in enumerate(rng.sample(ACTIONS, len(ACTIONS))):
        if n or not first_at_once:
            await asyncio.sleep(rng.uniform(0, 0.4))
        before = shows(look(rig.standin, message))
        first = first or before
        answer = await step(rig.standin, user, message, action)
        assert isinstance(answer, Message)
    assert first is not None
    return first


async def _race(rig: Rig, make: Callable[[Rig], Awaitable[Scene]], rng: random.Random) -> list[tuple[int, Message]]:
    """The steps pressed while the message moves into the state, the move at a random moment among them."""
    scene = await make(rig)

    async def move() -> None:
        await asyncio.sleep(rng.uniform(0, 1.2))
        await scene.into()

    await asyncio.gather(_steps(rig, scene.me, scene.mine, rng, first_at_once=False), move())
    return _watched(scene)


async def _settled(
    rig: Rig, make: Callable[[Rig], Awaitable[Scene]], state: Shows, rng: random.Random
) -> tuple[Shows, list[tuple[int, Message]]]:
    """The steps pressed once the message shows the state: the first of them sees it."""
    scene = await make(rig)
    await scene.into()
    await rig.until(scene.me, scene.mine, state)
    return await _steps(rig, scene.me, scene.mine, rng, first_at_once=True), _watched(scene)


def _watched(scene: Scene) -> list[tuple[int, Message]]:
    return [(scene.me, scene.mine)] + ([(scene.other, scene.theirs)] if scene.theirs is not None else [])


def _disagreement(engine: Engine, user: int, message: Message) -> str | None:
    """What the message shows that the database does not hold, if anything."""
    now, match_id = shows(message), match_of(message)
    with engine.connect() as conn:
        if now is Shows.SEARCHING:
            waiting = conn.execute(
                text("SELECT count(*) FROM queue_entries WHERE player_id = :p AND state = 'waiting'"), {"p": user}
            ).scalar()
            return None if waiting == 1 else f"searching, with {waiting} waiting entries"
        if now in (Shows.EXPIRED, Shows.NOT_IN_QUEUE, Shows.OTHER) or match_id is None:
            return None
        row = conn.execute(
            text(
                "SELECT state, CASE WHEN player1_id = :p THEN player1_confirmed_at ELSE player2_confirmed_at END"
                " AS confirmed_at, CASE WHEN player1_id = :p THEN player1_report ELSE player2_report END AS report"
                " FROM matches WHERE id = :m"
            ),
            {"p": user, "m": match_id},
        ).one()
    expected = {
        Shows.FOUND: row.state == "awaiting_confirmation" and row.confirmed_at is None,
        Shows.CONFIRMED_WAITING: row.state == "awaiting_confirmation" and row.confirmed_at is not None,
        Shows.PLAYING: row.state == "confirmed" and row.report is None,
        Shows.REPORTED: row.state == "confirmed" and row.report is not None,
        Shows.COMPLETED: row.state == "completed",
        Shows.DISPUTED: row.state == "disputed",
        Shows.ABORTED: row.state == "aborted",
        Shows.BACK_TO_QUEUE: row.state == "aborted",
        Shows.INVALIDATED: row.state == "invalidated",
    }
    return None if expected[now] else f"{now} for match {match_id}, which is {row.state} ({row.report=})"


async def _until_views_agree(rig: Rig, watched: list[tuple[int, Message]], timeout: float = 20) -> list[str]:
    """The views lag the database by a delivery: the disagreements left once they have had time to catch up."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        left = [
            f"player {user}, message {message.id}: {problem}"
            for user, message in watched
            if (problem := _disagreement(rig.engine, user, look(rig.standin, message)))
        ]
        if not left or asyncio.get_running_loop().time() > deadline:
            return left
        await asyncio.sleep(0.5)


@pytest.mark.parametrize("seed", [1, 2])
async def test_every_step_in_every_state_never_raises_and_the_views_tell_the_truth(
    bot: BotProcess, standin: StandIn, ladder: Ladder, engine: Engine, stack_env: dict[str, str], seed: int
) -> None:
    rig = Rig(standin, ladder, engine, stack_env)
    failed_before = len(standin.failed_interactions)
    rng = random.Random(seed)
    routes = [*STATES.items(), *ALSO]
    races = [_race(rig, make, random.Random(rng.random())) for _, make in routes]
    settled = [_settled(rig, make, state, random.Random(rng.random())) for state, make in routes]
    raced = await asyncio.gather(*races)
    calm = await asyncio.gather(*settled)

    seen_first = {state for state, _ in calm}
    assert seen_first == set(STATES), f"states no step saw first: {set(STATES) - seen_first}"
    assert len(standin.failed_interactions) == failed_before, "a press went unanswered"
    watched = [pair for pairs in raced for pair in pairs] + [pair for _, pairs in calm for pair in pairs]
    assert await _until_views_agree(rig, watched) == []
