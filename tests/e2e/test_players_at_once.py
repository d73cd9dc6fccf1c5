"""Many players at once, a match arriving mid-command, and buttons pressed by the wrong player."""

from __future__ import annotations

import asyncio

from sqlalchemy import Engine, text

from db.ladder import Ladder
from sandbox.discord_standin import StandIn
from sandbox.players import cancel, choose, join, match_shown, open_queue, queue_up, wait_for_match
from tests.e2e.conftest import BotProcess, new_user, waves_held


async def test_fifty_players_pressing_join_within_a_second_are_all_answered_in_time(
    bot: BotProcess, standin: StandIn, ladder: Ladder, engine: Engine
) -> None:
    players = [new_user() for _ in range(50)]
    races = ["bw_terran", "sc2_zerg", "bw_protoss", "sc2_terran", "bw_zerg"]
    with waves_held(engine):
        setups = {}
        for i, player in enumerate(players):
            setup = await open_queue(standin, player)
            setups[player] = await choose(standin, ladder, player, setup, [races[i % len(races)]])
        results = await asyncio.gather(*(join(standin, p, setups[p]) for p in players))
    assert [r.failed for r in results] == [False] * 50
    latencies = sorted(r.latency_s or 99.0 for r in results)
    assert latencies[-1] < 3.0, f"slowest answer {latencies[-1]:.2f}s"
    assert all(r.message is not None and "Searching" in r.message.text() for r in results)
    with engine.connect() as conn:
        waiting = conn.execute(
            text("SELECT count(*) FROM queue_entries WHERE player_id = ANY(:p) AND state = 'waiting'"), {"p": players}
        ).scalar()
    assert waiting == 50


async def test_a_match_arriving_mid_command_and_the_command_both_work(
    bot: BotProcess, standin: StandIn, ladder: Ladder, engine: Engine
) -> None:
    alice, bob = new_user(), new_user()
    picks = 0

    async def pick() -> None:
        nonlocal second_setup, picks
        race = ["bw_zerg", "bw_protoss"][picks % 2]
        result = await standin.pick(alice, second_setup.id, f"ladder:race:bw:{alice}", [race])
        assert result.answered and not result.failed and result.message is not None
        second_setup = result.message
        picks += 1

    with waves_held(engine):
        searching = await queue_up(standin, ladder, alice, ["bw_terran"])
        await queue_up(standin, ladder, bob, ["sc2_protoss"])
        second_setup = await open_queue(standin, alice)  # alice opens /queue again, in another message
        await pick()  # one pick before any wave may run, however fast the next one comes
    matched = asyncio.create_task(wait_for_match(standin, alice))
    while not matched.done():  # she keeps changing her picks while the wave runs and the match arrives
        await pick()
        await asyncio.sleep(0.05)
    seen = await matched
    assert seen.id == searching.id and match_shown(seen) is not None
    assert standin.message(second_setup.id).component(f"ladder:join:{alice}") is not None  # untouched by the match


async def test_another_players_cancel_is_refused_and_changes_nothing(
    bot: BotProcess, standin: StandIn, ladder: Ladder, engine: Engine
) -> None:
    alice, mallory = new_user(), new_user()
    with waves_held(engine):
        searching = await queue_up(standin, ladder, alice, ["sc2_zerg"])
        own = await open_queue(standin, mallory)
        # A modified client can send any custom id: mallory sends alice's Cancel from her own message.
        result = await standin.press_button(mallory, own.id, f"ladder:cancel:{alice}", forged=True)
        assert result.answered and result.ephemeral and result.message is not None
        assert "belongs to another player" in result.message.text()
        assert standin.message(searching.id).custom_ids() == [f"ladder:cancel:{alice}"]
        forged_join = await standin.press_button(mallory, own.id, f"ladder:join:{alice}", forged=True)
        assert forged_join.message is not None and "belongs to another player" in forged_join.message.text()
        with engine.connect() as conn:
            states = conn.execute(
                text("SELECT player_id, state FROM queue_entries WHERE player_id = ANY(:p)"), {"p": [alice, mallory]}
            ).all()
        assert [tuple(s) for s in states] == [(alice, "waiting")]


async def test_forged_and_stale_custom_ids_get_a_polite_answer(
    bot: BotProcess, standin: StandIn, ladder: Ladder, engine: Engine
) -> None:
    alice = new_user()
    with waves_held(engine):
        searching = await queue_up(standin, ladder, alice, ["bw_zerg"])
        again = await open_queue(standin, alice)
        refused = await join(standin, alice, again)
        assert refused.message is not None and "already in the queue" in refused.message.text()
        offered_cancel = refused.message  # the refusal offers a Cancel
        bogus = await standin.pick(alice, again.id, f"ladder:veto:{alice}", ["not-a-map"], forged=True)
        assert bogus.answered and bogus.message is not None  # a value the select never offered is ignored
        veto = bogus.message.component(f"ladder:veto:{alice}")
        assert veto is not None and not any(o.get("default") for o in veto["options"])
        for custom_id in (f"ladder:race:nosuchside:{alice}", "ladder:join:x" * 10):
            forged = await standin.pick(alice, again.id, custom_id[:100], ["not-a-race"], forged=True)
            assert forged.answered and forged.message is not None and "not on this message" in forged.message.text()
        assert "You left the queue" in (await cancel(standin, alice, searching)).text()
        stale = await standin.press_button(alice, offered_cancel.id, f"ladder:cancel:{alice}")
    assert stale.message is not None and "You are not in the queue" in stale.message.text()
    with engine.connect() as conn:
        states = conn.execute(text("SELECT state FROM queue_entries WHERE player_id = :p"), {"p": alice}).scalars()
        assert list(states) == ["cancelled"]
