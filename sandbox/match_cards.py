"""Whether a match card carried what two players need to meet in the game: both players' in-game names and
BattleTags, and the ladder's own instructions, on the card each of them saw when the match was found."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from db.ladder import Ladder
from sandbox.discord_standin import Message
from sandbox.player_view import FOUND, titled_as
from sandbox.players import Profile
from sandbox.reading import match_named


def instructions_shown(ladder: Ladder) -> list[str]:
    """What of the ladder's instructions a card shows as it is in every language: the in-game channel, and the
    mod's name (the sentences around them are in the reader's language)."""
    shown = [ladder.meeting.channel] if ladder.meeting and ladder.meeting.channel else []
    return shown + ([ladder.mod.name] if ladder.mod else [])


def ladder_data(ladder: Ladder) -> list[str]:
    """What the ladder file gives that a card shows as it is, in no language: authors, links, the channel."""
    data = [a for info in ladder.maps.info.values() for a in [info.author, *info.links.values()] if a]
    if ladder.mod:
        data += [ladder.mod.name, *([ladder.mod.author] if ladder.mod.author else []), *ladder.mod.links.values()]
    return data + instructions_shown(ladder)


def card_complete(
    match_id: int,
    seen_by: Mapping[int, Iterable[Message]],
    profiles: Mapping[int, Profile],
    instructions: list[str],
) -> bool:
    """True when each of the match's players saw a found card of it holding everything needed to meet."""
    wanted = [*instructions]
    for profile in profiles.values():
        wanted += [f"`{profile.in_game_name}`", f"`{profile.battletag}`"]
    for messages in seen_by.values():
        cards = [
            version.text()
            for message in messages
            for version in message.versions
            if titled_as(version, FOUND) and match_named(version.text()) == match_id
        ]
        if not any(all(w in card for w in wanted) for card in cards):
            return False
    return True
