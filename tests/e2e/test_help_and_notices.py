"""/help in the reader's language, and the ladder's notices: shown once, acknowledged, then the Join goes through."""

from __future__ import annotations

from sqlalchemy import Engine, text

from db.ladder import Ladder
from sandbox.discord_standin import StandIn
from sandbox.player_view import Shows, shows
from sandbox.players import Profile, choose, open_queue
from tests.e2e.conftest import BotProcess, new_user


async def test_help_says_how_the_ladder_works_in_the_readers_language(
    bot: BotProcess, standin: StandIn, ladder: Ladder
) -> None:
    english, korean = new_user(), new_user()
    standin.add_user(korean, "Kim", locale="ko")
    shown = await standin.run_command(english, "help")
    assert shown.message is not None and shown.message.ephemeral
    told = shown.message.text()
    assert "How StarCraft: Brood War vs StarCraft II works" in told
    for command in ("/queue", "/setup", "/profile", "/leaderboard", "/notify", "/help"):
        assert command in told
    assert "45 seconds" in told and "90 seconds" in told and all(m in told for m in ladder.maps.pool)
    shown_ko = await standin.run_command(korean, "help")
    assert shown_ko.message is not None
    assert "이용 방법" in shown_ko.message.text() and "/대기열" in shown_ko.message.text()


async def test_a_notice_is_acknowledged_once_before_the_join_goes_through(
    bot: BotProcess, standin: StandIn, ladder: Ladder, engine: Engine
) -> None:
    assert ladder.notices, "the StarCraft ladder has a notice for everyone"
    lee = new_user()
    setup = await open_queue(
        standin, lee, identity=Profile(f"Nt{lee % 10**9}", "LeeGG", "Lee#1234", ladder.regions[0].code)
    )
    setup = await choose(standin, ladder, lee, setup, ["bw_zerg"])
    told = await standin.press_button(lee, setup.id, f"ladder:join:{lee}")
    assert told.message is not None and told.message.ephemeral and told.message.id != setup.id
    assert "Before you play" in told.message.text() and "SC: Evo Complete" in told.message.text()
    with engine.connect() as conn:
        waiting = conn.execute(text("SELECT count(*) FROM queue_entries WHERE player_id = :p"), {"p": lee}).scalar()
    assert waiting == 0  # the notice comes first: nothing written
    button = next(c for c in told.message.custom_ids() if c.startswith("ladder:notice:"))
    thanked = await standin.press_button(lee, told.message.id, button)
    assert thanked.message is not None and "Press **Join**" in thanked.message.text()
    joined = await standin.press_button(lee, setup.id, f"ladder:join:{lee}")
    assert joined.message is not None and shows(joined.message) is Shows.SEARCHING
    with engine.connect() as conn:
        seen = conn.execute(text("SELECT notice FROM notices_seen WHERE player_id = :p"), {"p": lee}).scalars().all()
    assert seen == [ladder.notices[0].id]
    cancelled = await standin.press_button(lee, joined.message.id, f"ladder:cancel:{lee}")
    assert cancelled.message is not None
    # Once acknowledged, never again: the next Join goes straight through.
    again = await choose(standin, ladder, lee, await open_queue(standin, lee), ["bw_zerg"])
    rejoined = await standin.press_button(lee, again.id, f"ladder:join:{lee}")
    assert rejoined.message is not None and shows(rejoined.message) is Shows.SEARCHING
    await standin.press_button(lee, rejoined.message.id, f"ladder:cancel:{lee}")
