"""The match card's player fields: who each player is on the ladder and in the game, so the two can find each
other there (ladder name, flag, Discord mention, race, rating and rank; in-game name, BattleTag, other names)."""

from __future__ import annotations

from bot.drawing.renderings import name, race, rating
from bot.words import Words
from db.payloads import MatchSide


def player_field(words: Words, side: MatchSide) -> str:
    """The lines of one player's field on the card (within an embed field's 1,024 characters)."""
    flag = words.country(side.get("country")).split(" ")[0] if side.get("country") else ""
    mention = f"<@{side['player_id']}>" if isinstance(side.get("player_id"), int) else ""
    rank = side.get("rank")
    ranked = words._("rank {rank}", rank=rank) if rank else words._("unranked")
    head = " ".join(p for p in (flag, f"**{name(words, side)}**", mention) if p)
    lines = [head, f"{race(words, side)} · {rating(words, side.get('rating'))} · {ranked}"]
    in_game = as_in_game(side.get("in_game_name"))
    tag = as_in_game(side.get("battletag"))
    if in_game or tag:
        lines.append("🎮 " + " · ".join(p for p in (in_game, tag) if p))
    others = [as_in_game(n) for n in side.get("alt_names") or [] if isinstance(n, str)]
    if others:
        lines.append(words._("Also plays as {names}", names=words.listing(others)))
    return "\n".join(lines)[:1024]


def as_in_game(text: object) -> str:
    """A name as the game writes it, in a code span (copied as it is; markdown does not apply inside, and a
    backtick, which would end the span, shows as an apostrophe)."""
    if not isinstance(text, str) or not text:
        return ""
    return "`" + text.replace("`", "'") + "`"
