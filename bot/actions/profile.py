"""/profile: a player's ratings, record, rank and last matches, and then their rating history as a picture."""

from __future__ import annotations

import asyncio

import discord

from bot.answer_in_time import Reply, answer_privately
from bot.drawing.charts import RATING_FILE, rating_chart_words, with_chart
from bot.drawing.profile import profile_embed
from bot.ladder_client import Interaction, services_of
from bot.speaking import words_for
from db.players import Profile


async def show_profile(interaction: Interaction, whom: discord.User | discord.Member) -> None:
    """The profile at once; the chart, drawn by a worker, is added to the same message when it comes."""
    services = services_of(interaction)
    found = asyncio.ensure_future(services.players.profile(whom.id))
    await answer_privately(interaction, _profile(interaction, whom, found))
    profile = found.result() if found.done() and not found.exception() else None
    if profile is None or not any(s.games for s in profile.standings):
        return
    words = await words_for(interaction)
    picture = await services.charts.draw("rating", {"player_id": profile.player_id}, rating_chart_words(profile, words))
    if picture:
        shown = with_chart(profile_embed(services.ladder, profile, words), picture, RATING_FILE)
        await interaction.edit_original_response(embed=shown["embed"], attachments=[shown["file"]])


async def _profile(
    interaction: Interaction, whom: discord.User | discord.Member, found: asyncio.Future[Profile | None]
) -> Reply:
    services = services_of(interaction)
    words = await words_for(interaction)
    profile = await found
    if profile is None:
        if whom.id == interaction.user.id:
            return {"content": words._("You have not played yet. Use /queue to start.")}
        return {"content": words._("That player has not played on this ladder yet.")}
    return {"embed": profile_embed(services.ladder, profile, words)}
