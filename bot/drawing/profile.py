"""A player's profile: ratings per race with record and rank, and their last matches."""

from __future__ import annotations

import discord

from bot.drawing.renderings import NEUTRAL_COLOUR
from db.ladder import Ladder
from db.players import Profile

_RESULT = {"win": "won", "loss": "lost", "draw": "drew"}


def profile_embed(ladder: Ladder, profile: Profile) -> discord.Embed:
    name = discord.utils.escape_markdown(profile.display_name or f"Player {profile.player_id}")
    known = ladder.region_by_code.get(profile.region or "")
    region = known.name if known else "not set"
    embed = discord.Embed(title=f"{name}", description=f"Region: {region}", colour=NEUTRAL_COLOUR)
    if profile.banned:
        embed.description = (embed.description or "") + "\nBanned from this ladder."
    for s in profile.standings[:10]:
        race = ladder.race_by_code[s.race].name if s.race in ladder.race_by_code else s.race
        rank = f"rank {s.rank} (#{s.position})" if s.rank else "unranked"
        embed.add_field(
            name=race, value=f"{round(s.rating)} · {s.wins}-{s.losses}-{s.draws} ({s.games} games) · {rank}"
        )
    if not profile.standings:
        embed.add_field(name="Ratings", value="No games yet.", inline=False)
    lines = []
    for m in profile.recent:
        opponent = discord.utils.escape_markdown(m.opponent_name or f"Player {m.opponent_id}")
        outcome = _RESULT.get(m.result or "", m.state.replace("_", " "))
        change = f" ({m.rating_change:+.0f})" if m.rating_change is not None else ""
        lines.append(f"#{m.match_id} vs {opponent}: {outcome}{change}")
    embed.add_field(name="Last matches", value="\n".join(lines) or "None yet.", inline=False)
    return embed
