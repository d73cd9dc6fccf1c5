"""Forms (modals) are routed by their custom id: discord.py routes only a form it still holds in memory, and the
bot holds none, so a restart between opening a form and sending it loses nothing."""

from __future__ import annotations

import re
from typing import Any

import discord


def submitted_form(interaction: discord.Interaction[Any], form: re.Pattern[str]) -> re.Match[str] | None:
    """The submitted form's custom id matched against `form`; None for any other interaction."""
    if interaction.type is not discord.InteractionType.modal_submit:
        return None
    data: Any = interaction.data or {}
    return form.match(str(data.get("custom_id", ""))[:100])
