"""The leaderboard of a race, a page at a time, with Previous and Next."""

from __future__ import annotations

import discord

from bot.drawing import custom_ids
from bot.drawing.renderings import NEUTRAL_COLOUR, Rendering
from bot.drawing.routed import routed_view
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
            _page_button(board.race, board.page - 1, "Previous", disabled=board.page <= 1),
            _page_button(board.race, board.page + 1, "Next", disabled=board.page >= board.pages),
        ),
    )


def _page_button(race: str, page: int, label: str, *, disabled: bool) -> discord.ui.Button[discord.ui.View]:
    return discord.ui.Button(
        label=label,
        style=discord.ButtonStyle.secondary,
        custom_id=custom_ids.page_button(race, page),
        disabled=disabled,
    )
