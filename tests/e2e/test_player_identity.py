"""A new player's way in, end to end through the real bot and the Discord stand-in: the rules, the guided setup
(names form, country, region, language), and a match card that shows both players as the game knows them."""

from __future__ import annotations

import asyncio

from sqlalchemy import Engine, text

from db.ladder import Ladder
from sandbox.discord_standin import Message, StandIn
from sandbox.players import Profile, choose, join, open_queue, set_up_profile, wait_for_match
from tests.e2e.conftest import BotProcess, new_user


def _answer(result: object) -> Message:
    message = getattr(result, "message", None)
    assert message is not None, "the bot did not answer"
    return message


def _profile(engine: Engine, player: int) -> tuple[object, ...] | None:
    with engine.connect() as conn:
        row = conn.execute(
            text("SELECT display_name, in_game_name, battletag, alt_names, country, region, setup_at IS NOT NULL"
                 " FROM players WHERE id = :p"), {"p": player}
        ).one_or_none()  # fmt: skip
    return tuple(row) if row is not None else None


async def test_a_new_player_is_led_through_rules_and_setup_to_a_card_with_both_identities(
    bot: BotProcess, standin: StandIn, ladder: Ladder, engine: Engine
) -> None:
    kim, ivan = new_user(), new_user()
    rules = _answer(await standin.run_command(kim, "queue"))
    assert rules.embeds[0]["title"] == "The ladder's rules" and f"ladder:rules:{kim}" in rules.custom_ids()
    assert "One account per person" in rules.text()
    preview = _answer(await standin.press_button(kim, rules.id, f"ladder:rules:{kim}"))
    assert preview.embeds[0]["title"] == "Your ladder profile"
    assert preview.component(f"ladder:profile:play:{kim}")["disabled"] is True  # nothing saved yet

    # Bad names: each refused with its reason, and nothing stored.
    await standin.press_button(kim, preview.id, f"ladder:profile:names:{kim}")
    form = standin.open_modal(kim)
    assert form is not None and form["custom_id"] == f"ladder:form:{kim}"
    bad = {"ladder_name": "\u041aim", "in_game_name": "KimGG", "battletag": "Kim", "alt_names": "", "country": "Korea"}
    shown = _answer(await standin.submit_modal(kim, bad))
    assert shown.id == preview.id
    assert "mixes letters of different alphabets" in shown.text()
    assert "like Name#1234" in shown.text()
    assert "Which one?" in shown.text() and "South Korea" in shown.text() and "North Korea" in shown.text()
    assert _profile(engine, kim) == (None, None, None, [], None, None, False)

    kim_name = f"Kim{kim % 100000}"  # unique on the ladder, which other tests share
    region = ladder.regions[0].code
    kim_profile = Profile(kim_name, "KimGG", "Kim#1234", region, "KimSmurf", "South Korea")
    setup = await set_up_profile(standin, kim, shown, kim_profile)
    assert f"Your profile is saved, **{kim_name}**." in setup.text() and f"ladder:join:{kim}" in setup.custom_ids()
    assert _profile(engine, kim) == (kim_name, "KimGG", "Kim#1234", ["KimSmurf"], "KR", kim_profile.region, True)

    # The same ladder name in another case, or with a lookalike letter, is taken.
    await standin.run_command(ivan, "queue")  # the rules
    rules_b = [
        m for m in standin.messages_seen_by(ivan) if m.embeds and m.embeds[0].get("title") == "The ladder's rules"
    ]
    preview_b = _answer(await standin.press_button(ivan, rules_b[-1].id, f"ladder:rules:{ivan}"))
    await standin.press_button(ivan, preview_b.id, f"ladder:profile:names:{ivan}")
    taken = _answer(await standin.submit_modal(ivan, {"ladder_name": kim_name.upper(), "in_game_name": "Ivan",
                                                      "battletag": "Ivan#5555"}))  # fmt: skip
    assert "Another player has this ladder name" in taken.text()
    ivan_profile = Profile(f"Ivan{ivan % 100000}", "IvanTheTerrible", "Ivan#5555", kim_profile.region, country="ru")
    setup_b = await set_up_profile(standin, ivan, taken, ivan_profile)
    assert f"ladder:join:{ivan}" in setup_b.custom_ids()

    # Both join and are matched: each card shows both players as the game knows them.
    searching_a = await join(standin, kim, await choose(standin, ladder, kim, setup, ["bw_zerg"]))
    searching_b = await join(standin, ivan, await choose(standin, ladder, ivan, setup_b, ["sc2_terran"]))
    assert searching_a.message is not None and searching_b.message is not None
    for player in (kim, ivan):
        card = (await wait_for_match(standin, player)).text()
        for shown_text in ("`KimGG`", "`Kim#1234`", "`KimSmurf`", "`IvanTheTerrible`", "`Ivan#5555`"):
            assert shown_text in card, f"{shown_text} missing from {player}'s card: {card}"
        assert f"<@{kim}>" in card and f"<@{ivan}>" in card
        assert "\U0001f1f0\U0001f1f7" in card and "\U0001f1f7\U0001f1fa" in card  # the flags of KR and RU


async def test_setup_abandoned_half_way_leaves_the_profile_as_it_was(
    bot: BotProcess, standin: StandIn, ladder: Ladder, engine: Engine
) -> None:
    lee = new_user()
    setup = await open_queue(
        standin, lee, identity=Profile(f"Lee{lee % 100000}", "LeeGG", "Lee#1111", ladder.regions[0].code)
    )
    assert f"ladder:join:{lee}" in setup.custom_ids()
    saved = _profile(engine, lee)
    preview = _answer(await standin.run_command(lee, "setup"))
    assert "LeeGG" in preview.text()  # the form starts from the stored profile
    await standin.press_button(lee, preview.id, f"ladder:profile:names:{lee}")
    changed = _answer(await standin.submit_modal(lee, {"ladder_name": f"New{lee % 100000}", "in_game_name": "Other",
                                                       "battletag": "Lee#2222"}))  # fmt: skip
    assert f"New{lee % 100000}" in changed.text() and _profile(engine, lee) == saved  # a draft, not the profile
    cancelled = _answer(await standin.press_button(lee, changed.id, f"ladder:profile:discard:{lee}"))
    assert "your profile is as it was" in cancelled.text() and cancelled.custom_ids() == []
    assert _profile(engine, lee) == saved
    # Two previews of one setup: cancelled on one, the other's Save saves nothing (no setup in progress).
    first = _answer(await standin.run_command(lee, "setup"))
    second = _answer(await standin.run_command(lee, "setup"))
    await standin.press_button(lee, second.id, f"ladder:profile:discard:{lee}")
    stale = _answer(await standin.press_button(lee, first.id, f"ladder:profile:save:{lee}"))
    assert "no setup in progress" in stale.text()
    assert _profile(engine, lee) == saved


async def test_another_players_setup_is_not_theirs_to_press(
    bot: BotProcess, standin: StandIn, ladder: Ladder, engine: Engine
) -> None:
    owner, mallory = new_user(), new_user()
    await standin.run_command(owner, "setup")
    # Mallory's client sends the owner's ids from her own message (a forged press: no client shows them to her).
    hers = _answer(await standin.run_command(mallory, "setup"))
    for custom_id in (f"ladder:profile:save:{owner}", f"ladder:profile:names:{owner}"):
        result = await standin.press_button(mallory, hers.id, custom_id, forged=True)
        assert result.message is not None and "belongs to another player" in result.message.text()
    picked = await standin.pick(mallory, hers.id, f"ladder:language:{owner}", ["ko"], forged=True)
    assert picked.message is not None and "belongs to another player" in picked.message.text()
    assert standin.open_modal(mallory) is None
    assert _profile(engine, owner) == (None, None, None, [], None, None, False)


async def test_country_by_autocomplete_and_every_change_kept(
    bot: BotProcess, standin: StandIn, ladder: Ladder, engine: Engine
) -> None:
    park = new_user()
    await open_queue(
        standin,
        park,
        identity=Profile(f"Park{park % 100000}", "ParkGG", "Park#3333", ladder.regions[0].code, country="de"),
    )
    suggested = await standin.autocomplete(park, "setup", "country", "kor")
    assert suggested.choices is not None
    assert {c["value"] for c in suggested.choices} >= {"KR", "KP"} and len(suggested.choices) <= 25
    assert any(c["name"].startswith("\U0001f1f0\U0001f1f7") for c in suggested.choices)
    answer = _answer(await standin.run_command(park, "setup", {"country": "KR"}))
    assert "Your country is now" in answer.text()
    shown = _answer(await standin.run_command(park, "profile")).text()
    assert "`ParkGG`" in shown and "`Park#3333`" in shown and "\U0001f1f0\U0001f1f7" in shown
    refused = _answer(await standin.run_command(park, "setup", {"country": "Atlantis"}))
    assert "is not a country we know" in refused.text()
    with engine.connect() as conn:
        history = conn.execute(
            text("SELECT field, old_value, new_value FROM identity_changes WHERE player_id = :p ORDER BY id"),
            {"p": park},
        ).all()
    fields = [h.field for h in history]
    assert "ladder_name" in fields and "battletag" in fields
    assert history[-1] == ("country", "DE", "KR")


async def test_a_new_rules_version_is_asked_again(
    bot: BotProcess, standin: StandIn, ladder: Ladder, engine: Engine
) -> None:
    choi = new_user()
    await open_queue(
        standin, choi, identity=Profile(f"Choi{choi % 100000}", "ChoiGG", "Choi#4444", ladder.regions[0].code)
    )
    with engine.begin() as conn:  # as if the ladder's rules had changed since Choi accepted them
        conn.execute(text("UPDATE players SET rules_version = 'an older version' WHERE id = :p"), {"p": choi})
    asked = _answer(await standin.run_command(choi, "queue"))
    assert f"ladder:rules:{choi}" in asked.custom_ids()
    setup = _answer(await standin.press_button(choi, asked.id, f"ladder:rules:{choi}"))
    assert f"ladder:join:{choi}" in setup.custom_ids()  # set up already: straight to the queue


async def test_a_form_submitted_twice_saves_one_whole_profile(
    bot: BotProcess, standin: StandIn, ladder: Ladder, engine: Engine
) -> None:
    yun = new_user()
    region = ladder.regions[0].code
    await open_queue(standin, yun, identity=Profile(f"Yun{yun % 100000}", "YunGG", "Yun#1111", region))
    preview = _answer(await standin.run_command(yun, "setup"))
    await standin.press_button(yun, preview.id, f"ladder:profile:names:{yun}")
    one = {"ladder_name": f"One{yun % 100000}", "in_game_name": "OneGG", "battletag": "One#1111", "alt_names": "Uno"}
    two = {"ladder_name": f"Two{yun % 100000}", "in_game_name": "TwoGG", "battletag": "Two#2222", "alt_names": ""}
    # The form arrives twice at once (a client resending it), each time with other names.
    answers = await asyncio.gather(standin.submit_modal(yun, one), standin.submit_modal(yun, two, again=True))
    assert all("Your ladder profile" in _answer(a).text() for a in answers)
    saved = _answer(await standin.press_button(yun, preview.id, f"ladder:profile:save:{yun}"))
    assert "Your profile is saved" in saved.text()
    whole = [
        (one["ladder_name"], "OneGG", "One#1111", ["Uno"], None, region, True),
        (two["ladder_name"], "TwoGG", "Two#2222", [], None, region, True),
    ]
    assert _profile(engine, yun) in whole
    # Sent once more after the save: a new draft at most, the saved profile untouched.
    kept = _profile(engine, yun)
    late = await standin.submit_modal(yun, one, again=True)
    assert late.message is not None
    assert _profile(engine, yun) == kept
