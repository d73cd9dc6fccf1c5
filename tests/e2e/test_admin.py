"""/admin end to end: refused to non-admins; every write previewed and done on Confirm; a dispute resolved once
when two admins resolve it together; a completed match settled again."""

from __future__ import annotations

import asyncio
import re

from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from db.ladder import Ladder
from db.reconcile import rating_drift
from sandbox.discord_standin import StandIn
from sandbox.discord_standin.models import InteractionResult, Message
from sandbox.players import Profile, choose, join, open_queue, press_on_match, queue_up, titled
from tests.e2e.conftest import STAFF_ROLE_ID, BotProcess, match_log_post, new_user
from tests.e2e.test_match_journey import matched, reported, shows
from workers.rating_history import rating_mismatches


async def test_a_non_admin_is_refused_and_nothing_changes(
    bot: BotProcess, standin: StandIn, ladder: Ladder, engine: Engine
) -> None:
    mallory, victim = new_user(), new_user()
    await open_queue(standin, victim)  # the victim exists on the ladder
    for sub, options in (("queue clear", {"reason": "x"}), ("player ban", {"player": str(victim), "reason": "x"}),
                         ("queue list", {})):  # fmt: skip
        result = await standin.run_command(mallory, "admin", options, subcommand=sub)
        assert result.message is not None and "Only the ladder's admins" in result.message.text(), sub
    with engine.connect() as conn:
        assert conn.execute(text("SELECT banned FROM players WHERE id = :p"), {"p": victim}).scalar() is False
        audited = conn.execute(text("SELECT count(*) FROM audit_log WHERE actor_id = :a"), {"a": mallory})
        assert audited.scalar() == 0


async def test_two_admins_resolving_one_dispute_resolve_it_once(
    bot: BotProcess, standin: StandIn, ladder: Ladder, engine: Engine
) -> None:
    alice, bob, match_id, seen_a, seen_b = await matched(standin, ladder)
    for user, seen in ((alice, seen_a), (bob, seen_b)):
        await press_on_match(standin, user, seen, "confirm", match_id)
    for user, seen in ((alice, seen_a), (bob, seen_b)):
        confirmed = await shows(standin, user, seen, "Match confirmed")
        await press_on_match(standin, user, confirmed, "won", match_id)  # both claim the win
    await shows(standin, alice, seen_a, "Match disputed")
    await shows(standin, bob, seen_b, "Match disputed")

    admins = new_user(), new_user()
    for a in admins:
        standin.make_admin(a)
    listed = await standin.run_command(admins[0], "admin", subcommand="match disputes")
    assert listed.message is not None and f"#{match_id}:" in listed.message.text()
    answers = await asyncio.gather(
        *(
            standin.run_command(
                a,
                "admin",
                {"match_id": match_id, "result": "player2", "reason": "Bob's replay"},
                subcommand="match resolve",
            )
            for a in admins
        )
    )
    assert all(r.message is not None and "disputed → player2" in r.message.text() for r in answers)
    assert _match_state(engine, match_id) == "disputed"  # nothing is done before a confirmation
    # Both confirm at the same instant: one settles it, the other is told the match moved since their preview.
    pressed = await asyncio.gather(*(confirm(standin, a, r) for a, r in zip(admins, answers, strict=True)))
    texts = sorted(m.text() for m in pressed)
    assert sum("Done: Match #" in t and "resolved: player2" in t for t in texts) == 1
    assert sum("Something changed since your preview" in t for t in texts) == 1
    done_b = await standin.wait_for_message(bob, lambda m: m.id == seen_b.id and titled("Match completed")(m), 15)
    assert "You won" in done_b.text() and "An admin settled" in done_b.text() and "1520 (+20)" in done_b.text()
    # Each player also gets a direct message with the admin's reason.
    for player, outcome in ((alice, "you lost"), (bob, "you won")):
        told = await standin.wait_for_message(player, titled("From the ladder's admins"), 15)
        assert (
            f"An admin settled match #{match_id}: {outcome}." in told.text() and "Reason: Bob's replay" in told.text()
        )
    with engine.connect() as conn:
        kinds = conn.execute(
            text("SELECT type FROM outbox WHERE (payload->>'match_id')::bigint = :m ORDER BY id"), {"m": match_id}
        ).scalars()
        assert list(kinds) == ["match_found", "match_confirmed", "match_reported", "match_disputed",
                               "match_completed", "admin_notice"]  # fmt: skip
        games = conn.execute(text("SELECT sum(games) FROM ratings WHERE player_id = ANY(:p)"), {"p": [alice, bob]})
        assert games.scalar() == 2
        audited = conn.execute(text("SELECT actor_id FROM audit_log WHERE match_id = :m"), {"m": match_id}).all()
        assert len(audited) == 1 and audited[0].actor_id in admins


async def test_a_banned_player_cannot_queue(bot: BotProcess, standin: StandIn, ladder: Ladder, engine: Engine) -> None:
    admin, carol = new_user(), new_user()
    standin.make_admin(admin)
    setup = await open_queue(standin, carol)
    banned = await standin.run_command(admin, "admin", {"player": str(carol), "reason": "smurfing"},
                                       subcommand="player ban")  # fmt: skip
    assert "is banned" in (await confirm(standin, admin, banned)).text()
    setup = await choose(standin, ladder, carol, setup, ["bw_terran"])
    refused = await join(standin, carol, setup)
    assert refused.message is not None and "banned" in refused.message.text() and "smurfing" in refused.message.text()
    told = await standin.wait_for_message(carol, titled("From the ladder's admins"), 15)
    assert "An admin banned you from this ladder." in told.text() and "Reason: smurfing" in told.text()
    # The admins' log channel has it too, with the reason (the admin's own answer above does not repeat it).
    posted = f"Player {carol} is banned"
    logged = await standin.wait_for_message(admin, lambda m: posted in m.text() and not m.ephemeral, 15)
    assert logged.text().endswith("Reason: smurfing")
    dave = new_user()  # an admin takes a waiting player out: their searching view says so
    searching = await queue_up(standin, ladder, dave, ["sc2_terran"])
    removed = await standin.run_command(admin, "admin", {"player": str(dave), "reason": "afk"},
                                        subcommand="queue remove")  # fmt: skip
    assert "Removed" in (await confirm(standin, admin, removed)).text()
    told = await standin.wait_for_message(dave, lambda m: m.id == searching.id and "took you out" in m.text(), 15)
    assert told.custom_ids() == []
    unbanned = await standin.run_command(admin, "admin", {"player": str(carol), "reason": "appeal heard"},
                                         subcommand="player unban")  # fmt: skip
    assert "no longer banned" in (await confirm(standin, admin, unbanned)).text()
    with engine.connect() as conn:
        actions = conn.execute(text("SELECT action FROM audit_log WHERE player_id = :p ORDER BY id"), {"p": carol})
        assert list(actions.scalars()) == ["ban", "unban"]
    shown = await standin.run_command(admin, "admin", {"player": str(carol)}, subcommand="player show")
    assert shown.message is not None
    told = shown.message.text()
    profile = Profile.of(carol, ladder.regions[0].code)
    assert f"`{profile.in_game_name}`" in told and "Identity changes" in told and "battletag: — →" in told


async def test_a_dispute_reaches_the_admins_channel_and_its_buttons_settle_it(
    bot: BotProcess, standin: StandIn, ladder: Ladder, engine: Engine, stack_env: dict[str, str]
) -> None:
    alice, bob, match_id, seen_a, _ = await reported(standin, ladder, ("won", "draw"))
    admin = new_user()
    standin.make_admin(admin)
    posted = await standin.wait_for_message(admin, titled(f"Match #{match_id} disputed"), timeout=15)
    assert "reported: win" in posted.text() and "reported: draw" in posted.text()
    # The staff role is pinged, and nobody else: the players' names in the post ping no one.
    assert posted.content == f"<@&{STAFF_ROLE_ID}>" and posted.mention_roles == [STAFF_ROLE_ID]
    allowed = posted.allowed_mentions or {}
    assert [str(r) for r in allowed.get("roles", [])] == [str(STAFF_ROLE_ID)]
    assert not allowed.get("parse") and not allowed.get("users")
    disputed = (await match_log_post(standin, stack_env, match_id, "Match disputed")).text()
    assert "The two reports disagree." in disputed
    resolve_draw = f"ladder:resolve:{match_id}:draw"
    assert resolve_draw in posted.custom_ids()

    refused = await standin.press_button(bob, posted.id, resolve_draw)  # a player, not an admin
    assert refused.message is not None and "Only the ladder's admins" in refused.message.text()
    asked = await standin.press_button(admin, posted.id, resolve_draw)  # first, the reason
    form = standin.open_modal(admin)
    assert asked.answered and form is not None and form["custom_id"] == f"ladder:reason:{match_id}:draw"
    assert _match_state(engine, match_id) == "disputed"  # nothing settled before the reason comes back
    previewed = await standin.submit_modal(admin, {"reason": "Both said draw in the channel."})
    assert _match_state(engine, match_id) == "disputed"  # nor before the preview is confirmed
    assert "Done: Match #" in (await confirm(standin, admin, previewed)).text()
    settled_post = await standin.wait_for_message(admin, lambda m: m.id == posted.id and "resolved" in m.text(), 15)
    assert settled_post.custom_ids() == [] and "Reason: Both said draw in the channel." in settled_post.text()
    done_a = await standin.wait_for_message(alice, lambda m: m.id == seen_a.id and titled("Match completed")(m), 15)
    assert "draw" in done_a.text()
    with engine.connect() as conn:
        row = conn.execute(text("SELECT state, result FROM matches WHERE id = :m"), {"m": match_id}).one()
    assert (row.state, row.result) == ("completed", "draw")
    settled = (await match_log_post(standin, stack_env, match_id, "Match completed")).text()
    assert "The match was a draw. An admin settled the result." in settled


async def test_ratings_that_drift_reach_the_admins_and_their_repair_is_audited(
    bot: BotProcess, standin: StandIn, ladder: Ladder, engine: Engine, stack_env: dict[str, str]
) -> None:
    from workers.celery import app

    alice, bob, _, seen_a, _ = await reported(standin, ladder, ("won", "lost"))
    await shows(standin, alice, seen_a, "Match completed")
    with engine.begin() as conn:  # Alice's win applied a second time, by hand
        conn.execute(text("UPDATE ratings SET rating = rating + 20 WHERE player_id = :p"), {"p": alice})

    def check() -> int:
        return int(app.send_task("ladder.check_ratings", queue=stack_env["CELERY_QUEUE"]).get(timeout=30))

    assert await asyncio.to_thread(check) >= 1
    admin = new_user()
    standin.make_admin(admin)
    posted = await standin.wait_for_message(admin, titled("Ratings differ from the match history"), timeout=15)
    assert f"({alice}) · bw_zerg: stored 1540.0" in posted.text() and "the history says 1520.0" in posted.text()
    listed = await standin.run_command(admin, "admin", subcommand="ratings check")
    assert listed.message is not None and f"({alice})" in listed.message.text()
    refused = await standin.run_command(bob, "admin", {"reason": "x"}, subcommand="ratings repair")  # not an admin
    assert refused.message is not None and "Only the ladder's admins" in refused.message.text()
    repaired = await standin.run_command(admin, "admin", {"reason": "double win"}, subcommand="ratings repair")
    assert "Repaired" in (await confirm(standin, admin, repaired)).text()
    with engine.connect() as conn:
        rating = conn.execute(text("SELECT rating FROM ratings WHERE player_id = :p"), {"p": alice}).scalar_one()
        audited = conn.execute(
            text("SELECT actor_id FROM audit_log WHERE action = 'rating_repair' AND player_id = :p"), {"p": alice}
        ).scalars()
        assert rating == 1520 and list(audited) == [admin]
    assert await asyncio.to_thread(check) == 0


async def test_a_rating_changed_by_points_tells_the_player_why(
    bot: BotProcess, standin: StandIn, ladder: Ladder, engine: Engine
) -> None:
    admin, erin = new_user(), new_user()
    standin.make_admin(admin)
    await open_queue(standin, erin)  # on the ladder, never rated: the change starts from the ladder's 1500
    options = {"player": str(erin), "race": "bw_zerg", "change": "add", "value": 25, "reason": "tournament win"}
    added = await standin.run_command(admin, "admin", options, subcommand="player rating")
    assert added.message is not None and "bw_zerg rating: none → 1525" in added.message.text()
    assert "bw_zerg rating: none → 1525" in (await confirm(standin, admin, added)).text()
    told = await standin.wait_for_message(erin, titled("From the ladder's admins"), 15)
    assert "BW Zerg rating: 1500 → 1525." in told.text() and "Reason: tournament win" in told.text()
    too_low = {**options, "change": "subtract", "value": 2000}
    refused = await standin.run_command(admin, "admin", too_low, subcommand="player rating")
    assert refused.message is not None and "must stay between 0 and 10000" in refused.message.text()
    with engine.connect() as conn:
        rating = conn.execute(text("SELECT rating FROM ratings WHERE player_id = :p"), {"p": erin}).scalar_one()
        reasons = conn.execute(
            text("SELECT details->>'reason' FROM audit_log WHERE player_id = :p ORDER BY id"), {"p": erin}
        ).scalars()
        assert rating == 1525 and list(reasons) == ["tournament win"]


async def test_a_completed_match_settled_again_after_its_preview(
    bot: BotProcess, standin: StandIn, ladder: Ladder, engine: Engine
) -> None:
    alice, bob, match_id, seen_a, _ = await reported(standin, ladder, ("won", "lost"))
    await shows(standin, alice, seen_a, "Match completed")
    with engine.begin() as conn:  # it ended two days ago
        conn.execute(text("UPDATE matches SET ended_at = ended_at - interval '2 days' WHERE id = :m"), {"m": match_id})
        name = conn.execute(text("SELECT display_name FROM players WHERE id = :p"), {"p": alice}).scalar_one()
    admin = new_user()
    standin.make_admin(admin)
    # Alice found by her ladder name typed in another case.
    suggested = await standin.autocomplete(admin, "admin", "player", name.upper(), subcommand="player show")
    assert suggested.choices and suggested.choices[0]["value"] == str(alice) and name in suggested.choices[0]["name"]
    settle = {"match_id": match_id, "result": "player2", "reason": "Bob's replay shows his win"}
    before = _ratings(engine, alice, bob)

    # The preview says what would change, and warns of the match's age; Cancel changes nothing.
    previewed = await standin.run_command(admin, "admin", settle, subcommand="match resolve")
    assert previewed.message is not None
    shown = previewed.message.text()
    assert f"Match #{match_id}: completed player1 → player2." in shown and "more than 24 hours" in shown
    assert re.search(rf"\({alice}\) \w+: 1520 → 1480", shown) and re.search(rf"\({bob}\) \w+: 1480 → 1520", shown)
    cancel = next(c for c in previewed.message.custom_ids() if c.endswith(":cancel"))
    cancelled = await standin.press_button(admin, previewed.message.id, cancel)
    assert cancelled.message is not None and "Cancelled: nothing was changed." in cancelled.message.text()
    assert _ratings(engine, alice, bob) == before

    # Confirmed: the ratings are what a replay of the history with Bob's win gives, and both players are told.
    previewed = await standin.run_command(admin, "admin", settle, subcommand="match resolve")
    assert "Done: Match #" in (await confirm(standin, admin, previewed)).text()
    assert _ratings(engine, alice, bob) == {alice: 1480, bob: 1520}
    with Session(engine) as session:
        played = [alice, bob]
        assert [p for p in rating_mismatches(session, ladder, {}) if any(str(x) in p for x in played)] == []
        assert not [d for d in rating_drift(session, ladder.rating.start) if d.player_id in played]
    for player, outcome in ((alice, "you lost"), (bob, "you won")):
        told = await standin.wait_for_message(
            player, lambda m: titled("From the ladder's admins")(m) and "Bob's replay" in m.text(), 15
        )
        assert f"An admin settled match #{match_id}: {outcome}." in told.text()
    # The same again: nothing to change, nothing to confirm.
    again = await standin.run_command(admin, "admin", settle, subcommand="match resolve")
    assert again.message is not None and "already completed player2" in again.message.text()
    assert again.message.custom_ids() == []


def _ratings(engine: Engine, *players: int) -> dict[int, float]:
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT player_id, rating FROM ratings WHERE player_id = ANY(:p) AND games > 0"),
            {"p": list(players)},
        ).all()
    return {r.player_id: round(r.rating, 6) for r in rows}


async def confirm(standin: StandIn, admin: int, previewed: InteractionResult) -> Message:
    """The admin presses Confirm under the preview their command showed; what the message says then."""
    assert previewed.message is not None and previewed.message.text().startswith("**Preview**"), previewed.message
    button = next(c for c in previewed.message.custom_ids() if c.endswith(":confirm"))
    pressed = await standin.press_button(admin, previewed.message.id, button)
    assert pressed.message is not None and pressed.message.custom_ids() == []
    return pressed.message


def _match_state(engine: Engine, match_id: int) -> str:
    with engine.connect() as conn:
        return str(conn.execute(text("SELECT state FROM matches WHERE id = :m"), {"m": match_id}).scalar_one())
