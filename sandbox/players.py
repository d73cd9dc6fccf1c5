"""A simulated player's steps through the stand-in, as a person would click them: /queue, pick, Join, Cancel,
and the buttons of a match.

The e2e tests, the demo and the chaos run all play through these, so all press exactly the buttons the bot
shows. A step looks at the message as it is when the player acts: a button that is no longer there (a wave, the
opponent or an admin moved the message on) is not pressed, and the step returns the message as it now stands
for the player to decide again. Only a bot that does not answer a press in time makes a step raise.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from db.ladder import Ladder
from sandbox.discord_standin import InteractionResult, Message, StandIn
from sandbox.player_view import FOUND, Shows, look, shows, titled_as
from sandbox.reading import match_named


class PlayerStepFailed(AssertionError):
    """The bot did not answer a step the way a player needs it to."""


async def open_queue(
    standin: StandIn, user_id: int, *, in_dm: bool = False, region: str = "EUW", identity: Profile | None = None
) -> Message:
    """/queue; a player new to the ladder reads and accepts its rules, then sets up their profile (their names
    in the form, their region) and saves it, which opens the queue's setup."""
    message = _answered(await standin.run_command(user_id, "queue", in_dm=in_dm), "/queue")
    message = await _press_shown(standin, user_id, message, f"ladder:rules:{user_id}", "accept the rules")
    if look(standin, message).component(f"ladder:profile:play:{user_id}") is None:
        return message
    return await set_up_profile(standin, user_id, message, identity or Profile.of(user_id, region))


# Countries typed as a player would: a code, or a name in English.
_COUNTRIES = ("KR", "DE", "Brazil", "us", "France", "Russia", "CN", "Poland", "Canada", "Sweden", "Peru", "TW")


@dataclass(frozen=True)
class Profile:
    """What a simulated player types into the setup: their names, country and region."""

    ladder_name: str
    in_game_name: str
    battletag: str
    region: str
    alt_names: str = ""
    country: str = ""

    @classmethod
    def of(cls, user_id: int, region: str) -> Profile:
        """A player's own names, made from their id (a ladder name is unique, so it carries the id); one player
        in three has another name they play as."""
        tail = str(user_id)[-9:]
        country = _COUNTRIES[user_id % len(_COUNTRIES)]
        alt = f"Smurf{tail}" if user_id % 3 == 0 else ""
        return cls(f"P{tail}", f"Gamer{tail}", f"Gamer#{int(tail) % 9000 + 1000}", region, alt, country)

    def names(self) -> list[str]:
        """What the bot shows of this player as it is (no translation applies to a name)."""
        return [n for n in (self.ladder_name, self.in_game_name, self.battletag, self.alt_names) if n]

    def form(self) -> dict[str, str]:
        return {"ladder_name": self.ladder_name, "in_game_name": self.in_game_name, "battletag": self.battletag,
                "alt_names": self.alt_names, "country": self.country}  # fmt: skip


async def set_up_profile(standin: StandIn, user_id: int, preview: Message, profile: Profile) -> Message:
    """On the profile preview: the names form filled in and sent, the region picked, then Save and play. The
    message as it then stands (the queue's setup, or the preview with what the bot refused)."""
    opened = await standin.press_button(user_id, preview.id, f"ladder:profile:names:{user_id}")
    if not opened.answered or opened.failed or standin.open_modal(user_id) is None:
        raise PlayerStepFailed(f"player {user_id} pressed Enter your names and no form opened")
    message = _answered(await standin.submit_modal(user_id, profile.form()), "send the names form")
    message = await _pick_shown(standin, user_id, message, f"ladder:region:{user_id}", [profile.region], "region")
    return await _press_shown(standin, user_id, message, f"ladder:profile:play:{user_id}", "Save and play")


async def choose(
    standin: StandIn, ladder: Ladder, user_id: int, setup: Message, races: Sequence[str], vetoes: Sequence[str] = ()
) -> Message:
    """Picks each race in its side's select and the vetoes, as separate interactions (as Discord sends them)."""
    message = setup
    for race in races:
        side = ladder.race_by_code[race].side or "all"
        message = await _pick_shown(standin, user_id, message, f"ladder:race:{side}:{user_id}", [race], f"pick {race}")
    if vetoes:
        message = await _pick_shown(standin, user_id, message, f"ladder:veto:{user_id}", list(vetoes), "pick vetoes")
    return message


async def join(standin: StandIn, user_id: int, setup: Message) -> InteractionResult:
    """Presses Join (the setup message must show it: see `queue_again` for the step that looks first)."""
    result = await standin.press_button(user_id, setup.id, f"ladder:join:{user_id}")
    if _notice_on(result.message) is None:
        return result
    await _understood(standin, user_id, result.message)
    return await standin.press_button(user_id, setup.id, f"ladder:join:{user_id}")


async def queue_again(
    standin: StandIn,
    ladder: Ladder,
    user_id: int,
    races: Sequence[str],
    vetoes: Sequence[str] = (),
    *,
    in_dm: bool = False,
    profile: Profile | None = None,
) -> Message:
    """/queue, the picks, Join: the searching message, or what the bot showed instead (a refusal, the match the
    player is already in, a cooldown). `profile`: what a player new to the ladder sets up."""
    setup = await open_queue(standin, user_id, in_dm=in_dm, identity=profile)
    if shows(setup) is not Shows.SETUP:
        return setup
    setup = await choose(standin, ladder, user_id, setup, races, vetoes)
    answer = await _press_shown(standin, user_id, setup, f"ladder:join:{user_id}", "Join")
    if _notice_on(answer) is None:
        return answer
    await _understood(standin, user_id, answer)
    return await _press_shown(standin, user_id, setup, f"ladder:join:{user_id}", "Join")


async def queue_up(
    standin: StandIn,
    ladder: Ladder,
    user_id: int,
    races: Sequence[str],
    vetoes: Sequence[str] = (),
    *,
    in_dm: bool = False,
    profile: Profile | None = None,
) -> Message:
    """/queue, the picks, Join: the searching message the player now looks at. Raises PlayerStepFailed when
    the bot put them somewhere else (for tests and runs that need the player in the queue)."""
    searching = await queue_again(standin, ladder, user_id, races, vetoes, in_dm=in_dm, profile=profile)
    if shows(searching) is not Shows.SEARCHING:
        raise PlayerStepFailed(f"player {user_id} pressed Join and saw: {searching.text()[:300]!r}")
    return searching


async def cancel(standin: StandIn, user_id: int, searching: Message) -> Message:
    """Cancel, if the message still offers it; the message as it then stands (left, or the match a wave found)."""
    return await _press_shown(standin, user_id, searching, f"ladder:cancel:{user_id}", "Cancel")


async def press_on_match(standin: StandIn, user_id: int, message: Message, action: str, match_id: int) -> Message:
    """Presses one of the match view's buttons (confirm, abort, won, lost, draw, requeue) if the message still
    shows it; the message as it then stands."""
    return await _press_shown(standin, user_id, message, f"ladder:{action}:{match_id}:{user_id}", action)


def titled(title: str) -> Callable[[Message], bool]:
    """A message whose embed now carries this title (its English source text), in any language."""
    return lambda m: titled_as(m, title)


def match_shown(message: Message) -> int | None:
    """The match id a message shows as found, if it does."""
    return match_named(message.text()) if titled_as(message, FOUND) else None


def matches_found_in(message: Message, title: str = FOUND) -> dict[int, float]:
    """Every match the message ever showed under this title (it may have moved on since, and a message a player
    took back to the queue can show a second match), each with when it first did (the stand-in's clock)."""
    found: dict[int, float] = {}
    for version in message.versions:
        if titled_as(version, title):
            match = match_named(version.text())
            if match is not None:
                found.setdefault(match, version.at)
    return found


def match_first_shown_at(message: Message) -> float | None:
    """When the message first showed a match (the stand-in's clock), if it ever did."""
    return min(matches_found_in(message).values(), default=None)


def matches_seen(standin: StandIn, user_id: int) -> list[int]:
    """Every match the player's messages show, once per message that shows one."""
    return [m for m in (match_shown(msg) for msg in standin.messages_seen_by(user_id)) if m is not None]


async def wait_for_match(standin: StandIn, user_id: int, timeout: float = 30.0) -> Message:
    return await standin.wait_for_message(user_id, lambda m: match_shown(m) is not None, timeout)


async def _press_shown(standin: StandIn, user_id: int, message: Message, custom_id: str, step: str) -> Message:
    current = look(standin, message)
    if current.deleted or current.component(custom_id) is None:
        return current
    try:
        result = await standin.press_button(user_id, current.id, custom_id)
    except LookupError:  # gone in the instant between the look and the press
        return look(standin, current)
    return _answered(result, step)


async def _pick_shown(
    standin: StandIn, user_id: int, message: Message, custom_id: str, values: list[str], step: str
) -> Message:
    current = look(standin, message)
    if current.deleted or current.component(custom_id) is None:
        return current
    try:
        result = await standin.pick(user_id, current.id, custom_id, values)
    except LookupError:
        return look(standin, current)
    return _answered(result, step)


def _notice_on(message: Message | None) -> str | None:
    """The Understood button of the ladder's notices, when the bot showed them instead of joining."""
    found = [c for c in (message.custom_ids() if message is not None else []) if c.startswith("ladder:notice:")]
    return found[0] if found else None


async def _understood(standin: StandIn, user_id: int, message: Message | None) -> None:
    """Reads the notices and presses Understood (the player's next Join goes through)."""
    button = _notice_on(message)
    if message is not None and button is not None:
        await _press_shown(standin, user_id, message, button, "Understood")


def _answered(result: InteractionResult, step: str) -> Message:
    if result.failed or not result.answered or result.message is None:
        raise PlayerStepFailed(f"{step}: the bot did not answer in time (failed={result.failed})")
    return result.message
