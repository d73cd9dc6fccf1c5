"""The leaderboard: a page of the board with its filters shown, and the controls that change them (races, rank,
page, best race only, every country)."""

from __future__ import annotations

from typing import Any

import discord

from bot.drawing import custom_ids
from bot.drawing.board_state import board_state
from bot.drawing.renderings import NEUTRAL_COLOUR, Rendering
from bot.drawing.routed import routed_view
from bot.words import Words
from db.identity import flag
from db.ladder import Ladder
from db.leaderboard import BoardFilter, BoardPage, BoardRow

PAGE = "page"  # the page-jump form's one input


def board_rendering(ladder: Ladder, board: BoardPage, words: Words, note: str | None = None) -> Rendering:
    """`note`: said above the board (the page asked for was past its end, say)."""
    lines = [_row(ladder, row, words) for row in board.rows]
    if not lines:
        lines = [words._("No player matches these filters. Change them below.")]
    embed = discord.Embed(
        title=words._("Leaderboard"),
        description="\n".join(([f"*{note}*", ""] if note else []) + lines),
        colour=NEUTRAL_COLOUR,
    )
    embed.add_field(name=words._("Showing"), value=_filters(ladder, board.chosen, words)[:1024], inline=False)
    embed.set_footer(
        text=words.ngettext(
            "Page {page} of {pages} · {total} entry · rating · won-lost-drawn · rank",
            "Page {page} of {pages} · {total} entries · rating · won-lost-drawn · rank",
            board.total,
            page=words.number(board.page),
            pages=words.number(board.pages),
            total=words.number(board.total),
        )
    )
    return Rendering(embed, routed_view(*_controls(ladder, board, words)))


def _row(ladder: Ladder, row: BoardRow, words: Words) -> str:
    name = (
        discord.utils.escape_markdown(row.display_name)
        if row.display_name
        else words._("Player {id}", id=row.player_id)
    )
    if row.rank is None:
        rank = words._("unranked")
    else:
        badge = next((b.badge for b in ladder.ranks.bands if b.name == row.rank), "")
        rank = f"{badge} {row.rank}".strip()
    place = words.number(row.position)
    return (f"**{place}.** {flag(row.country)} {name} · {words.race(row.race)} · {words.rating(row.rating)}"
            f" · {row.wins}-{row.losses}-{row.draws} · {rank}").replace("  ", " ")  # fmt: skip


def _filters(ladder: Ladder, chosen: BoardFilter, words: Words) -> str:
    if len(chosen.races) == len(ladder.races):
        races = words._("every race")
    else:
        races = words.listing([words.race(r) for r in chosen.races])
    parts = [races]
    if chosen.band is not None:
        parts.append(words._("rank {rank}", rank=chosen.band))
    if chosen.country:
        parts.append(words.country(chosen.country))
    if chosen.best_only:
        parts.append(words._("each player's best race only"))
    return " · ".join(parts)


def _controls(ladder: Ladder, board: BoardPage, words: Words) -> list[discord.ui.Item[Any]]:
    state = board_state(ladder, board.chosen)
    races = discord.ui.Select[discord.ui.View](
        custom_id=custom_ids.board_races(state),
        placeholder=words._("Races")[:150],
        min_values=1,
        max_values=min(len(ladder.races), 25),
        options=[
            discord.SelectOption(label=words.race(r.code)[:100], value=r.code, default=r.code in board.chosen.races)
            for r in ladder.races[:25]
        ],
        row=0,
    )
    bands = discord.ui.Select[discord.ui.View](
        custom_id=custom_ids.board_rank(state),
        placeholder=words._("Rank")[:150],
        options=[
            discord.SelectOption(label=words._("Every rank")[:100], value="all", default=board.chosen.band is None)
        ]
        + [
            discord.SelectOption(
                label=words._("Rank {rank}", rank=b.name)[:100],
                value=str(i),
                emoji=b.badge if _is_emoji(b.badge) else None,
                default=b.name == board.chosen.band,
            )
            for i, b in enumerate(ladder.ranks.bands[:24])
        ],
        row=1,
    )
    first, last = board.page <= 1, board.page >= board.pages
    pages = [
        _button("first", 1, "«", state, disabled=first),
        _button("prev", board.page - 1, words.pgettext("button", "Previous"), state, disabled=first),
        _button("jump", board.page, words.pgettext("button", "Go to page…"), state, disabled=board.pages <= 1),
        _button("next", board.page + 1, words.pgettext("button", "Next"), state, disabled=last),
        _button("last", board.pages, "»", state, disabled=last),
    ]
    best = _button("best", 1, words.pgettext("button", "Best race only"), state, on=board.chosen.best_only)
    toggles: list[discord.ui.Item[Any]] = [best]
    if board.chosen.country:
        toggles.append(_button("world", 1, words.pgettext("button", "Every country"), state))
    for item in toggles:
        item.row = 3
    return [races, bands, *pages, *toggles]


def _is_emoji(badge: str) -> bool:
    """A badge Discord takes as a select option's emoji: no letters or digits of plain text in it."""
    return bool(badge) and not any(c.isascii() for c in badge)


def _button(control: str, page: int, label: str, state: str, *, disabled: bool = False, on: bool = False
            ) -> discord.ui.Button[discord.ui.View]:  # fmt: skip
    return discord.ui.Button(
        label=label[:80],
        style=discord.ButtonStyle.success if on else discord.ButtonStyle.secondary,
        custom_id=custom_ids.board_button(control, page, state),
        disabled=disabled,
        row=2,
    )


def jump_form(ladder: Ladder, board: BoardFilter, pages: int, words: Words) -> discord.ui.Modal:
    """Asks which page to show (routed by its id, `BOARD_JUMP_FORM`, not kept in memory)."""
    form = discord.ui.Modal(title=words._("Go to page")[:45],
                            custom_id=custom_ids.board_jump_form(board_state(ladder, board)), timeout=None)  # fmt: skip
    form.add_item(
        discord.ui.TextInput[Any](
            label=words._("Page (1 to {pages})", pages=words.number(pages))[:45],
            custom_id=PAGE,
            min_length=1,
            max_length=7,
        )
    )
    form.stop()
    return form
