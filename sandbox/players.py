"""A simulated player's steps through the stand-in, as a person would click them: /queue, pick, Join, Cancel.

The e2e tests and the demo both play through these, so both press exactly the buttons the bot shows.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from db.ladder import Ladder
from sandbox.discord_standin import InteractionResult, Message, StandIn

MATCH_FOOTER = re.compile(r"Match #(\d+)")


class PlayerStepFailed(AssertionError):
    """The bot did not answer a step the way a player needs it to."""


async def open_queue(standin: StandIn, user_id: int, *, in_dm: bool = False, region: str = "EU") -> Message:
    """/queue; a player new to the ladder is asked for their region first, and picks it."""
    message = _answered(await standin.run_command(user_id, "queue", in_dm=in_dm), "/queue")
    if f"ladder:region:{user_id}" in message.custom_ids():
        result = await standin.pick(user_id, message.id, f"ladder:region:{user_id}", [region])
        message = _answered(result, "pick region")
    return message


async def choose(
    standin: StandIn, ladder: Ladder, user_id: int, setup: Message, races: Sequence[str], vetoes: Sequence[str] = ()
) -> Message:
    """Picks each race in its side's select and the vetoes, as separate interactions (as Discord sends them)."""
    message = setup
    for race in races:
        side = ladder.race_by_code[race].side or "all"
        result = await standin.pick(user_id, message.id, f"ladder:race:{side}:{user_id}", [race])
        message = _answered(result, f"pick {race}")
    if vetoes:
        result = await standin.pick(user_id, message.id, f"ladder:veto:{user_id}", list(vetoes))
        message = _answered(result, "pick vetoes")
    return message


async def join(standin: StandIn, user_id: int, setup: Message) -> InteractionResult:
    return await standin.press_button(user_id, setup.id, f"ladder:join:{user_id}")


async def queue_up(
    standin: StandIn,
    ladder: Ladder,
    user_id: int,
    races: Sequence[str],
    vetoes: Sequence[str] = (),
    *,
    in_dm: bool = False,
) -> Message:
    """/queue, the picks, Join: the searching message the player now looks at."""
    setup = await open_queue(standin, user_id, in_dm=in_dm)
    setup = await choose(standin, ladder, user_id, setup, races, vetoes)
    searching = _answered(await join(standin, user_id, setup), "Join")
    if "Searching" not in searching.text():
        raise PlayerStepFailed(f"player {user_id} pressed Join and saw: {searching.text()[:300]!r}")
    return searching


async def cancel(standin: StandIn, user_id: int, searching: Message) -> Message:
    return _answered(await standin.press_button(user_id, searching.id, f"ladder:cancel:{user_id}"), "Cancel")


async def press_on_match(standin: StandIn, user_id: int, message: Message, action: str, match_id: int) -> Message:
    """Presses one of the match view's buttons (confirm, abort, won, lost, draw, requeue)."""
    result = await standin.press_button(user_id, message.id, f"ladder:{action}:{match_id}:{user_id}")
    return _answered(result, action)


def titled(title: str) -> Callable[[Message], bool]:
    """A message whose embed now carries this title."""
    return lambda m: bool(m.embeds) and m.embeds[0].get("title", "").startswith(title)


def match_shown(message: Message) -> int | None:
    """The match id a message shows as found, if it does."""
    if not message.embeds or message.embeds[0].get("title") != "Match found":
        return None
    found = MATCH_FOOTER.search(message.text())
    return int(found.group(1)) if found else None


def match_ever_shown(message: Message) -> int | None:
    """The match id the message showed as found at some point (it may have moved on to later states since)."""
    for version in message.versions:
        if version.embeds and version.embeds[0].get("title") == "Match found":
            found = MATCH_FOOTER.search(version.text())
            if found:
                return int(found.group(1))
    return None


def match_first_shown_at(message: Message) -> float | None:
    """When the message first showed a match (the stand-in's clock), if it ever did."""
    return next((v.at for v in message.versions if v.embeds and v.embeds[0].get("title") == "Match found"), None)


def matches_seen(standin: StandIn, user_id: int) -> list[int]:
    """Every match the player's messages show, once per message that shows one."""
    return [m for m in (match_shown(msg) for msg in standin.messages_seen_by(user_id)) if m is not None]


async def wait_for_match(standin: StandIn, user_id: int, timeout: float = 30.0) -> Message:
    return await standin.wait_for_message(user_id, lambda m: match_shown(m) is not None, timeout)


def _answered(result: InteractionResult, step: str) -> Message:
    if result.failed or not result.answered or result.message is None:
        raise PlayerStepFailed(f"{step}: the bot did not answer in time (failed={result.failed})")
    return result.message
