"""Cancel, on the searching message: hands the press to the cancel action."""

from __future__ import annotations

import re
from typing import Any

import discord

from bot.actions.cancel import cancel_queue
from bot.drawing.custom_ids import CANCEL_BUTTON
from bot.failures import answers_failure


class CancelButton(discord.ui.DynamicItem[discord.ui.Item[Any]], template=CANCEL_BUTTON):
    def __init__(self, item: discord.ui.Item[Any], player_id: int) -> None:
        super().__init__(item)
        self.player_id = player_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> CancelButton:
        return cls(item, int(match["player"]))

    @answers_failure
    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await cancel_queue(interaction, self.player_id)
