"""The dispute message in the admins' channel: both reports, and a button for each way to settle it."""

from __future__ import annotations

import re
from typing import Any

import discord

from bot.failures import answers_failure
from bot.renderings import WARNING_COLOUR, Rendering, name, race
from bot.services import services_of
from bot.views.routed import routed_view
from db.admin import RESOLUTIONS

_LABELS = {"player1": "{p1} won", "player2": "{p2} won", "draw": "Draw", "invalidate": "Invalidate"}
_WHY = {
    "reports_differ": "The two reports disagree.",
    "one_report": "Only one player reported in time.",
    "no_report": "Nobody reported in time.",
}


def dispute_rendering(payload: dict[str, Any]) -> Rendering:
    match_id = payload.get("match_id")
    players = [p for p in payload.get("players", []) if isinstance(p, dict)][:2]
    lines = [_WHY.get(str(payload.get("end_reason")), "The result is in question.")]
    for n, p in enumerate(players, start=1):
        lines.append(f"player{n}: **{name(p)}** ({race(p)}, {p.get('rating')}) reported: {p.get('report') or '—'}")
    embed = discord.Embed(title=f"Match #{match_id} disputed", description="\n".join(lines), colour=WARNING_COLOUR)
    if not isinstance(match_id, int) or len(players) != 2:
        return Rendering(embed)
    # Button labels are plain text: the names as they are, not escaped for markdown.
    names = {
        f"p{n}": str(p.get("display_name") or f"Player {p.get('player_id')}")[:30] for n, p in enumerate(players, 1)
    }
    buttons = [ResolveButton(match_id, result, _LABELS[result].format(**names)) for result in RESOLUTIONS]
    return Rendering(embed, routed_view(*buttons))


class ResolveButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"^ladder:resolve:(?P<match>[0-9]{1,19}):(?P<result>player1|player2|draw|invalidate)$",
):
    def __init__(self, match_id: int, result: str, label: str | None = None) -> None:
        style = discord.ButtonStyle.danger if result == "invalidate" else discord.ButtonStyle.primary
        super().__init__(
            discord.ui.Button(
                label=(label or result)[:80], style=style, custom_id=f"ladder:resolve:{match_id}:{result}"
            )
        )
        self.match_id = match_id
        self.result = result

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> ResolveButton:
        return cls(int(match["match"]), match["result"])

    @answers_failure
    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        from bot.admin_commands import is_admin, post_to_admin_log  # the admin commands import the views

        if not is_admin(interaction):
            await interaction.response.send_message("Only the ladder's admins can settle a dispute.", ephemeral=True)
            return
        done = await services_of(interaction).admin.resolve(interaction.user.id, self.match_id, self.result)
        if not done.changed:
            await interaction.response.send_message(done.summary, ephemeral=True)
            return
        embed = interaction.message.embeds[0] if interaction.message and interaction.message.embeds else None
        settled = discord.Embed(
            title=f"Match #{self.match_id} resolved",
            description=(embed.description + "\n\n" if embed and embed.description else "")
            + f"Settled by {interaction.user.mention}: {self.result}.",
            colour=discord.Colour.dark_grey(),
        )
        await interaction.response.edit_message(embed=settled, view=None)
        await post_to_admin_log(interaction.client, f"{interaction.user} ({interaction.user.id}): {done.summary}")
