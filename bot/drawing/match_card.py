"""The match card's player fields: who each player is on the ladder and in the game, so the two can find each
other there (ladder name, flag, Discord mention, race, rating and rank; in-game name, BattleTag, other names)."""

from __future__ import annotations

from bot.drawing.renderings import name, race, rating
from bot.words import Words
from db.identity import flag
from db.payloads import MatchSide


def player_head(words: Words, side: MatchSide) -> str:
    """Who the player is on the ladder: flag, ladder name and Discord mention (an embed pings nobody)."""
    mention = f"<@{side['player_id']}>" if isinstance(side.get("player_id"), int) else ""
    return " ".join(p for p in (flag(side.get("country")), f"**{name(words, side)}**", mention) if p)


def player_field(words: Words, side: MatchSide) -> str:
    """The lines of one player's field on the card (within an embed field's 1,024 characters)."""
    rank = side.get("rank")
    ranked = words._("rank {rank}", rank=rank) if rank else words._("unranked")
    lines = [player_head(words, side), f"{race(words, side)} · {rating(words, side.get('rating'))} · {ranked}"]
    in_game = as_in_game(side.get("in_game_name"))
    tag = as_in_game(side.get("battletag"))
    if in_game or tag:
        lines.append("🎮 " + " · ".join(p for p in (in_game, tag) if p))
    others = [as_in_game(n) for n in side.get("alt_names") or [] if isinstance(n, str)]
    if others:
        lines.append(words._("Also plays as {names}", names=words.listing(others)))
    return "\n".join(lines)[:1024]


def map_field(words: Words, map_name: str | None, server: str | None) -> str:
    """The map, its author, and the link to it for the match's server region."""
    if not map_name:
        return words._("any map")
    ladder = words.names.source
    info = ladder.maps.info.get(map_name) if ladder else None
    shown = f"**{words.map(map_name)}**"
    if info and info.author:
        shown = words._("{name} by {author}", name=shown, author=info.author)
    link = ladder.map_link(map_name, server) if ladder else None
    return (shown + (f"\n{as_in_game(link)}" if link else ""))[:1024]


def meeting_field(words: Words, server: str | None) -> str | None:
    """How to meet in the game: the ladder's instructions, its in-game channel, and the mod with its link."""
    ladder = words.names.source
    if ladder is None or (ladder.meeting is None and ladder.mod is None):
        return None
    lines = []
    if ladder.meeting is not None:
        lines.append(words.names.meeting)
        if ladder.meeting.channel:
            lines.append(words._("In-game channel: {channel}", channel=as_in_game(ladder.meeting.channel)))
    if ladder.mod is not None:
        mod = f"**{ladder.mod.name}**"
        if ladder.mod.author:
            mod = words._("{name} by {author}", name=mod, author=ladder.mod.author)
        link = ladder.mod_link(server)
        lines.append(words._("Mod: {mod}", mod=mod) + (f"\n{as_in_game(link)}" if link else ""))
    return "\n".join(lines)[:1024]


def as_in_game(text: object) -> str:
    """A name as the game writes it, in a code span (copied as it is; markdown does not apply inside, and a
    backtick, which would end the span, shows as an apostrophe)."""
    if not isinstance(text, str) or not text:
        return ""
    return "`" + text.replace("`", "'") + "`"
