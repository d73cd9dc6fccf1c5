"""The reason form of a dispute's resolve button, routed by its custom id (bot/components/forms.py)."""

from __future__ import annotations

import re
from typing import Any

import discord

from bot.actions.resolve import reason_given
from bot.components.forms import submitted_form
from bot.drawing.custom_ids import REASON_FORM
from bot.failures import answers_failure

_FORM = re.compile(REASON_FORM)


def reason_form_of(interaction: discord.Interaction[Any]) -> tuple[int, str] | None:
    """The match and result a submitted reason form settles; None for any other interaction."""
    found = submitted_form(interaction, _FORM)
    return (int(found["match"]), found["result"]) if found else None


class ReasonForm:
    def __init__(self, match_id: int, result: str) -> None:
        self.match_id = match_id
        self.result = result

    @answers_failure
    async def submitted(self, interaction: discord.Interaction[Any]) -> None:
        await reason_given(interaction, self.match_id, self.result)
