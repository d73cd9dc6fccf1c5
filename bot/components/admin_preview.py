"""Confirm and Cancel under an admin action's preview: hand the press to the preview action."""

from __future__ import annotations

import re
from typing import Any

import discord

from bot.actions.admin_preview import decide
from bot.drawing.custom_ids import PREVIEW_BUTTON
from bot.failures import answers_failure


class PreviewButton(discord.ui.DynamicItem[discord.ui.Item[Any]], template=PREVIEW_BUTTON):
    def __init__(self, item: discord.ui.Item[Any], preview_id: int, decision: str) -> None:
        super().__init__(item)
        self.preview_id = preview_id
        self.decision = decision

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> PreviewButton:
        return cls(item, int(match["preview"]), match["decision"])

    @answers_failure
    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await decide(interaction, self.preview_id, self.decision)
