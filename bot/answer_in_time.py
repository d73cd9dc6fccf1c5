"""Answers that may take a while: Discord fails an interaction it has no answer to within 3 seconds, counted
from its side of the network, so an answer that is not ready within a second is deferred ("thinking…") and sent
when it is ready, as discord.py does it. Fast answers still go in one round trip."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any

from bot.ladder_client import Interaction

# What the answer's own work may take before the player is shown "thinking…": the rest of the 3 seconds is for
# the network both ways and a busy event loop.
DEFER_AFTER_S = 1.0

# send_message's keyword arguments: content, embed, view.
Reply = dict[str, Any]


async def answer_privately(interaction: Interaction, reply: Coroutine[Any, Any, Reply]) -> None:
    pending = asyncio.ensure_future(reply)
    try:
        done, _ = await asyncio.wait({pending}, timeout=DEFER_AFTER_S)
    except asyncio.CancelledError:
        pending.cancel()
        raise
    if pending in done:
        await interaction.response.send_message(**pending.result(), ephemeral=True)
        return
    await interaction.response.defer(ephemeral=True, thinking=True)
    await interaction.followup.send(**(await pending), ephemeral=True)
