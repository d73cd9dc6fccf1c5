"""The controls of the /queue setup message: race selects, the map-veto select, and Join."""

from __future__ import annotations

import re
from typing import Any

import discord

from bot.actions.join import acknowledge_notices, press_join
from bot.actions.setup import pick_races, pick_vetoes
from bot.drawing.custom_ids import JOIN_BUTTON, NOTICE_BUTTON, RACE_SELECT, VETO_SELECT
from bot.failures import answers_failure


class RaceSelect(discord.ui.DynamicItem[discord.ui.Item[Any]], template=RACE_SELECT):
    def __init__(self, item: discord.ui.Item[Any], side: str, player_id: int) -> None:
        super().__init__(item)
        self.side = side
        self.player_id = player_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> RaceSelect:
        return cls(item, match["side"], int(match["player"]))

    @answers_failure
    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await pick_races(interaction, self.side, self.player_id)


class VetoSelect(discord.ui.DynamicItem[discord.ui.Item[Any]], template=VETO_SELECT):
    def __init__(self, item: discord.ui.Item[Any], player_id: int) -> None:
        super().__init__(item)
        self.player_id = player_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> VetoSelect:
        return cls(item, int(match["player"]))

    @answers_failure
    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await pick_vetoes(interaction, self.player_id)


class JoinButton(discord.ui.DynamicItem[discord.ui.Item[Any]], template=JOIN_BUTTON):
    def __init__(self, item: discord.ui.Item[Any], player_id: int) -> None:
        super().__init__(item)
        self.player_id = player_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> JoinButton:
        return cls(item, int(match["player"]))

    @answers_failure
    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await press_join(interaction, self.player_id)


class NoticeButton(discord.ui.DynamicItem[discord.ui.Item[Any]], template=NOTICE_BUTTON):
    def __init__(self, item: discord.ui.Item[Any], places: list[int], player_id: int) -> None:
        super().__init__(item)
        self.places = places
        self.player_id = player_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> NoticeButton:
        return cls(item, [int(p) for p in match["notices"].split("_")], int(match["player"]))

    @answers_failure
    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await acknowledge_notices(interaction, self.places, self.player_id)
