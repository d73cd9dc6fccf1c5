"""The buttons on a player's match message: each hands the press to the match action."""

from __future__ import annotations

import re
from typing import Any

import discord

from bot.actions.match import act_on_match
from bot.drawing.custom_ids import MATCH_BUTTON
from bot.failures import answers_failure


class MatchButton(discord.ui.DynamicItem[discord.ui.Item[Any]], template=MATCH_BUTTON):
    def __init__(self, item: discord.ui.Item[Any], action: str, match_id: int, player_id: int) -> None:
        super().__init__(item)
        self.action = action
        self.match_id = match_id
        self.player_id = player_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> MatchButton:
        return cls(item, match["action"], int(match["match"]), int(match["player"]))

    @answers_failure
    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await act_on_match(interaction, self.action, self.match_id, self.player_id)
