"""Every custom id the bot accepts, forged: random, huge, odd, other players' buttons, other and finished
matches' buttons, select values no select offered. And each per-player button pressed by someone else.

A modified client can send any custom id from any message it can see; each gets a polite, private answer,
the bot logs no error and the database is as it was.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, text

from db.ladder import Ladder
from sandbox.discord_standin import Message, StandIn
from sandbox.players import choose, join, open_queue, press_on_match, queue_up, titled
from tests.e2e.conftest import BotProcess, new_user, waves_held
from tests.e2e.hostile import HUGE_TEXT, ODD_TEXT, Logs, at_rest, nothing_changes, polite
from tests.e2e.test_match_journey import matched, shows

EXAMPLES = settings(
    max_examples=int(os.environ.get("HOSTILE_EXAMPLES", "40")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
BELONGS_TO_ANOTHER = "This button belongs to another player. Use /queue to open your own."
NOT_ON_MESSAGE = "That control is not on this message any more. Use /queue to start again."
PER_PLAYER = ("race", "veto", "join", "region", "cancel", "confirm", "abort", "won", "lost", "draw", "requeue")


@dataclass(frozen=True)
class Scene:
    """Other players' messages with live buttons, and a finished match: what a forger copies ids from."""

    alice: int  # set up, looking at her /queue setup view
    alice_setup: Message
    carol: int  # new, looking at the region select
    carol_region: Message
    dave: int  # searching
    dave_searching: Message
    erin: int  # in a match waiting for confirmation
    erin_found: Message
    live_match: int
    finished_match: int

    def owned_ids(self) -> dict[str, tuple[int, int, str]]:
        """Per-player kind → (owner, message, custom id)."""
        a, m = self.alice, self.live_match
        found = self.erin_found.id
        return {
            "race": (a, self.alice_setup.id, f"ladder:race:bw:{a}"),
            "veto": (a, self.alice_setup.id, f"ladder:veto:{a}"),
            "join": (a, self.alice_setup.id, f"ladder:join:{a}"),
            "region": (self.carol, self.carol_region.id, f"ladder:region:{self.carol}"),
            "cancel": (self.dave, self.dave_searching.id, f"ladder:cancel:{self.dave}"),
            **{k: (self.erin, found, f"ladder:{k}:{m}:{self.erin}") for k in ("confirm", "abort")},
            **{k: (self.erin, found, f"ladder:{k}:{self.finished_match}:{self.erin}") for k in ("won", "lost", "draw")},
            "requeue": (self.erin, found, f"ladder:requeue:{self.finished_match}:{self.erin}"),
        }


@pytest.fixture(scope="module")
async def scene(bot: BotProcess, standin: StandIn, ladder: Ladder, engine: Engine) -> AsyncIterator[Scene]:
    # A match played to its end, then one just found; the others wait while no wave runs.
    finisher, other, finished, seen_f, seen_o = await matched(standin, ladder)
    for user, seen in ((finisher, seen_f), (other, seen_o)):
        await press_on_match(standin, user, seen, "confirm", finished)
    for user, seen, report in ((finisher, seen_f, "won"), (other, seen_o, "lost")):
        await press_on_match(standin, user, await shows(standin, user, seen, "Match confirmed"), report, finished)
    await shows(standin, finisher, seen_f, "Match completed")
    erin, _, live, erin_found, _ = await matched(standin, ladder)
    alice, carol, dave = new_user(), new_user(), new_user()
    with waves_held(engine):
        alice_setup = await open_queue(standin, alice)
        carol_region = await profile_preview(standin, carol)
        dave_searching = await queue_up(standin, ladder, dave, ["sc2_zerg"])
    yield Scene(alice, alice_setup, carol, carol_region, dave, dave_searching, erin, erin_found, live, finished)


@pytest.fixture
def quiet(scene: Scene, engine: Engine) -> Iterator[None]:
    at_rest(engine)
    with waves_held(engine):
        yield


def ladder_ids(scene: Scene) -> st.SearchStrategy[str]:
    """Ids in the bot's own shapes, with other players' and matches' numbers, real ones and made up."""
    players = st.one_of(st.sampled_from([scene.alice, scene.carol, scene.dave, scene.erin]), st.integers(0, 10**20))
    matches = st.one_of(st.sampled_from([scene.live_match, scene.finished_match]), st.integers(0, 10**19))
    kinds = st.sampled_from(["confirm", "abort", "won", "lost", "draw", "requeue"])
    return st.one_of(
        st.builds(lambda k, m, p: f"ladder:{k}:{m}:{p}", kinds, matches, players),
        st.builds(lambda k, p: f"ladder:{k}:{p}", st.sampled_from(["join", "cancel", "veto", "region"]), players),
        st.builds(lambda s, p: f"ladder:race:{s}:{p}", st.sampled_from(["bw", "sc2", "all", "x" * 40]), players),
        st.builds(
            lambda m, r: f"ladder:resolve:{m}:{r}", matches, st.sampled_from(["player1", "player2", "draw", "x"])
        ),
        st.builds(lambda n, r: f"ladder:board:{n}:{r}", st.integers(-5, 10**8), st.sampled_from(["bw_zerg", "X"])),
        st.sampled_from([c for _, _, c in scene.owned_ids().values()]),
    )


async def profile_preview(standin: StandIn, newcomer: int) -> Message:
    """A newcomer's /queue, the rules accepted: the profile setup, with its region select."""
    rules = polite(await standin.run_command(newcomer, "queue"), private=True)
    return polite(await standin.press_button(newcomer, rules.id, f"ladder:rules:{newcomer}"), private=True)


async def mallorys_setup(standin: StandIn) -> tuple[int, Message]:
    mallory = new_user()
    return mallory, await open_queue(standin, mallory)


@EXAMPLES
@given(data=st.data(), as_select=st.booleans(), values=st.lists(st.one_of(ODD_TEXT, HUGE_TEXT), max_size=30))
async def test_a_forged_custom_id_is_answered_politely_and_changes_nothing(
    scene: Scene, quiet: None, standin: StandIn, engine: Engine, data: st.DataObject, as_select: bool, values: list[str]
) -> None:
    custom_id = data.draw(st.one_of(ODD_TEXT.filter(bool), HUGE_TEXT, ladder_ids(scene)), label="custom_id")
    mallory, setup = await mallorys_setup(standin)
    assume(custom_id not in setup.custom_ids())  # her own controls are hers to press
    logs = Logs("bot.log", "worker.log")
    with nothing_changes(engine):
        if as_select:
            result = await standin.pick(mallory, setup.id, custom_id, values, forged=True)
        else:
            result = await standin.press_button(mallory, setup.id, custom_id, forged=True)
        answer = polite(result)
    assert answer.text() in (BELONGS_TO_ANOTHER, NOT_ON_MESSAGE)
    assert standin.message(setup.id).text() == setup.text() and standin.message(setup.id).versions == setup.versions
    assert logs.trouble() == []


@EXAMPLES
@given(
    select=st.sampled_from(["race:bw", "race:sc2", "veto"]),
    values=st.lists(st.one_of(ODD_TEXT, HUGE_TEXT, st.sampled_from(["bw_zerg", "sc2_zerg", "Pylon"])), max_size=30),
)
async def test_select_values_no_select_offered_are_ignored(
    scene: Scene, quiet: None, standin: StandIn, ladder: Ladder, engine: Engine, select: str, values: list[str]
) -> None:
    mallory, setup = await mallorys_setup(standin)
    logs = Logs("bot.log")
    with nothing_changes(engine):
        result = await standin.pick(mallory, setup.id, f"ladder:{select}:{mallory}", values, forged=True)
        shown = polite(result, private=False)
    # What she picked is shown as picked only where the select offers it, within the select's limits.
    picked = [o["value"] for c in shown.components for s in c["components"] for o in s.get("options", [])
              if o.get("default")]  # fmt: skip
    offered = {r.code for r in ladder.races} | set(ladder.maps.pool)
    assert set(picked) <= offered and set(picked) <= set(values)
    assert len([p for p in picked if p in ladder.maps.pool]) <= ladder.maps.vetoes
    assert logs.trouble() == []


@settings(EXAMPLES, max_examples=15)
@given(values=st.lists(st.one_of(ODD_TEXT, HUGE_TEXT), max_size=30))
async def test_a_region_no_select_offered_is_refused(
    scene: Scene, quiet: None, standin: StandIn, ladder: Ladder, engine: Engine, values: list[str]
) -> None:
    assume(not values or values[0].strip().upper() not in ladder.region_codes)
    newcomer = new_user()
    region = await profile_preview(standin, newcomer)
    logs = Logs("bot.log")
    with nothing_changes(engine):
        result = await standin.pick(newcomer, region.id, f"ladder:region:{newcomer}", values, forged=True)
        assert "not a region of this ladder" in polite(result).text()
    assert logs.trouble() == []


@pytest.mark.parametrize("kind", PER_PLAYER)
async def test_each_per_player_control_refuses_another_user(
    scene: Scene, quiet: None, standin: StandIn, engine: Engine, kind: str
) -> None:
    _owner, message_id, custom_id = scene.owned_ids()[kind]
    seen_before = standin.message(message_id)
    mallory, setup = await mallorys_setup(standin)
    logs = Logs("bot.log")
    with nothing_changes(engine):
        if kind in ("race", "veto", "region"):
            result = await standin.pick(mallory, setup.id, custom_id, ["bw_zerg"], forged=True)
        else:
            result = await standin.press_button(mallory, setup.id, custom_id, forged=True)
        assert polite(result).text() == BELONGS_TO_ANOTHER
    assert standin.message(message_id).versions == seen_before.versions  # the owner's message is untouched
    assert logs.trouble() == []


async def test_stale_buttons_of_a_finished_match_are_refused(
    bot: BotProcess, standin: StandIn, ladder: Ladder, engine: Engine
) -> None:
    at_rest(engine)
    alice, bob, match_id, seen_a, seen_b = await matched(standin, ladder)
    # Alice tries to queue again: the refusal shows her match with its buttons, in a message nothing updates.
    again = await choose(standin, ladder, alice, await open_queue(standin, alice), ["bw_zerg"])
    refusal = polite(await join(standin, alice, again))
    assert f"still in match #{match_id}" in refusal.text()
    assert f"ladder:confirm:{match_id}:{alice}" in refusal.custom_ids()
    await press_on_match(standin, bob, seen_b, "abort", match_id)
    await shows(standin, alice, seen_a, "Match aborted")
    logs = Logs("bot.log", "worker.log")
    with waves_held(engine), nothing_changes(engine):
        stale = await standin.press_button(alice, refusal.id, f"ladder:confirm:{match_id}:{alice}")
        assert stale.answered and not stale.failed and stale.message is not None
        # The stale message catches up with the match, and she is told why nothing happened.
        assert titled("Match aborted")(stale.message) and stale.message.custom_ids() == []
        told = await standin.wait_for_message(alice, lambda m: m.text() == "This match was called off.")
        assert told.ephemeral
    assert logs.trouble() == []


@pytest.mark.parametrize("report", ["won", "lost", "draw"])
async def test_stale_result_buttons_of_a_completed_match_are_refused(
    bot: BotProcess, standin: StandIn, ladder: Ladder, engine: Engine, report: str
) -> None:
    at_rest(engine)
    alice, bob, match_id, seen_a, seen_b = await matched(standin, ladder)
    for user, seen in ((alice, seen_a), (bob, seen_b)):
        await press_on_match(standin, user, seen, "confirm", match_id)
    await shows(standin, alice, seen_a, "Match confirmed")
    # A second look at the confirmed match, with its result buttons, in a message nothing updates.
    again = await choose(standin, ladder, alice, await open_queue(standin, alice), ["bw_zerg"])
    stale = polite(await join(standin, alice, again))
    assert f"ladder:{report}:{match_id}:{alice}" in stale.custom_ids()
    for user, seen, result in ((alice, seen_a, "won"), (bob, seen_b, "lost")):
        await press_on_match(standin, user, await shows(standin, user, seen, "Match confirmed"), result, match_id)
    await shows(standin, alice, seen_a, "Match completed")
    logs = Logs("bot.log", "worker.log")
    with waves_held(engine), nothing_changes(engine):
        pressed = await standin.press_button(alice, stale.id, f"ladder:{report}:{match_id}:{alice}")
        assert pressed.answered and not pressed.failed and pressed.message is not None
        assert titled("Match completed")(pressed.message) and pressed.message.custom_ids() == []
        told = await standin.wait_for_message(
            alice, lambda m: m.text() == "This match is over and its result is recorded."
        )
        assert told.ephemeral
    assert logs.trouble() == []


async def test_join_and_cancel_spam_is_limited_politely(
    bot: BotProcess, standin: StandIn, ladder: Ladder, engine: Engine
) -> None:
    """The e2e stack gives a player 6 presses of Join or Cancel, and one more a minute (see conftest)."""
    spammer = new_user()
    logs = Logs("bot.log")
    with waves_held(engine):
        for _ in range(2):  # join, cancel, join, cancel: answered as usual
            searching = await queue_up(standin, ladder, spammer, ["bw_zerg"])
            left = polite(await standin.press_button(spammer, searching.id, f"ladder:cancel:{spammer}"), private=False)
            assert "You left the queue" in left.text()
        searching = await queue_up(standin, ladder, spammer, ["bw_zerg"])  # the fifth
        setup = await choose(standin, ladder, spammer, await open_queue(standin, spammer), ["bw_zerg"])
        already = polite(await join(standin, spammer, setup))  # the sixth: refused as usual, with a Cancel
        assert "already in the queue" in already.text()
        with nothing_changes(engine):
            for message in (searching, already):  # Cancel from either message
                refused = polite(await standin.press_button(spammer, message.id, f"ladder:cancel:{spammer}"))
                assert (
                    "joining and leaving the queue very quickly" in refused.text() and "Please wait" in refused.text()
                )
            refused = polite(await join(standin, spammer, setup))
            assert "joining and leaving the queue very quickly" in refused.text()
        assert standin.message(searching.id).custom_ids() == [f"ladder:cancel:{spammer}"]  # still there to use
        other = new_user()  # nobody else is slowed down
        assert "Searching" in (await queue_up(standin, ladder, other, ["sc2_zerg"])).text()
    with engine.connect() as conn:
        states = conn.execute(text("SELECT state FROM queue_entries WHERE player_id = :p ORDER BY id"), {"p": spammer})
        assert list(states.scalars()) == ["cancelled", "cancelled", "waiting"]
    assert logs.trouble() == []
