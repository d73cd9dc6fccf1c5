"""The names form's submission, routed by its custom id (bot/components/forms.py)."""

from __future__ import annotations

import re
from typing import Any

import discord

from bot.actions.player_setup import names_submitted
from bot.components.forms import submitted_form
from bot.drawing.custom_ids import NAMES_FORM
from bot.failures import answers_failure

_FORM = re.compile(NAMES_FORM)


def form_owner(interaction: discord.Interaction[Any]) -> int | None:
    """The player a submitted names form belongs to; None for any other interaction."""
    found = submitted_form(interaction, _FORM)
    return int(found["player"]) if found else None


class NamesForm:
    def __init__(self, player_id: int) -> None:
        self.player_id = player_id

    @answers_failure
    async def submitted(self, interaction: discord.Interaction[Any]) -> None:
        await names_submitted(interaction, self.player_id)
