"""/replay file: a player's replay of their current or most recent match, checked before it is fetched
(its name and size), fetched from Discord's CDN within bounds, stored, and handed to the workers' readers.

The answer ("received, checking") becomes the uploader's match message: the check's outcome is shown there
when the workers are done, and in the opponent's match message at the same moment.
"""

from __future__ import annotations

import asyncio

import aiohttp
import discord

from bot.drawing.refusals import refusal_text
from bot.drawing.replay import replay_received
from bot.ladder_client import Interaction, services_of
from bot.message_refs import message_ref
from bot.speaking import words_for
from db.refusals import Refusal, Why
from db.replays import MAX_REPLAY_BYTES, REPLAY_EXTENSION

# Longest the fetch of a replay from Discord's CDN may take (a replay is tens of kilobytes).
FETCH_TIMEOUT_S = 20.0


async def upload_replay(interaction: Interaction, file: discord.Attachment) -> None:
    # Before anything that waits on the database (even the player's language): under a burst of uploads, the
    # wait for a connection alone can outlast the 3 seconds Discord gives a first answer.
    await interaction.response.defer(ephemeral=True, thinking=True)
    words = await words_for(interaction)
    refused = _look_at(file)
    if refused is not None:
        await interaction.followup.send(refusal_text(words, refused), ephemeral=True)
        return
    replays = services_of(interaction).replays
    player_id = interaction.user.id
    match_id = await replays.match_for(player_id)
    if match_id is None:
        await interaction.followup.send(refusal_text(words, Refusal(Why.REPLAY_NO_MATCH)), ephemeral=True)
        return
    data = await _fetch(file)
    if data is None:
        await interaction.followup.send(refusal_text(words, Refusal(Why.REPLAY_DOWNLOAD_FAILED)), ephemeral=True)
        return
    # The deferred answer is an ephemeral message reached by this interaction's token.
    ref = {**message_ref(interaction, words.code), "ephemeral": True}
    received = await replays.receive(match_id, player_id, file.filename, data, ref)
    if received.refused is not None or received.match is None or received.upload_id is None:
        await interaction.followup.send(refusal_text(words, received.refused or Refusal(Why.REPLAY_NO_MATCH)),
                                        ephemeral=True)  # fmt: skip
        return
    try:
        await interaction.followup.send(**replay_received(received.match, words).send_kwargs(), ephemeral=True)
    finally:
        # Only now: the check's outcome edits this answer, so it must not arrive before the answer does.
        await replays.hand_over(received.upload_id)


def _look_at(file: discord.Attachment) -> Refusal | None:
    """What can be refused before a byte is fetched: the file's name and declared size."""
    if not file.filename.lower().endswith(REPLAY_EXTENSION.lower()):
        return Refusal(Why.REPLAY_WRONG_TYPE, {"extension": REPLAY_EXTENSION})
    if file.size <= 0:
        return Refusal(Why.REPLAY_EMPTY)
    if file.size > MAX_REPLAY_BYTES:
        return Refusal(Why.REPLAY_TOO_BIG, {"most_kb": MAX_REPLAY_BYTES // 1024})
    return None


async def _fetch(file: discord.Attachment) -> bytes | None:
    try:
        data = await asyncio.wait_for(file.read(), FETCH_TIMEOUT_S)
    except (discord.HTTPException, aiohttp.ClientError, TimeoutError, OSError):
        return None
    # The declared size is Discord's word; what arrived is held to the same bound.
    return data if len(data) <= MAX_REPLAY_BYTES else None
