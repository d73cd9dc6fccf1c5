"""An admin action's preview: what it would do (ratings old → new, a warning for an old match), with Confirm and
Cancel (English only: admins' texts)."""

from __future__ import annotations

import discord

from bot.drawing import custom_ids
from bot.drawing.admin_notes import admin_summary
from bot.drawing.routed import routed_view
from db.admin import Done, Note

# A match settled again after this long: the players have long moved on, and later matches move with it.
OLD_MATCH_H = 24


def preview_text(done: Done, names: dict[int, str], reason: str | None) -> str:
    params = dict(done.params)
    if done.note is Note.RESOLVED:
        lines = [f"Match #{params['match']}: {params['was']} → {params['resolution']}."]
        age = float(params.get("age_h", 0))
        if age > OLD_MATCH_H:
            lines.append(f"⚠ This match ended {_age(age)} ago, more than {OLD_MATCH_H} hours.")
        if params.get("recomputed"):
            lines.append(f"Later matches recomputed: {params['recomputed']}.")
    else:
        lines = [admin_summary(done)]
    for player, race, old, new in done.moves[:15]:
        who = discord.utils.escape_markdown(names.get(player, str(player)))
        lines.append(f"· {who} ({player}) {race}: {round(old)} → {round(new)}")
    if len(done.moves) > 15:
        lines.append(f"· and {len(done.moves) - 15} more ratings")
    if reason:
        lines.append(f"Reason: {discord.utils.escape_markdown(reason)}")
    lines.append("Nothing is changed until you confirm.")
    return "**Preview**\n" + "\n".join(lines)


def _age(hours: float) -> str:
    return f"{hours / 24:.1f} days" if hours >= 48 else f"{hours:.0f} hours"


def preview_view(preview_id: int) -> discord.ui.View:
    return routed_view(
        discord.ui.Button(label="Confirm", style=discord.ButtonStyle.danger,
                          custom_id=custom_ids.preview_button(preview_id, "confirm")),
        discord.ui.Button(label="Cancel", style=discord.ButtonStyle.secondary,
                          custom_id=custom_ids.preview_button(preview_id, "cancel")),
    )  # fmt: skip
