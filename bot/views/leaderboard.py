"""The leaderboard of a race, a page at a time, with Previous and Next. Anyone may page it."""

from __future__ import annotations

import re
from typing import Any

import discord

from bot.failures import answers_failure
from bot.renderings import NEUTRAL_COLOUR, Rendering
from bot.services import services_of
from bot.views.routed import routed_view
from db.ladder import Ladder
from db.players import BoardPage


def board_rendering(ladder: Ladder, board: BoardPage) -> Rendering:
    race = ladder.race_by_code[board.race].name if board.race in ladder.race_by_code else board.race
    lines = []
    for row in board.rows:
        name = discord.utils.escape_markdown(row.display_name or f"Player {row.player_id}")
        rank = row.rank or "unranked"
        lines.append(f"**{row.position}.** {name} · {round(row.rating)} · {row.wins}-{row.losses}-{row.draws} · {rank}")
    embed = discord.Embed(
        title=f"Leaderboard — {race}",
        description="\n".join(lines) or "Nobody has played this race yet.",
        colour=NEUTRAL_COLOUR,
    )
    embed.set_footer(text=f"Page {board.page} of {board.pages} · rating · won-lost-drawn · rank")
    return Rendering(
        embed,
        routed_view(
            PageButton(board.race, board.page - 1, "Previous", disabled=board.page <= 1),
            PageButton(board.race, board.page + 1, "Next", disabled=board.page >= board.pages),
        ),
    )


class PageButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"^ladder:board:(?P<page>[0-9]{1,7}):(?P<race>[a-z0-9_]{1,32})$",
):
    def __init__(self, race: str, page: int, label: str = "Page", *, disabled: bool = False) -> None:
        super().__init__(
            discord.ui.Button(
                label=label,
                style=discord.ButtonStyle.secondary,
                custom_id=f"ladder:board:{max(page, 0)}:{race}",
                disabled=disabled,
            )
        )
        self.race = race
        self.page = page

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> PageButton:
        return cls(match["race"], int(match["page"]))

    @answers_failure
    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        services = services_of(interaction)
        if self.race not in services.ladder.race_by_code:
            await interaction.response.send_message("That race is not on this ladder any more.", ephemeral=True)
            return
        board = await services.players.leaderboard(self.race, self.page)
        await interaction.response.edit_message(**board_rendering(services.ladder, board).kwargs())
