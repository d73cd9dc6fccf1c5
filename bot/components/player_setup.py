"""The region select of a player's first setup: hands the pick to the region action."""

from __future__ import annotations

import re
from typing import Any

import discord

from bot.actions.region import pick_region
from bot.drawing.custom_ids import REGION_SELECT
from bot.failures import answers_failure


class RegionSelect(discord.ui.DynamicItem[discord.ui.Item[Any]], template=REGION_SELECT):
    def __init__(self, item: discord.ui.Item[Any], player_id: int) -> None:
        super().__init__(item)
        self.player_id = player_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> RegionSelect:
        return cls(item, int(match["player"]))

    @answers_failure
    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await pick_region(interaction, self.player_id)
