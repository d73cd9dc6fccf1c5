"""The buttons on a dispute in the admins' channel: hand the press to the resolve action."""

from __future__ import annotations

import re
from typing import Any

import discord

from bot.actions.resolve import resolve_dispute
from bot.drawing.custom_ids import RESOLVE_BUTTON
from bot.failures import answers_failure


class ResolveButton(discord.ui.DynamicItem[discord.ui.Item[Any]], template=RESOLVE_BUTTON):
    def __init__(self, item: discord.ui.Item[Any], match_id: int, result: str) -> None:
        super().__init__(item)
        self.match_id = match_id
        self.result = result

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> ResolveButton:
        return cls(item, int(match["match"]), match["result"])

    @answers_failure
    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await resolve_dispute(interaction, self.match_id, self.result)
