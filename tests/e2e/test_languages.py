"""Players in their own languages, end to end: one whose Discord client is Korean, one who chose Russian with
/setup while his client is English. Each reads only their own language, in every message they receive: the
answers to their own presses, the listener's edits and its direct messages."""

from __future__ import annotations

import re
from collections.abc import Iterable

import pytest
from sqlalchemy import Engine

from bot.languages import LANGUAGES, SOURCE
from db.ladder import Ladder
from sandbox.discord_standin import InteractionResult, Message, StandIn
from sandbox.discord_standin.rules import DiscordError, check_commands
from sandbox.match_cards import ladder_data
from sandbox.players import press_on_match, queue_up, titled, wait_for_match
from sandbox.reading import texts_read
from tests.e2e.conftest import BotProcess, delivery_paths, new_user, waves_held

HANGUL = re.compile(r"[\uac00-\ud7a3]")
CYRILLIC = re.compile(r"[\u0400-\u04ff]")
LATIN_WORD = re.compile(r"[A-Za-z]+")
DISCORD_MARKUP = re.compile(r"<(?:t:-?\d+(?::[a-zA-Z])?|@!?\d+)>")


def _latin_allowed(ladder: Ladder, code: str, *names: str) -> set[str]:
    """Latin words a text in this language may hold: the players' names, and the ladder's own names in it
    (map names stay in Latin letters in Russian; race names keep "BW" and "SC2"), and brand names."""
    # "BattleTag" is a brand's name, which Russian writes in Latin letters too.
    shown = [*names, "BattleTag", ladder.ladder.names.get(code, "")]
    shown += [r.names.get(code, r.name) for r in ladder.races] + [s.names.get(code, s.name) for s in ladder.sides]
    shown += [ladder.maps.names.get(m, {}).get(code, m) for m in ladder.maps.pool]
    shown += [n.texts.get(code, n.text) for n in ladder.notices]  # the ladder's own words, as its file writes them
    shown += ladder_data(ladder)  # links, authors, the mod and the in-game channel: data in no language
    return {word for text in shown for word in LATIN_WORD.findall(text)}


def _read_in(messages: Iterable[Message], script: re.Pattern[str], other: re.Pattern[str], allowed: set[str]) -> int:
    """Every version of every message: none of the other language's letters, and no Latin word but data (a
    select's option may be a map's name alone). Returns how many texts were read in the expected script."""
    read = 0
    for message in messages:
        for version in message.versions:
            for text in texts_read(version):
                if text.strip().startswith("#") or text.strip().isdigit():
                    continue
                bare = DISCORD_MARKUP.sub(" ", text)
                assert not other.search(bare), f"another language's letters: {text!r}"
                foreign = set(LATIN_WORD.findall(bare)) - allowed
                assert not foreign, f"English words {sorted(foreign)} in {text!r}"
                read += bool(script.search(bare))
    return read


def _theirs(standin: StandIn, player: int) -> list[Message]:
    """The messages the bot sent this player alone: its answers to them and its direct messages (not what
    anyone in the server's channel sees, such as the admins' posts)."""
    return [m for m in standin.messages_seen_by(player) if m.visible_to == player]


def _answer(result: InteractionResult) -> Message:
    assert result.answered and result.message is not None, result
    return result.message


async def test_a_korean_and_a_russian_player_each_read_only_their_own_language(
    bot: BotProcess, standin: StandIn, ladder: Ladder, engine: Engine
) -> None:
    kim, ivan = new_user(), new_user()
    standin.add_user(kim, "Kim", locale="ko")
    standin.add_user(ivan, "Ivan", locale="en-US")
    set_up_kim = _answer(await standin.run_command(kim, "setup", {"region": "KRJ"}))
    assert "한국" in set_up_kim.text()  # the region, by its Korean name from the ladder file
    set_up_ivan = _answer(await standin.run_command(ivan, "setup", {"region": "EUW", "language": "ru"}))
    assert "Европа" in set_up_ivan.text()

    with waves_held(engine):
        searching_kim = await queue_up(standin, ladder, kim, ["bw_zerg"])
        await queue_up(standin, ladder, ivan, ["sc2_terran"])
        assert HANGUL.search(searching_kim.text())
        # Both interaction tokens expire: the match can only come by direct message, drawn by the listener.
        standin.clock.advance(16 * 60)
    found_kim, found_ivan = await wait_for_match(standin, kim), await wait_for_match(standin, ivan)
    assert found_kim.visible_to == kim and found_kim.id != searching_kim.id
    assert await delivery_paths(engine, kim, ivan) == {kim: "direct_message", ivan: "direct_message"}
    assert HANGUL.search(found_kim.embeds[0]["title"]) and CYRILLIC.search(found_ivan.embeds[0]["title"])
    match_id = next(int(n) for n in re.findall(r"#(\d+)", found_kim.text()))

    await press_on_match(standin, kim, found_kim, "confirm", match_id)
    await press_on_match(standin, ivan, found_ivan, "confirm", match_id)
    # Kim's message moves on by the listener's edit (Ivan's press confirmed the match).
    playing_kim = await standin.wait_for_message(
        kim, lambda m: m.id == found_kim.id and f"ladder:won:{match_id}:{kim}" in m.custom_ids(), 15
    )
    playing_ivan = await standin.wait_for_message(
        ivan, lambda m: m.id == found_ivan.id and f"ladder:lost:{match_id}:{ivan}" in m.custom_ids(), 15
    )
    await press_on_match(standin, kim, playing_kim, "won", match_id)
    await press_on_match(standin, ivan, playing_ivan, "lost", match_id)
    done_kim = await standin.wait_for_message(kim, lambda m: m.id == found_kim.id and titled("Match completed")(m), 15)
    done_ivan = await standin.wait_for_message(
        ivan, lambda m: m.id == found_ivan.id and titled("Match completed")(m), 15
    )
    assert "1520 (+20)" in done_kim.text() and "1480 (-20)" in done_ivan.text()

    korean = _read_in(_theirs(standin, kim), HANGUL, CYRILLIC, _latin_allowed(ladder, "ko", "Kim", "Ivan"))
    russian = _read_in(_theirs(standin, ivan), CYRILLIC, HANGUL, _latin_allowed(ladder, "ru", "Kim", "Ivan"))
    # Setup, the queue's setup message and its picks, searching, the match by DM and each of its states.
    assert korean > 15 and russian > 15, (korean, russian)


def test_the_commands_are_synced_in_every_language(bot: BotProcess, standin: StandIn) -> None:
    """The bot's commands carry their names and descriptions in each language, as the stand-in (holding them
    to Discord's rules) accepted them."""
    by_name = {c["name"]: c for c in standin.commands}
    for name in ("queue", "setup", "profile", "leaderboard", "notify"):
        command = by_name[name]
        assert set(command["name_localizations"]) == set(LANGUAGES) - {SOURCE}, name
        assert set(command["description_localizations"]) == set(LANGUAGES) - {SOURCE}, name
    assert by_name["queue"]["name_localizations"]["ko"] == "대기열"
    setup_options = {o["name"]: o for o in by_name["setup"]["options"]}
    assert [c["value"] for c in setup_options["language"]["choices"]] == list(LANGUAGES)
    assert "name_localizations" in setup_options["region"] and setup_options["region"]["name_localizations"]["ru"]


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"name_localizations": {"ko": "대기 열"}}, "APPLICATION_COMMAND_INVALID_NAME"),  # a space
        ({"name_localizations": {"ru": "Очередь"}}, "APPLICATION_COMMAND_INVALID_NAME"),  # a capital
        ({"name_localizations": {"kr": "대기열"}}, "BASE_TYPE_CHOICES"),  # not one of Discord's locales
        ({"description_localizations": {"ko": "가" * 101}}, "BASE_TYPE_BAD_LENGTH"),
    ],
)
def test_the_stand_in_refuses_what_discord_refuses(change: dict[str, object], code: str) -> None:
    command = {"name": "queue", "description": "Join the queue", "type": 1, **change}
    with pytest.raises(DiscordError) as refused:
        check_commands([command])
    assert code in str(refused.value.body())
