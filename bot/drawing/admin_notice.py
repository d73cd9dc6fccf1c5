"""A direct message to a player from the ladder's admins: what they did (a ban, its lifting, a rating change, a
match settled) and the reason they gave, in the player's language."""

from __future__ import annotations

import discord

from bot.drawing.renderings import NEUTRAL_COLOUR, WARNING_COLOUR, Rendering
from bot.words import Words
from db.payloads import AdminNoticePayload


def render_admin_notice(payload: AdminNoticePayload, player_id: int, _type: str, words: Words) -> Rendering:
    action = payload.get("action")
    colour = NEUTRAL_COLOUR
    if action == "banned":
        text, colour = words._("An admin banned you from this ladder."), WARNING_COLOUR
    elif action == "unbanned":
        text = words._("An admin lifted your ban: you can queue again.")
    elif action == "rating":
        text = words._(
            "An admin changed your {race} rating: {old} → {new}.",
            race=words.race(str(payload.get("race"))),
            old=_rating(words, payload.get("old")),
            new=_rating(words, payload.get("new")),
        )
    elif action == "resolved":
        sides = payload.get("sides") or []
        slot = sides.index(player_id) + 1 if player_id in sides else None
        text = words._("An admin settled match #{match}: {outcome}.", match=payload.get("match_id", "?"),
                       outcome=_outcome(words, payload.get("resolution"), slot))  # fmt: skip
    else:
        text = words._("An admin changed something about your place on the ladder.")
    reason = payload.get("reason")
    if reason:
        text += "\n" + words._("Reason: {reason}", reason=discord.utils.escape_markdown(str(reason))[:1000])
    embed = discord.Embed(title=words._("From the ladder's admins"), description=text, colour=colour)
    return Rendering(embed)


def _rating(words: Words, value: object) -> str:
    return words.rating(float(value)) if isinstance(value, int | float) else "?"


def _outcome(words: Words, resolution: object, slot: int | None) -> str:
    if resolution == "draw":
        return words._("a draw")
    if resolution in ("player1", "player2") and slot is not None:
        return words._("you won") if resolution == f"player{slot}" else words._("you lost")
    if resolution == "invalidate":
        return words._("it does not count, and no rating moved")
    return words._("the result is recorded")
