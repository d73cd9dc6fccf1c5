"""The guided setup's controls: the rules' Accept, the profile's buttons, its region and language selects. Each
hands the press to the setup action."""

from __future__ import annotations

import re
from typing import Any

import discord

from bot.actions.player_setup import accept_rules, pick_language, pick_region, press_profile
from bot.drawing.custom_ids import LANGUAGE_SELECT, PROFILE_BUTTON, REGION_SELECT, RULES_BUTTON
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


class LanguageSelect(discord.ui.DynamicItem[discord.ui.Item[Any]], template=LANGUAGE_SELECT):
    def __init__(self, item: discord.ui.Item[Any], player_id: int) -> None:
        super().__init__(item)
        self.player_id = player_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> LanguageSelect:
        return cls(item, int(match["player"]))

    @answers_failure
    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await pick_language(interaction, self.player_id)


class ProfileButton(discord.ui.DynamicItem[discord.ui.Item[Any]], template=PROFILE_BUTTON):
    def __init__(self, item: discord.ui.Item[Any], action: str, player_id: int) -> None:
        super().__init__(item)
        self.action = action
        self.player_id = player_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> ProfileButton:
        return cls(item, match["action"], int(match["player"]))

    @answers_failure
    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await press_profile(interaction, self.action, self.player_id)


class RulesButton(discord.ui.DynamicItem[discord.ui.Item[Any]], template=RULES_BUTTON):
    def __init__(self, item: discord.ui.Item[Any], player_id: int) -> None:
        super().__init__(item)
        self.player_id = player_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> RulesButton:
        return cls(item, int(match["player"]))

    @answers_failure
    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await accept_rules(interaction, self.player_id)
