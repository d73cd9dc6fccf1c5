"""Previous and Next on a leaderboard: hand the press to the page action. Anyone may page it."""

from __future__ import annotations

import re
from typing import Any

import discord

from bot.actions.leaderboard import turn_page
from bot.drawing.custom_ids import PAGE_BUTTON
from bot.failures import answers_failure


class PageButton(discord.ui.DynamicItem[discord.ui.Item[Any]], template=PAGE_BUTTON):
    def __init__(self, item: discord.ui.Item[Any], race: str, page: int) -> None:
        super().__init__(item)
        self.race = race
        self.page = page

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> PageButton:
        return cls(item, match["race"], int(match["page"]))

    @answers_failure
    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await turn_page(interaction, self.race, self.page)
