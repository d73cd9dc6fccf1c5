"""The match after it is found, end to end: confirm, report, rating, profile, leaderboard; abort and time out."""

from __future__ import annotations

import asyncio
import signal

import redis
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker

from db import matches
from db.ladder import Ladder
from db.outbox import publish
from db.rating import Elo
from sandbox.discord_standin import Message, StandIn
from sandbox.players import choose, join, match_shown, open_queue, press_on_match, queue_up, titled, wait_for_match
from tests.e2e.conftest import BotProcess, match_log_post, new_user


async def matched(standin: StandIn, ladder: Ladder) -> tuple[int, int, int, Message, Message]:
    alice, bob = new_user(), new_user()
    await queue_up(standin, ladder, alice, ["bw_zerg"])
    await queue_up(standin, ladder, bob, ["sc2_terran"])
    seen_a, seen_b = await wait_for_match(standin, alice), await wait_for_match(standin, bob)
    match_id = match_shown(seen_a)
    assert match_id is not None
    return alice, bob, match_id, seen_a, seen_b


async def reported(standin: StandIn, ladder: Ladder, claims: tuple[str, str]) -> tuple[int, int, int, Message, Message]:
    """Two players matched, both confirmed, then each reporting their claim (won, lost or draw) in turn."""
    alice, bob, match_id, seen_a, seen_b = await matched(standin, ladder)
    for user, seen in ((alice, seen_a), (bob, seen_b)):
        await press_on_match(standin, user, seen, "confirm", match_id)
    for user, seen, claim in ((alice, seen_a, claims[0]), (bob, seen_b, claims[1])):
        confirmed = await shows(standin, user, seen, "Match confirmed")
        await press_on_match(standin, user, confirmed, claim, match_id)
    return alice, bob, match_id, seen_a, seen_b


async def shows(standin: StandIn, user: int, message: Message, title: str) -> Message:
    return await standin.wait_for_message(user, lambda m: m.id == message.id and titled(title)(m), timeout=15)


def events(engine: Engine, match_id: int) -> list[str]:
    with engine.connect() as conn:
        return list(
            conn.execute(
                text("SELECT type FROM outbox WHERE (payload->>'match_id')::bigint = :m ORDER BY id"), {"m": match_id}
            ).scalars()
        )


async def test_the_whole_journey(
    bot: BotProcess, standin: StandIn, ladder: Ladder, engine: Engine, stack_env: dict[str, str]
) -> None:
    alice, bob, match_id, seen_a, seen_b = await matched(standin, ladder)
    assert seen_a.custom_ids() == [f"ladder:confirm:{match_id}:{alice}", f"ladder:abort:{match_id}:{alice}"]

    mine = await press_on_match(standin, alice, seen_a, "confirm", match_id)
    assert "You confirmed" in mine.text() and f"ladder:confirm:{match_id}:{alice}" not in mine.custom_ids()
    await press_on_match(standin, bob, seen_b, "confirm", match_id)
    confirmed_a = await shows(standin, alice, seen_a, "Match confirmed")
    await shows(standin, bob, seen_b, "Match confirmed")
    assert f"ladder:won:{match_id}:{alice}" in confirmed_a.custom_ids()

    reported = await press_on_match(standin, alice, confirmed_a, "won", match_id)
    assert "You reported a **win**" in reported.embeds[0]["description"]
    assert reported.custom_ids() == [f"ladder:replay:{match_id}:{alice}"]  # a replay may still settle it first
    # Bob is told at once, on his own match message, and can still report.
    told = await standin.wait_for_message(bob, lambda m: m.id == seen_b.id and "reported a **win**" in m.text(), 15)
    assert f"ladder:lost:{match_id}:{bob}" in told.custom_ids()
    await press_on_match(standin, bob, told, "lost", match_id)
    done_a = await shows(standin, alice, seen_a, "Match completed")
    done_b = await shows(standin, bob, seen_b, "Match completed")
    # Equal ratings, K = 40: 1500 → 1520 and 1480, shown in both messages.
    assert "You won" in done_a.text() and "1520 (+20)" in done_a.text() and "1480 (-20)" in done_a.text()
    assert "You lost" in done_b.text() and "1480 (-20)" in done_b.text()
    assert events(engine, match_id) == ["match_found", "match_confirmed", "match_reported", "match_completed"]
    logged = (await match_log_post(standin, stack_env, match_id, "Match completed")).text()
    assert "won." in logged and "1520 (+20)" in logged and "1480 (-20)" in logged
    assert f"<@{alice}>" in logged and f"<@{bob}>" in logged

    profile = await standin.run_command(bob, "profile", {"player": alice})
    assert profile.message is not None and "1520" in profile.message.text() and "1-0-0" in profile.message.text()
    assert "win rate 100%" in profile.message.text() and "last 7 days: 1-0-0" in profile.message.text()
    board = await standin.run_command(alice, "leaderboard", {"race": "bw_zerg"})
    assert board.message is not None
    line = next(line for line in board.message.text().splitlines() if "1520" in line)
    assert "1-0-0" in line


async def test_confirms_at_the_same_instant_and_a_double_report(
    bot: BotProcess, standin: StandIn, ladder: Ladder, engine: Engine
) -> None:
    alice, bob, match_id, seen_a, seen_b = await matched(standin, ladder)
    await asyncio.gather(
        press_on_match(standin, alice, seen_a, "confirm", match_id),
        press_on_match(standin, bob, seen_b, "confirm", match_id),
    )
    confirmed_a = await shows(standin, alice, seen_a, "Match confirmed")
    await shows(standin, bob, seen_b, "Match confirmed")
    # Alice lost sight of her match and tries to queue: she is shown the match again, buttons and all.
    setup = await choose(standin, ladder, alice, await open_queue(standin, alice), ["bw_zerg"])
    again_shown = await join(standin, alice, setup)
    assert again_shown.message is not None and "still in match" in again_shown.message.text()
    assert f"ladder:draw:{match_id}:{alice}" in again_shown.message.custom_ids()
    await press_on_match(standin, alice, confirmed_a, "draw", match_id)
    # A second press of a report button (a stale copy of the message still shows them).
    again = await standin.press_button(alice, confirmed_a.id, f"ladder:won:{match_id}:{alice}", forged=True)
    assert again.message is not None
    # Bob is told of Alice's report once: her second press changed nothing.
    assert events(engine, match_id) == ["match_found", "match_confirmed", "match_reported"]
    with engine.connect() as conn:
        row = conn.execute(text("SELECT state, player1_report, player2_report FROM matches WHERE id = :m"),
                           {"m": match_id}).one()  # fmt: skip
    assert row.state == "confirmed" and sorted(filter(None, (row.player1_report, row.player2_report))) == ["draw"]


async def test_abort_tells_both_cools_down_and_offers_the_queue_back(
    bot: BotProcess, standin: StandIn, ladder: Ladder, engine: Engine
) -> None:
    alice, bob, match_id, seen_a, seen_b = await matched(standin, ladder)
    # Bob forges Alice's Abort on his own match message: refused, nothing changes.
    other = await standin.press_button(bob, seen_b.id, f"ladder:abort:{match_id}:{alice}", forged=True)
    assert other.message is not None and "belongs to another player" in other.message.text()
    assert events(engine, match_id) == ["match_found"]

    await press_on_match(standin, alice, seen_a, "abort", match_id)
    told_a = await shows(standin, alice, seen_a, "Match aborted")
    told_b = await shows(standin, bob, seen_b, "Match aborted")
    assert "You aborted" in told_a.text() and told_a.custom_ids() == []
    assert told_b.custom_ids() == [f"ladder:requeue:{match_id}:{bob}"]

    refused = await standin.run_command(alice, "queue")
    assert refused.message is not None
    setup = refused.message
    setup = await choose(standin, ladder, alice, setup, ["bw_zerg"])
    cooled = await join(standin, alice, setup)
    assert cooled.message is not None and "queue again" in cooled.message.text()

    back = await press_on_match(standin, bob, told_b, "requeue", match_id)
    assert "Searching" in back.text()
    with engine.connect() as conn:
        waiting = conn.execute(text("SELECT count(*) FROM queue_entries WHERE player_id = :p AND state = 'waiting'"),
                               {"p": bob}).scalar()  # fmt: skip
    assert waiting == 1


async def test_no_answer_in_time_aborts_and_tells_both(
    bot: BotProcess, standin: StandIn, ladder: Ladder, engine: Engine, stack_env: dict[str, str]
) -> None:
    alice, bob, match_id, seen_a, seen_b = await matched(standin, ladder)
    await press_on_match(standin, bob, seen_b, "confirm", match_id)
    with engine.begin() as conn:  # the confirmation window runs out
        conn.execute(text("UPDATE matches SET confirm_by = now() WHERE id = :m"), {"m": match_id})
    told_a = await shows(standin, alice, seen_a, "Match aborted")
    told_b = await shows(standin, bob, seen_b, "Match aborted")
    assert "did not confirm in time" in told_a.text() and told_a.custom_ids() == []
    assert told_b.custom_ids() == [f"ladder:requeue:{match_id}:{bob}"]
    logged = (await match_log_post(standin, stack_env, match_id, "Match aborted")).text()
    assert "did not confirm in time" in logged and logged.count("did not confirm") == 1
    with engine.connect() as conn:
        cooled = conn.execute(text("SELECT id FROM players WHERE id = ANY(:p) AND cooldown_until > now()"),
                              {"p": [alice, bob]}).scalars()  # fmt: skip
        assert list(cooled) == [alice]


async def test_a_reminder_is_a_new_message_whose_confirm_works(
    bot: BotProcess, standin: StandIn, ladder: Ladder, engine: Engine
) -> None:
    alice, bob, match_id, seen_a, seen_b = await matched(standin, ladder)
    await press_on_match(standin, bob, seen_b, "confirm", match_id)
    with engine.begin() as conn:  # a third of the window is left
        conn.execute(
            text("UPDATE matches SET confirm_by = now() + interval '20 seconds' WHERE id = :m"), {"m": match_id}
        )
    reminder = await standin.wait_for_message(alice, lambda m: m.id != seen_a.id and "Reminder" in m.text(), 15)
    assert f"ladder:confirm:{match_id}:{alice}" in reminder.custom_ids()
    assert not any("Reminder" in m.text() for m in standin.messages_seen_by(bob)), "bob had confirmed already"
    await press_on_match(standin, alice, reminder, "confirm", match_id)
    await shows(standin, bob, seen_b, "Match confirmed")
    confirmed = await standin.wait_for_message(
        alice, lambda m: m.id == reminder.id and titled("Match confirmed")(m), 15
    )
    assert f"ladder:won:{match_id}:{alice}" in confirmed.custom_ids()


async def test_a_report_answered_too_late_still_reaches_the_presser(
    bot: BotProcess, standin: StandIn, ladder: Ladder
) -> None:
    alice, bob, match_id, seen_a, seen_b = await matched(standin, ladder)
    await press_on_match(standin, alice, seen_a, "confirm", match_id)
    await press_on_match(standin, bob, seen_b, "confirm", match_id)
    confirmed_a = await shows(standin, alice, seen_a, "Match confirmed")
    confirmed_b = await shows(standin, bob, seen_b, "Match confirmed")
    await press_on_match(standin, alice, confirmed_a, "won", match_id)

    # The bot stalls past Discord's 3 seconds: Bob's press fails on his screen, then the bot makes the move.
    assert bot.process is not None
    bot.process.send_signal(signal.SIGSTOP)
    try:
        late = await standin.press_button(bob, confirmed_b.id, f"ladder:lost:{match_id}:{bob}")
    finally:
        bot.process.send_signal(signal.SIGCONT)
    assert late.failed

    def result(m: Message) -> bool:
        # Bob's own result, not the match log's post in the server.
        return titled("Match completed")(m) and f"Match #{match_id}" in m.text() and "You lost" in m.text()

    shown = await standin.wait_for_message(bob, result, timeout=20)
    # Not in the pressed message (that answer expired with its interaction): a direct message, once.
    assert shown.id != confirmed_b.id and "You lost" in shown.text()
    await shows(standin, alice, seen_a, "Match completed")
    await asyncio.sleep(1.0)
    assert sum(1 for m in standin.messages_seen_by(bob) if result(m)) == 1


async def test_an_opponents_report_overtaken_by_the_result_is_not_drawn_over_it(
    bot: BotProcess, standin: StandIn, ladder: Ladder, engine: Engine, stack_env: dict[str, str]
) -> None:
    alice, bob, match_id, seen_a, seen_b = await matched(standin, ladder)
    for user, seen in ((alice, seen_a), (bob, seen_b)):
        await press_on_match(standin, user, seen, "confirm", match_id)
    await shows(standin, alice, seen_a, "Match confirmed")
    confirmed_b = await shows(standin, bob, seen_b, "Match confirmed")
    # Both reports are written before the bot hears of either: when its listener reads "Alice reported", the
    # match is already completed for Bob, so that older state must not be drawn over his result.
    sessions = sessionmaker(engine)
    reported = [move(sessions, match_id, alice, "win", ladder), move(sessions, match_id, bob, "loss", ladder)]
    with redis.Redis.from_url(stack_env["REDIS_URL"]) as client:
        publish(sessions, client, stack_env["EVENT_STREAM"], [e.id for m in reported for e in m.events])
    await shows(standin, bob, confirmed_b, "Match completed")
    await asyncio.sleep(1.5)  # time for a late "reported" edit to land, if the bot made one
    shown = standin.message(confirmed_b.id)
    assert titled("Match completed")(shown) and "You lost" in shown.text()
    assert not any("reported a **win**" in v.text() for v in shown.versions)
    with engine.connect() as conn:
        path = conn.execute(
            text("SELECT d.path FROM deliveries d JOIN outbox o ON o.id = d.event_id"
                 " WHERE o.type = 'match_reported' AND d.player_id = :p AND (o.payload->>'match_id')::bigint = :m"),
            {"p": bob, "m": match_id},
        ).scalar_one()  # fmt: skip
    assert path == "superseded"


def move(sessions: sessionmaker[Session], match_id: int, player: int, outcome: str, ladder: Ladder) -> matches.Move:
    with sessions.begin() as session:
        return matches.report(session, match_id, player, outcome, ladder, Elo.of(ladder), None)
