"""A player's press on their match: confirm, abort, report a result, or go back to the queue after an abort."""

from __future__ import annotations

from typing import cast

import discord

from bot.actions.join import requeue
from bot.actions.owner import belongs_to
from bot.drawing.custom_ids import ABORT, CONFIRM, DRAW, LOST, REPLAY, REQUEUE, WON
from bot.drawing.match import match_rendering
from bot.drawing.refusals import refusal_text
from bot.drawing.replay import replay_how_to
from bot.ladder_client import Interaction, services_of
from bot.message_refs import message_ref
from bot.speaking import words_for
from bot.words import Words
from db.matches import Move
from db.payloads import MatchPayload

# The report each result button files.
REPORT_OF = {WON: "win", LOST: "loss", DRAW: "draw"}


async def act_on_match(interaction: Interaction, action: str, match_id: int, player_id: int) -> None:
    if not await belongs_to(interaction, player_id):
        return
    if action == REQUEUE:
        await requeue(interaction, match_id)
        return
    words = await words_for(interaction)
    if action == REPLAY:
        # Only a slash command can take a file: the button says how, and changes nothing.
        await interaction.response.send_message(replay_how_to(words), ephemeral=True)
        return
    matches = services_of(interaction).matches
    ref = message_ref(interaction, words.code)
    if action == CONFIRM:
        move = await matches.confirm(match_id, player_id, ref)
    elif action == ABORT:
        move = await matches.abort(match_id, player_id, ref)
    else:
        move = await matches.report(match_id, player_id, REPORT_OF[action], ref)
    await answer_move(interaction, move, player_id, words)


async def answer_move(interaction: Interaction, move: Move, player_id: int, words: Words) -> None:
    """Shows the presser their match as it now stands; a refusal also says why, privately."""
    if move.refused is not None and move.match is None:
        await interaction.response.send_message(refusal_text(words, move.refused), ephemeral=True)
        return
    event = move.event_for(player_id)
    # The listener reads this event's payload through the same contract (db/payloads.py).
    payload = cast(MatchPayload, event.payload) if event is not None else move.match
    type_ = event.type if event is not None else ""
    assert payload is not None, "a move that changed something carries its match"
    try:
        await interaction.response.edit_message(**match_rendering(payload, player_id, type_, words).kwargs())
    except discord.HTTPException:
        # The answer came too late (the interaction expired) or was refused: the move is done and recorded as
        # seen by the presser, so the listener will not show it to them; it is shown to them another way.
        deliverer = interaction.client.deliverer
        if event is not None and deliverer is not None:
            await deliverer.show_instead_of_answer(event, player_id)
        raise
    if event is not None:
        await services_of(interaction).matches.answered(event.id, player_id)
    if move.refused is not None:
        await interaction.followup.send(refusal_text(words, move.refused), ephemeral=True)
