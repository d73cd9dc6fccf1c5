"""The dispute message in the admins' channel: both reports, and a button for each way to settle it.

Admins' texts stay in English (docs/LANGUAGES.md); the ladder's own names are its default ones."""

from __future__ import annotations

from typing import Any

import discord

from bot.drawing import custom_ids
from bot.drawing.renderings import WARNING_COLOUR, Rendering, name, race
from bot.drawing.replay import replay_summary
from bot.drawing.routed import routed_view
from bot.words import Words
from db.admin import RESOLUTIONS
from db.payloads import MatchPayload

_LABELS = {"player1": "{p1} won", "player2": "{p2} won", "draw": "Draw", "invalidate": "Invalidate"}
_WHY = {
    "reports_differ": "The two reports disagree.",
    "one_report": "Only one player reported in time.",
    "no_report": "Nobody reported in time.",
    "replay_differs": "The replay disagrees with a report.",
}


def dispute_rendering(payload: MatchPayload, words: Words, staff_role_id: int | None = None) -> Rendering:
    """`words`: the source language's, for the players' names and races. With a staff role, the post pings it
    (and nobody else)."""
    match_id = payload.get("match_id")
    players = [p for p in payload.get("players", []) if isinstance(p, dict)][:2]
    lines = [_WHY.get(str(payload.get("end_reason")), "The result is in question.")]
    for n, p in enumerate(players, start=1):
        lines.append(
            f"player{n}: **{name(words, p)}** ({race(words, p)}, {p.get('rating')}) reported: {p.get('report') or '—'}"
        )
    embed = discord.Embed(title=f"Match #{match_id} disputed", description="\n".join(lines), colour=WARNING_COLOUR)
    replay = payload.get("replay")
    if replay is not None:
        embed.add_field(name="Replay (evidence)", value=replay_summary(replay, payload, None, words), inline=False)
    ping: dict[str, Any] = {}
    if staff_role_id:
        only_staff = discord.AllowedMentions(everyone=False, users=False, roles=[discord.Object(staff_role_id)])
        ping = {"content": f"<@&{staff_role_id}>", "mentions": only_staff}
    if not isinstance(match_id, int) or len(players) != 2:
        return Rendering(embed, **ping)
    # Button labels are plain text: the names as they are, not escaped for markdown.
    names = {
        f"p{n}": str(p.get("display_name") or f"Player {p.get('player_id')}")[:30] for n, p in enumerate(players, 1)
    }
    buttons = [_resolve_button(match_id, result, _LABELS[result].format(**names)) for result in RESOLUTIONS]
    return Rendering(embed, routed_view(*buttons), **ping)


# The reason's text input on the form a resolve button opens.
REASON = "reason"


def reason_form(match_id: int, result: str, most: int) -> discord.ui.Modal:
    """Asks the admin why, before the match is settled: both players read it."""
    form = discord.ui.Modal(title=f"Settle match #{match_id}: {result}"[:45],
                            custom_id=custom_ids.reason_form(match_id, result), timeout=None)  # fmt: skip
    reason = discord.ui.TextInput[Any](label="Reason (both players read it)", custom_id=REASON,
                                       style=discord.TextStyle.paragraph, min_length=1, max_length=most)  # fmt: skip
    form.add_item(reason)
    form.stop()  # routed by its id (`REASON_FORM`), not kept in memory
    return form


def _resolve_button(match_id: int, result: str, label: str) -> discord.ui.Button[discord.ui.View]:
    style = discord.ButtonStyle.danger if result == "invalidate" else discord.ButtonStyle.primary
    return discord.ui.Button(label=label[:80], style=style, custom_id=custom_ids.resolve_button(match_id, result))
