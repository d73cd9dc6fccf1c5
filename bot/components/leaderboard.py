"""A leaderboard's controls: page buttons, best race only, every country, the races and rank selects, and the
page-jump form. Each reads the board it belongs to from its id and hands the press to the board actions. Anyone
may use them (the board is public standing)."""

from __future__ import annotations

import re
from typing import Any

import discord

from bot.actions.leaderboard import jump, pick_races, pick_rank, press
from bot.components.forms import submitted_form
from bot.drawing.board_state import board_of
from bot.drawing.custom_ids import BOARD_BUTTON, BOARD_JUMP_FORM, BOARD_RACES, BOARD_RANK
from bot.failures import answers_failure
from bot.ladder_client import services_of
from db.leaderboard import BoardFilter

_JUMP = re.compile(BOARD_JUMP_FORM)


def _board(interaction: discord.Interaction[Any], match: re.Match[str]) -> BoardFilter | None:
    return board_of(services_of(interaction).ladder, match)


class BoardButton(discord.ui.DynamicItem[discord.ui.Item[Any]], template=BOARD_BUTTON):
    def __init__(self, item: discord.ui.Item[Any], control: str, page: int, board: BoardFilter | None) -> None:
        super().__init__(item)
        self.control = control
        self.page = page
        self.board = board

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> BoardButton:
        return cls(item, match["control"], int(match["page"]), _board(interaction, match))

    @answers_failure
    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await press(interaction, self.control, self.page, self.board)


class BoardRacesSelect(discord.ui.DynamicItem[discord.ui.Item[Any]], template=BOARD_RACES):
    def __init__(self, item: discord.ui.Item[Any], board: BoardFilter | None) -> None:
        super().__init__(item)
        self.board = board

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> BoardRacesSelect:
        return cls(item, _board(interaction, match))

    @answers_failure
    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await pick_races(interaction, self.board)


class BoardRankSelect(discord.ui.DynamicItem[discord.ui.Item[Any]], template=BOARD_RANK):
    def __init__(self, item: discord.ui.Item[Any], board: BoardFilter | None) -> None:
        super().__init__(item)
        self.board = board

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> BoardRankSelect:
        return cls(item, _board(interaction, match))

    @answers_failure
    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await pick_rank(interaction, self.board)


def jump_form_of(interaction: discord.Interaction[Any]) -> re.Match[str] | None:
    """The submitted page-jump form's id; None for any other interaction."""
    return submitted_form(interaction, _JUMP)


class JumpForm:
    def __init__(self, found: re.Match[str]) -> None:
        self.found = found

    @answers_failure
    async def submitted(self, interaction: discord.Interaction[Any]) -> None:
        await jump(interaction, _board(interaction, self.found))
