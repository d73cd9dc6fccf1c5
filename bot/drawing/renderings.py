"""The pieces every view is drawn with: a message's whole content, colours, names, ratings and timestamps."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import discord

from bot.words import Words
from db.payloads import MatchPayload, MatchSide, QueueEndedPayload, SomeoneWaitingPayload

FOUND_COLOUR = discord.Colour.green()
NEUTRAL_COLOUR = discord.Colour.blurple()
ENDED_COLOUR = discord.Colour.dark_grey()
WARNING_COLOUR = discord.Colour.orange()


@dataclass(frozen=True)
class Rendering:
    """A message's whole content: `view=None` removes any buttons the message had."""

    embed: discord.Embed
    view: discord.ui.View | None = None
    # A new message's text above the embed, and whom it may ping (an embed pings nobody): the staff role.
    content: str | None = None
    mentions: discord.AllowedMentions | None = None

    def kwargs(self) -> dict[str, Any]:
        return {"content": None, "embed": self.embed, "view": self.view}

    def send_kwargs(self) -> dict[str, Any]:
        """For a new message, where "no view" is said by leaving it out."""
        sent: dict[str, Any] = {"embed": self.embed, "view": self.view} if self.view else {"embed": self.embed}
        if self.content:
            sent["content"] = self.content
            sent["allowed_mentions"] = self.mentions or discord.AllowedMentions.none()
        return sent


def render_expired(payload: QueueEndedPayload, _player_id: int, _type: str, words: Words) -> Rendering:
    minutes = round(float(payload.get("waited_s", 0)) / 60)
    embed = discord.Embed(
        title=words._("Queue expired"),
        description=words.ngettext(
            "Nobody was found for you in {count} minute, so you left the queue. Use /queue to join again.",
            "Nobody was found for you in {count} minutes, so you left the queue. Use /queue to join again.",
            minutes,
        ),
        colour=ENDED_COLOUR,
    )
    return Rendering(embed)


def render_removed(payload: QueueEndedPayload, _player_id: int, _type: str, words: Words) -> Rendering:
    why = payload.get("why")
    if why == "removed":
        text = words._("An admin took you out of the queue. Use /queue to join again.")
    elif why == "cleared":
        text = words._("An admin cleared the queue. Use /queue to join again.")
    elif why == "banned":
        text = words._("You are banned from this ladder, so you left the queue.")
    else:
        text = words._("You left the queue. Use /queue to join again.")
    return Rendering(left_queue_embed(words, text))


def render_someone_waiting(payload: SomeoneWaitingPayload, _player_id: int, _type: str, words: Words) -> Rendering:
    races = [words.race(r) for r in payload.get("races", []) if isinstance(r, str)]
    count = payload.get("waiting") or 1
    if races:
        waiting = words.ngettext(
            "{count} player is waiting for a game ({races}).",
            "{count} players are waiting for a game ({races}).",
            count,
            races=words.either(races)[:200],
        )
    else:
        waiting = words.ngettext(
            "{count} player is waiting for a game.", "{count} players are waiting for a game.", count
        )
    embed = discord.Embed(
        title=words._("Someone is looking for a game"),
        description=waiting + " " + words._("Use /queue to play them. (/notify off stops these messages.)"),
        colour=NEUTRAL_COLOUR,
    )
    return Rendering(embed)


def render_other(payload: dict[str, Any], _player_id: int, type_: str, words: Words) -> Rendering:
    """An event this bot does not know yet (a newer backend): a neutral note rather than nothing."""
    match_id = payload.get("match_id")
    text = words._("Match #{match} changed.", match=match_id) if match_id else words._("Something changed.")
    embed = discord.Embed(title=words._("Ladder update"), description=text, colour=NEUTRAL_COLOUR)
    return Rendering(embed)


def sides(payload: MatchPayload, player_id: int) -> tuple[MatchSide | None, MatchSide | None]:
    """The player's own side of a match payload, and their opponent's."""
    players = [p for p in payload.get("players", []) if isinstance(p, dict)]
    me = next((p for p in players if p.get("player_id") == player_id), None)
    opponent = next((p for p in players if p.get("player_id") != player_id), None)
    return me, opponent


def name(words: Words, player: MatchSide) -> str:
    shown = player.get("display_name")
    if not shown:
        return words._("Player {id}", id=player.get("player_id", "?"))
    return discord.utils.escape_markdown(str(shown))


def plain_name(words: Words, player: MatchSide) -> str:
    """For a button label, which shows no markdown: the name as it is."""
    return str(player.get("display_name") or words._("Player {id}", id=player.get("player_id", "?")))


def race(words: Words, player: MatchSide) -> str:
    return words.race(player.get("race"), player.get("race_name"))


def rating(words: Words, value: object) -> str:
    return words.rating(float(value)) if isinstance(value, int | float) else "?"


def rating_after(words: Words, side: MatchSide, new_ratings: dict[str, float]) -> str:
    """A player's rating once the match is settled (the new one where the payload has it) and how it moved."""
    new = new_ratings.get(str(side.get("player_id")))
    change = side.get("rating_change")
    moved = f" ({words.signed(change)})" if isinstance(change, int | float) else ""
    return rating(words, new if new is not None else side.get("rating")) + moved


def report_name(words: Words, report: object) -> str:
    """A player's report of their game, as a noun: "a **win**"."""
    if report == "win":
        return words.pgettext("report", "win")
    if report == "loss":
        return words.pgettext("report", "loss")
    if report == "draw":
        return words.pgettext("report", "draw")
    return str(report)


def left_queue_embed(words: Words, text: str) -> discord.Embed:
    return discord.Embed(title=words._("Not in the queue"), description=text, colour=ENDED_COLOUR)


def timestamp(moment: datetime, style: str = "R") -> str:
    """Discord renders this in each reader's own clock and language, and keeps it counting."""
    return f"<t:{int(moment.timestamp())}:{style}>"


def iso_timestamp(value: object, style: str = "R") -> str | None:
    """A payload's ISO time as a Discord timestamp; None when it is missing or not a time."""
    if not isinstance(value, str):
        return None
    try:
        return timestamp(datetime.fromisoformat(value), style)
    except ValueError:
        return None
