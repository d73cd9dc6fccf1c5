"""An admin settles a dispute from its message in the admins' channel: a button per result, a form for the reason
both players will read, then the preview to confirm."""

from __future__ import annotations

from bot.actions.form_values import form_values
from bot.admin_access import is_admin
from bot.admin_service import MAX_REASON, clean_reason
from bot.drawing.admin_notes import admin_summary
from bot.drawing.admin_preview import preview_text, preview_view
from bot.drawing.dispute import REASON, reason_form
from bot.ladder_client import Interaction, services_of

NOT_ADMIN = "Only the ladder's admins can settle a dispute."


async def resolve_dispute(interaction: Interaction, match_id: int, result: str) -> None:
    """The button: asks for the reason first (nothing is settled until the form comes back)."""
    if not is_admin(interaction):
        await interaction.response.send_message(NOT_ADMIN, ephemeral=True)
        return
    await interaction.response.send_modal(reason_form(match_id, result, MAX_REASON))


async def reason_given(interaction: Interaction, match_id: int, result: str) -> None:
    """The form sent back: what settling would do, shown to the admin with Confirm and Cancel; Confirm settles it
    and the dispute post says who settled it how (bot/actions/admin_preview.py)."""
    if not is_admin(interaction):
        await interaction.response.send_message(NOT_ADMIN, ephemeral=True)
        return
    reason = form_values(interaction.data, (REASON,), MAX_REASON + 1).get(REASON, "")
    message = interaction.message
    params = {"match": match_id, "resolution": result, "reason": reason}
    if message is not None:
        params["post"] = [message.channel.id, message.id]
    previewed = await services_of(interaction).admin.preview(interaction.user.id, "dispute_resolve", params)
    if previewed.preview_id is None:
        await interaction.response.send_message(admin_summary(previewed.done)[:2000], ephemeral=True)
        return
    text = preview_text(previewed.done, previewed.names, clean_reason(reason))
    await interaction.response.send_message(text[:2000], view=preview_view(previewed.preview_id), ephemeral=True)
