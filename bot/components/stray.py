"""Answers component interactions discord.py would drop: a custom id that is not on the pressed message.

Only a modified client sends one (a forged id, or one copied from another player's message); it still gets
a polite answer, and nothing changes.
"""

from __future__ import annotations

import re
from typing import Any

import discord

from bot.drawing.custom_ids import OWNED
from bot.speaking import words_for

_OWNER = re.compile(OWNED)


def is_stray(interaction: discord.Interaction[Any]) -> bool:
    if interaction.type is not discord.InteractionType.component:
        return False
    data: Any = interaction.data or {}
    custom_id = data.get("custom_id")
    if not isinstance(custom_id, str) or interaction.message is None:
        return False
    return custom_id not in _custom_ids(interaction.message.components)


async def answer_stray(interaction: discord.Interaction[Any]) -> None:
    data: Any = interaction.data or {}
    owner = _OWNER.match(str(data.get("custom_id", ""))[:100])
    words = await words_for(interaction)
    if owner is not None and int(owner["player"]) != interaction.user.id:
        text = words._("This button belongs to another player. Use /queue to open your own.")
    else:
        text = words._("That control is not on this message any more. Use /queue to start again.")
    await interaction.response.send_message(text, ephemeral=True)


def _custom_ids(components: list[Any]) -> set[str]:
    found: set[str] = set()
    for component in components:
        custom_id = getattr(component, "custom_id", None)
        if custom_id:
            found.add(custom_id)
        found |= _custom_ids(list(getattr(component, "children", [])))
    return found
