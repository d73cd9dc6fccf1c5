"""The setup a player does once before the first game: the region select (their name is their Discord name
unless /setup gives another). Picking a region saves the setup and opens the queue."""

from __future__ import annotations

import re
from typing import Any

import discord

from bot.failures import answers_failure
from bot.player_service import SetupRefused
from bot.renderings import NEUTRAL_COLOUR
from bot.services import services_of
from bot.views.owner import belongs_to
from bot.views.routed import routed_view
from db.ladder import Ladder


def region_embed(text: str = "") -> discord.Embed:
    lines = [text] if text else []
    lines.append("Pick the region you play from: it decides the server of your matches.")
    return discord.Embed(title="Set up your ladder profile", description="\n".join(lines), colour=NEUTRAL_COLOUR)


def region_view(ladder: Ladder, player_id: int) -> discord.ui.View:
    return routed_view(RegionSelect(ladder, player_id))


class RegionSelect(discord.ui.DynamicItem[discord.ui.Select[Any]], template=r"^ladder:region:(?P<player>[0-9]{1,20})$"):
    def __init__(self, ladder: Ladder, player_id: int) -> None:
        super().__init__(
            discord.ui.Select(
                custom_id=f"ladder:region:{player_id}",
                placeholder="Your region",
                min_values=1,
                max_values=1,
                options=[discord.SelectOption(label=r.name[:100], value=r.code) for r in ladder.regions[:25]],
            )
        )
        self.player_id = player_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> RegionSelect:
        return cls(services_of(interaction).ladder, int(match["player"]))

    @answers_failure
    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        if not await belongs_to(interaction, self.player_id):
            return
        from bot.views.setup import initial_state, setup_embed, setup_view  # the queue view offers this one

        services = services_of(interaction)
        data: Any = interaction.data or {}
        values = data.get("values") if isinstance(data.get("values"), list) else []
        region = str(values[0])[:16] if values else ""
        try:
            name, region = await services.players.set_up(self.player_id, interaction.user.display_name, region)
        except SetupRefused as err:
            await interaction.response.send_message(err.message, ephemeral=True)
            return
        last = await services.queue.last_choice(self.player_id)
        state = initial_state(services.ladder, last.races if last else (), last.vetoes if last else ())
        embed = setup_embed(services.ladder)
        region_name = services.ladder.region_by_code[region].name
        embed.description = f"You are set up as **{discord.utils.escape_markdown(name)}** in {region_name}.\n\n" + (
            embed.description or ""
        )
        await interaction.response.edit_message(embed=embed, view=setup_view(services.ladder, self.player_id, state))
