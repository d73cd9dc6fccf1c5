"""The slash commands: thin, each hands over to a service and a view."""

from __future__ import annotations

from typing import Any

import discord
from discord import app_commands

from bot.actions.setup import queue_setup
from bot.answer_in_time import Reply, answer_privately
from bot.drawing.leaderboard import board_rendering
from bot.drawing.player_setup import region_embed, region_view
from bot.drawing.profile import profile_embed
from bot.drawing.refusals import refusal_text
from bot.ladder_client import Interaction, services_of
from bot.player_service import SetupRefused

_EVERYWHERE = {"guilds": True, "dms": True, "private_channels": False}


def _private(interaction: Interaction) -> bool:
    # Private in a server channel; in a DM it is private anyway, and a plain message can be edited later
    # with the bot token once the interaction token has expired.
    return interaction.guild_id is not None


@app_commands.command(name="queue", description="Pick your races and map vetoes, then join the ladder's queue.")
@app_commands.allowed_contexts(**_EVERYWHERE)
@app_commands.allowed_installs(guilds=True, users=False)
async def queue_command(interaction: Interaction) -> None:
    services = services_of(interaction)
    player_id = interaction.user.id
    if not await services.players.is_set_up(player_id):
        await interaction.response.send_message(
            embed=region_embed("Before your first game, set up your ladder profile."),
            view=region_view(services.ladder, player_id),
            ephemeral=_private(interaction),
        )
        return
    embed, view = await queue_setup(services, player_id)
    await interaction.response.send_message(embed=embed, view=view, ephemeral=_private(interaction))


@app_commands.command(name="setup", description="Set the name other players see and the region you play from.")
@app_commands.describe(name="The name other players see (your Discord name if left out)", region="Your region code")
@app_commands.allowed_contexts(**_EVERYWHERE)
@app_commands.allowed_installs(guilds=True, users=False)
async def setup_command(
    interaction: Interaction,
    name: app_commands.Range[str, 1, 100] | None = None,
    region: app_commands.Range[str, 1, 100] | None = None,
) -> None:
    services = services_of(interaction)
    if region is None:
        await interaction.response.send_message(
            embed=region_embed(), view=region_view(services.ladder, interaction.user.id), ephemeral=True
        )
        return
    try:
        saved_name, saved_region = await services.players.set_up(
            interaction.user.id, name or interaction.user.display_name, region
        )
    except SetupRefused as err:
        await interaction.response.send_message(refusal_text(err.refusal), ephemeral=True)
        return
    region_name = services.ladder.region_by_code[saved_region].name
    await interaction.response.send_message(
        f"You are set up as **{discord.utils.escape_markdown(saved_name)}** in {region_name}. Use /queue to play.",
        ephemeral=True,
    )


@app_commands.command(name="profile", description="A player's ratings, record, rank and last matches.")
@app_commands.describe(player="Whose profile (yours if left out)")
@app_commands.allowed_contexts(**_EVERYWHERE)
@app_commands.allowed_installs(guilds=True, users=False)
async def profile_command(interaction: Interaction, player: discord.User | None = None) -> None:
    await answer_privately(interaction, _profile(interaction, player or interaction.user))


async def _profile(interaction: Interaction, whom: discord.User | discord.Member) -> Reply:
    services = services_of(interaction)
    profile = await services.players.profile(whom.id)
    if profile is None:
        mine = whom.id == interaction.user.id
        return {
            "content": "You have not played yet. Use /queue to start."
            if mine
            else "That player has not played on this ladder yet."
        }
    return {"embed": profile_embed(services.ladder, profile)}


@app_commands.command(name="leaderboard", description="The ladder's best players of a race.")
@app_commands.describe(race="The race's code (the first race if left out)", page="Which page")
@app_commands.allowed_contexts(**_EVERYWHERE)
@app_commands.allowed_installs(guilds=True, users=False)
async def leaderboard_command(
    interaction: Interaction,
    race: app_commands.Range[str, 1, 100] | None = None,
    page: app_commands.Range[int, 1, 1_000_000] = 1,
) -> None:
    services = services_of(interaction)
    ladder = services.ladder
    code = (race or ladder.races[0].code).strip().lower()
    if code not in ladder.race_by_code:
        listed = ", ".join(f"{r.code} ({r.name})" for r in ladder.races)
        await interaction.response.send_message(f"That is not a race of this ladder. Pick one of: {listed}."[:1900],
                                                ephemeral=True)  # fmt: skip
        return
    await answer_privately(interaction, _board(interaction, code, page))


async def _board(interaction: Interaction, race: str, page: int) -> Reply:
    services = services_of(interaction)
    board = await services.players.leaderboard(race, page)
    return board_rendering(services.ladder, board).send_kwargs()


@app_commands.command(
    name="notify", description="A direct message when someone joins the queue while you are not in it."
)
@app_commands.describe(setting="on or off")
@app_commands.choices(
    setting=[app_commands.Choice(name="on", value="on"), app_commands.Choice(name="off", value="off")]
)
@app_commands.allowed_contexts(**_EVERYWHERE)
@app_commands.allowed_installs(guilds=True, users=False)
async def notify_command(interaction: Interaction, setting: str) -> None:
    services = services_of(interaction)
    if setting not in ("on", "off"):  # Discord offers only the two choices; anything else is forged
        await interaction.response.send_message("Use /notify on or /notify off.", ephemeral=True)
        return
    on = setting == "on"
    await services.players.set_notify(interaction.user.id, on)
    minutes = round(services.ladder.notify.cooldown_s / 60)
    text = (
        f"You will get a direct message when someone joins the queue while you are not in it "
        f"(at most one every {minutes} minutes). /notify off stops them."
        if on
        else "No more messages when someone joins the queue."
    )
    await interaction.response.send_message(text, ephemeral=True)


COMMANDS: list[app_commands.Command[Any, Any, Any]] = [
    queue_command,
    setup_command,
    profile_command,
    leaderboard_command,
    notify_command,
]
