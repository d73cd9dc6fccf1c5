"""The reason form of a dispute's resolve button, routed by its custom id (discord.py routes only forms it holds in
memory, and the bot holds none: a restart between the press and the form loses nothing)."""

from __future__ import annotations

import re
from typing import Any

import discord

from bot.actions.resolve import reason_given
from bot.drawing.custom_ids import REASON_FORM
from bot.failures import answers_failure

_FORM = re.compile(REASON_FORM)


def reason_form_of(interaction: discord.Interaction[Any]) -> tuple[int, str] | None:
    """The match and result a submitted reason form settles; None for any other interaction."""
    if interaction.type is not discord.InteractionType.modal_submit:
        return None
    data: Any = interaction.data or {}
    found = _FORM.match(str(data.get("custom_id", ""))[:100])
    return (int(found["match"]), found["result"]) if found else None


class ReasonForm:
    def __init__(self, match_id: int, result: str) -> None:
        self.match_id = match_id
        self.result = result

    @answers_failure
    async def submitted(self, interaction: discord.Interaction[Any]) -> None:
        await reason_given(interaction, self.match_id, self.result)
