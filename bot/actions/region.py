"""Setting up a player: /setup, and the region pick of a first setup (which then opens the queue's setup message)."""

from __future__ import annotations

import discord

from bot.actions.owner import belongs_to
from bot.actions.setup import picked_values, queue_setup
from bot.drawing.player_setup import region_embed, region_view
from bot.drawing.refusals import refusal_text
from bot.ladder_client import Interaction, services_of
from bot.languages import LANGUAGES, NATIVE_NAMES
from bot.player_service import SetupRefused
from bot.speaking import client_locale, words_for


async def pick_region(interaction: Interaction, player_id: int) -> None:
    if not await belongs_to(interaction, player_id):
        return
    services = services_of(interaction)
    words = await words_for(interaction)
    picked = picked_values(interaction)
    region = picked[0][:16] if picked else ""
    try:
        name, region = await services.players.set_up(
            player_id, interaction.user.display_name, region, locale=client_locale(interaction)
        )
    except SetupRefused as err:
        await interaction.response.send_message(refusal_text(words, err.refusal), ephemeral=True)
        return
    embed, view = await queue_setup(services, player_id, words)
    set_up = words._("You are set up as **{name}** in {region}.", name=discord.utils.escape_markdown(name),
                     region=words.region(region))  # fmt: skip
    embed.description = f"{set_up}\n\n{embed.description or ''}"
    await interaction.response.edit_message(embed=embed, view=view)


async def set_up_by_command(
    interaction: Interaction, name: str | None, region: str | None, language: str | None = None
) -> None:
    """/setup: with a region, saves the name and region; without one, offers the region pick. A language, when
    given, is stored either way and everything after this answer is in it."""
    services = services_of(interaction)
    player_id = interaction.user.id
    if language is not None and language not in LANGUAGES:  # Discord offers only the choices: a forged value
        words = await words_for(interaction)
        listed = ", ".join(NATIVE_NAMES[code] for code in LANGUAGES)
        text = words._("That is not a language this bot speaks. Pick one of: {languages}.", languages=listed)
        await interaction.response.send_message(text, ephemeral=True)
        return
    if language is not None:
        await services.players.set_language(player_id, language)
        services.languages.remember(player_id, language)
    words = await words_for(interaction)
    if region is None:
        text = words._("Your language is now {language}.", language=NATIVE_NAMES[words.code]) if language else ""
        if language and await services.players.is_set_up(player_id) and name is None:
            await interaction.response.send_message(text, ephemeral=True)
            return
        await interaction.response.send_message(
            embed=region_embed(words, text), view=region_view(services.ladder, player_id, words), ephemeral=True
        )
        return
    try:
        saved_name, saved_region = await services.players.set_up(
            player_id, name or interaction.user.display_name, region, language=language,
            locale=client_locale(interaction),
        )  # fmt: skip
    except SetupRefused as err:
        await interaction.response.send_message(refusal_text(words, err.refusal), ephemeral=True)
        return
    text = words._("You are set up as **{name}** in {region}. Use /queue to play.",
                   name=discord.utils.escape_markdown(saved_name), region=words.region(saved_region))  # fmt: skip
    await interaction.response.send_message(text, ephemeral=True)
