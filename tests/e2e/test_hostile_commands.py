"""Every slash command's options, random, huge, odd and forged, through the stand-in to the real bot.

Each request gets a polite, private answer in time; the bot and the worker log no error; a request that is
refused (or only reads) leaves the database exactly as it was.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, text

from db.ladder import Ladder
from sandbox.discord_standin import StandIn
from tests.e2e.conftest import BotProcess, new_user, waves_held
from tests.e2e.hostile import DB_INTEGERS, HUGE_TEXT, ODD_TEXT, SNOWFLAKES, Logs, at_rest, nothing_changes, polite

EXAMPLES = settings(
    max_examples=int(os.environ.get("HOSTILE_EXAMPLES", "40")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture(autouse=True)
def quiet(bot: BotProcess, engine: Engine) -> Iterator[None]:
    at_rest(engine)
    with waves_held(engine):
        yield


# Each way a ladder name can be refused (db/identity.py), as the bot words it.
NAME_REFUSALS = ("at least one letter or digit", "This name is empty", "This name is too long",
                 "invisible or control characters", "mixes letters of different alphabets", "A ladder name has",
                 "Another player has this ladder name")  # fmt: skip


@EXAMPLES
@given(name=st.one_of(st.none(), ODD_TEXT, HUGE_TEXT), region=st.one_of(ODD_TEXT, HUGE_TEXT), in_dm=st.booleans())
async def test_setup_with_any_name_and_region(
    standin: StandIn, ladder: Ladder, engine: Engine, name: str | None, region: str, in_dm: bool
) -> None:
    player = new_user()
    logs = Logs("bot.log")
    valid = region.strip().upper() in ladder.region_codes
    options = {"region": region} | ({"name": name} if name is not None else {})
    if valid:
        answer = polite(await standin.run_command(player, "setup", options, in_dm=in_dm, forged=True))
        with engine.connect() as conn:
            saved = conn.execute(text("SELECT region FROM players WHERE id = :p"), {"p": player}).one_or_none()
        assert ("You are set up as" in answer.text() and saved.region == region.strip().upper()) or (
            any(why in answer.text() for why in NAME_REFUSALS) and saved is None
        )
    else:
        with nothing_changes(engine):
            answer = polite(await standin.run_command(player, "setup", options, in_dm=in_dm, forged=True))
        assert "not a region of this ladder" in answer.text() or any(why in answer.text() for why in NAME_REFUSALS)
    assert logs.trouble() == []


@EXAMPLES
@given(race=st.one_of(st.none(), ODD_TEXT, HUGE_TEXT), page=st.one_of(st.none(), DB_INTEGERS), in_dm=st.booleans())
async def test_leaderboard_with_any_race_and_page(
    standin: StandIn, ladder: Ladder, engine: Engine, race: str | None, page: int | None, in_dm: bool
) -> None:
    logs = Logs("bot.log")
    options: dict[str, object] = {}
    if race is not None:
        options["race"] = race
    if page is not None:
        options["page"] = page
    with nothing_changes(engine):
        answer = polite(await standin.run_command(new_user(), "leaderboard", options, in_dm=in_dm, forged=True))
    assert answer.text().startswith("Leaderboard") or "not a race of this ladder" in answer.text()
    assert logs.trouble() == []


@EXAMPLES
@given(whom=st.one_of(SNOWFLAKES, st.just(0)), in_dm=st.booleans())
async def test_profile_of_anyone(standin: StandIn, engine: Engine, whom: int, in_dm: bool) -> None:
    logs = Logs("bot.log")
    with nothing_changes(engine):
        answer = polite(await standin.run_command(new_user(), "profile", {"player": whom}, in_dm=in_dm, forged=True))
    assert "has not played on this ladder yet" in answer.text() or "Region:" in answer.text()
    assert logs.trouble() == []


async def test_notify_with_a_setting_that_is_not_a_choice(standin: StandIn, engine: Engine) -> None:
    logs = Logs("bot.log")
    for setting in ("maybe", "", "ON", "\x00", "on" * 3000):
        with nothing_changes(engine):
            answer = polite(await standin.run_command(new_user(), "notify", {"setting": setting}, forged=True))
        assert "Use /notify on or /notify off" in answer.text()
    assert logs.trouble() == []


# A player as an admin names one: any id (the ladder knows none of these), as the option's text.
PLAYERS = SNOWFLAKES.map(str)
# Every /admin subcommand, with options of the right names and any values: those that only read or refuse
# bad input, and those that change the ladder when the input is good.
REASONS = st.one_of(ODD_TEXT, HUGE_TEXT)
LOOKS_AND_CHECKS = st.one_of(
    st.tuples(st.just("queue list"), st.just({})),
    st.tuples(st.just("match disputes"), st.just({})),
    st.tuples(st.just("match show"), st.fixed_dictionaries({"match_id": DB_INTEGERS})),
    st.tuples(
        st.just("match resolve"),
        st.fixed_dictionaries(
            {
                "match_id": DB_INTEGERS,
                "result": st.one_of(st.sampled_from(["player1", "draw"]), ODD_TEXT),
                "reason": REASONS,
            }
        ),
    ),
    st.tuples(st.just("player show"), st.fixed_dictionaries({"player": PLAYERS})),
    st.tuples(
        st.just("player rating"),
        st.fixed_dictionaries(
            {
                "player": SNOWFLAKES,
                "race": st.one_of(ODD_TEXT, HUGE_TEXT),
                "change": st.one_of(st.sampled_from(["set", "add", "subtract"]), ODD_TEXT),
                # JSON carries no NaN or infinity: no Discord client could send one.
                "value": st.one_of(
                    st.floats(allow_nan=False, allow_infinity=False), st.sampled_from([1500.0, -1.0, 1e300])
                ),
                "reason": REASONS,
            }
        ),
    ),
    st.tuples(st.just("player unban"), st.fixed_dictionaries({"player": PLAYERS, "reason": REASONS})),
)
ADMIN_CALLS = st.one_of(
    LOOKS_AND_CHECKS,
    st.tuples(st.just("queue clear"), st.fixed_dictionaries({"reason": REASONS})),
    st.tuples(st.just("queue remove"), st.fixed_dictionaries({"player": PLAYERS, "reason": REASONS})),
    st.tuples(
        st.just("player ban"),
        st.fixed_dictionaries({"player": PLAYERS, "reason": REASONS}),
    ),
)


@EXAMPLES
@given(call=ADMIN_CALLS)
async def test_admin_commands_from_a_non_admin_are_refused(
    standin: StandIn, engine: Engine, call: tuple[str, dict[str, object]]
) -> None:
    subcommand, options = call
    logs = Logs("bot.log")
    with nothing_changes(engine):
        answer = polite(await standin.run_command(new_user(), "admin", options, subcommand=subcommand, forged=True))
    assert "Only the ladder's admins" in answer.text()
    assert logs.trouble() == []


@EXAMPLES
@given(call=LOOKS_AND_CHECKS)
async def test_admin_commands_with_odd_options_answer_and_change_only_what_they_say(
    standin: StandIn, engine: Engine, call: tuple[str, dict[str, object]]
) -> None:
    subcommand, options = call
    admin = new_user()
    standin.make_admin(admin)
    logs = Logs("bot.log")
    # None of these may change anything here: the players are nobody the ladder knows (a rating is set only for
    # a player who has played), and no match has an id this high or this low.
    with nothing_changes(engine):
        answer = polite(await standin.run_command(admin, "admin", options, subcommand=subcommand, forged=True))
    assert "Only the ladder's admins" not in answer.text()
    assert logs.trouble() == []


@settings(EXAMPLES, max_examples=15)
@given(reason=REASONS)
async def test_a_ban_takes_a_reason_of_at_most_500_characters(standin: StandIn, engine: Engine, reason: str) -> None:
    admin, player = new_user(), new_user()
    standin.make_admin(admin)
    logs = Logs("bot.log")
    options: dict[str, object] = {"player": str(player), "reason": reason}  # no client sends a ban without one
    answer = polite(await standin.run_command(admin, "admin", options, subcommand="player ban", forged=True))
    with engine.connect() as conn:
        banned = conn.execute(text("SELECT banned FROM players WHERE id = :p"), {"p": player}).scalar()
        audited = conn.execute(text("SELECT count(*) FROM audit_log WHERE player_id = :p"), {"p": player}).scalar()
    if len(reason) > 500:
        assert "at most 500 characters" in answer.text() and (banned, audited) == (None, 0)
    else:  # shown first; nothing written before the admin confirms
        assert "is banned" in answer.text() and "Preview" in answer.text() and (banned, audited) == (None, 0)
    assert logs.trouble() == []
