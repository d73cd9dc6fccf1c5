"""A player's profile: per race their rating, record, rank, win rate, when they last played it and their record
of the last days; and their last matches."""

from __future__ import annotations

import discord

from bot.drawing.match_card import as_in_game
from bot.drawing.renderings import NEUTRAL_COLOUR, timestamp
from bot.words import Words
from db.ladder import Ladder
from db.players import RECORD_DAYS, Profile, RaceStanding, Record


def profile_embed(ladder: Ladder, profile: Profile, words: Words) -> discord.Embed:
    if profile.display_name:
        name = discord.utils.escape_markdown(profile.display_name)
    else:
        name = words._("Player {id}", id=profile.player_id)
    region = words.region(profile.region) or words._("not set")
    flag = words.country(profile.country).split(" ")[0] if profile.country else ""
    lines = [words._("Region: {region}", region=region)]
    in_game = [as_in_game(n) for n in (profile.in_game_name, profile.battletag) if n]
    if in_game:
        lines.append("🎮 " + " · ".join(in_game))
    if profile.alt_names:
        others = [as_in_game(n) for n in profile.alt_names]
        lines.append(words._("Also plays as {names}", names=words.listing(others)))
    embed = discord.Embed(title=f"{flag} {name}".strip(), description="\n".join(lines), colour=NEUTRAL_COLOUR)
    if profile.banned:
        embed.description = (embed.description or "") + "\n" + words._("Banned from this ladder.")
    for s in profile.standings[:10]:
        rank = words._("rank {rank} (#{position})", rank=s.rank, position=s.position) if s.rank else words._("unranked")
        record = words.ngettext(
            "{rating} · {wins}-{losses}-{draws} ({count} game) · {rank}",
            "{rating} · {wins}-{losses}-{draws} ({count} games) · {rank}",
            s.games,
            rating=words.rating(s.rating), wins=s.wins, losses=s.losses, draws=s.draws, rank=rank,
        )  # fmt: skip
        embed.add_field(name=words.race(s.race), value=_standing_lines(words, s, record))
    if not profile.standings:
        embed.add_field(name=words._("Ratings"), value=words._("No games yet."), inline=False)
    lines = []
    for m in profile.recent:
        if m.opponent_name:
            opponent = discord.utils.escape_markdown(m.opponent_name)
        else:
            opponent = words._("Player {id}", id=m.opponent_id)
        change = f" ({words.signed(m.rating_change)})" if m.rating_change is not None else ""
        line = words._("#{match} vs {opponent}: {outcome}", match=m.match_id, opponent=opponent,
                       outcome=_outcome(words, m.result, m.state))  # fmt: skip
        lines.append(line + change)
    embed.add_field(name=words._("Last matches"), value="\n".join(lines)[:1024] or words._("None yet."), inline=False)
    if not any(s.games for s in profile.standings):
        embed.set_footer(text=words._("A chart of the rating over time comes with the first completed match."))
    return embed


def _standing_lines(words: Words, s: RaceStanding, record: str) -> str:
    """The race's rating, record and rank; its win rate and when it was last played; its recent record."""
    lines = [record]
    played = []
    if s.win_rate is not None:
        played.append(words._("win rate {rate}", rate=words.percent(s.win_rate)))
    if s.last_played_at is not None:
        played.append(words._("last played {when}", when=timestamp(s.last_played_at)))
    if played:
        lines.append(" · ".join(played))
    if s.games:
        lately = []
        for days in RECORD_DAYS:
            r = s.lately.get(days, Record())
            lately.append(words.ngettext("last {count} day: {record}", "last {count} days: {record}", days,
                                         record=f"{r.wins}-{r.losses}-{r.draws}"))  # fmt: skip
        lines.append(" · ".join(lately))
    return "\n".join(lines)[:1024]


def _outcome(words: Words, result: str | None, state: str) -> str:
    if result == "win":
        return words._("won")
    if result == "loss":
        return words._("lost")
    if result == "draw":
        return words._("drew")
    if state == "awaiting_confirmation":
        return words._("waiting for confirmation")
    if state == "confirmed":
        return words._("being played")
    if state == "aborted":
        return words._("aborted")
    if state == "disputed":
        return words._("disputed")
    if state == "invalidated":
        return words._("invalidated")
    return words._("completed")
