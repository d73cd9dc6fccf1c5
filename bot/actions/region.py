"""/setup: with options, saves what they name at once (a ladder name, a region, a language); without, opens the
guided setup (the profile preview and its names form)."""

from __future__ import annotations

import discord
from discord import app_commands

from bot.actions.player_setup import open_profile
from bot.drawing.refusals import refusal_text
from bot.ladder_client import Interaction, services_of
from bot.languages import LANGUAGES, NATIVE_NAMES
from bot.player_service import SetupRefused
from bot.speaking import client_locale, words_for
from db import identity


async def suggest_countries(interaction: Interaction, typed: str) -> list[app_commands.Choice[str]]:
    """The countries whose name (in the player's language or English) or code fits what they typed so far."""
    words = await words_for(interaction)
    found = identity.find_countries(typed, [words.locale.language, "en"], limit=25)
    return [app_commands.Choice(name=words.country(code)[:100], value=code) for code in found]


async def set_up_by_command(
    interaction: Interaction,
    name: str | None,
    region: str | None,
    language: str | None = None,
    country: str | None = None,
) -> None:
    """A language, when given, is stored either way and everything after this answer is in it."""
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
    if country is not None:
        words = await words_for(interaction)
        code, refused = identity.country(country, [words.locale.language, "en"])
        if refused is not None:
            await interaction.response.send_message(refusal_text(words, refused), ephemeral=True)
            return
        try:
            await services.players.set_country(player_id, code)
        except SetupRefused as err:
            await interaction.response.send_message(refusal_text(words, err.refusal), ephemeral=True)
            return
        if region is None and name is None:
            text = words._("Your country is now {country}.", country=words.country(code) or "—")
            await interaction.response.send_message(text, ephemeral=True)
            return
    if region is None and name is None:
        if language and await services.players.is_set_up(player_id):
            text = words._("Your language is now {language}.", language=NATIVE_NAMES[words.code])
            await interaction.response.send_message(text, ephemeral=True)
            return
        await open_profile(interaction, to_queue=False)
        return
    try:
        saved_name, saved_region = await services.players.set_up(
            player_id, name, region, discord_name=interaction.user.display_name, language=language,
            locale=client_locale(interaction),
        )  # fmt: skip
    except SetupRefused as err:
        await interaction.response.send_message(refusal_text(words, err.refusal), ephemeral=True)
        return
    text = words._("You are set up as **{name}** in {region}. Use /queue to play.",
                   name=discord.utils.escape_markdown(saved_name), region=words.region(saved_region))  # fmt: skip
    await interaction.response.send_message(text, ephemeral=True)
