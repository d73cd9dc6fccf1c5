"""The leaderboard of a race, a page at a time, with Previous and Next."""

from __future__ import annotations

import discord

from bot.drawing import custom_ids
from bot.drawing.renderings import NEUTRAL_COLOUR, Rendering
from bot.drawing.routed import routed_view
from bot.words import Words
from db.ladder import Ladder
from db.players import BoardPage


def board_rendering(ladder: Ladder, board: BoardPage, words: Words) -> Rendering:
    lines = []
    for row in board.rows:
        if row.display_name:
            name = discord.utils.escape_markdown(row.display_name)
        else:
            name = words._("Player {id}", id=row.player_id)
        rank = row.rank or words._("unranked")
        lines.append(
            f"**{row.position}.** {name} · {words.rating(row.rating)} · {row.wins}-{row.losses}-{row.draws} · {rank}"
        )
    embed = discord.Embed(
        title=words._("Leaderboard — {race}", race=words.race(board.race)),
        description="\n".join(lines) or words._("Nobody has played this race yet."),
        colour=NEUTRAL_COLOUR,
    )
    embed.set_footer(text=words._("Page {page} of {pages} · rating · won-lost-drawn · rank", page=board.page,
                                  pages=board.pages))  # fmt: skip
    return Rendering(
        embed,
        routed_view(
            _page_button(board.race, board.page - 1, words.pgettext("button", "Previous"), disabled=board.page <= 1),
            _page_button(
                board.race, board.page + 1, words.pgettext("button", "Next"), disabled=board.page >= board.pages
            ),
        ),
    )


def _page_button(race: str, page: int, label: str, *, disabled: bool) -> discord.ui.Button[discord.ui.View]:
    return discord.ui.Button(
        label=label[:80],
        style=discord.ButtonStyle.secondary,
        custom_id=custom_ids.page_button(race, page),
        disabled=disabled,
    )
