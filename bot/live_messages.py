"""Shows events in the messages players' Joins answered, knowing only each one's interaction token.

One object for the whole bot, and for each waiting player only a tuple of plain values (its address), which
the garbage collector stops tracking. Tens of thousands of players wait at once: an object of its own for
each (or their Interactions, with the message, member and components each came with) would be that many more
for every full collection to walk, a pause of the whole event loop.
"""

from __future__ import annotations

import time

import discord

from bot.catalogs import Catalogs
from bot.discord_api import edit_original_response
from bot.drawing.presenting import render_event
from bot.event_language import words_for_event
from bot.message_refs import token_alive
from db.events import Event

# application id, interaction token (a credential: never in a log line), player id, when the token was issued,
# the language the message was drawn in
LiveAddress = tuple[int, str, int, float, str]


class TokenExpired(Exception):
    """The live message can no longer be edited: the listener shows the event by another path."""


class LiveMessages:
    def __init__(self, client: discord.Client, catalogs: Catalogs) -> None:
        self._client = client
        self._catalogs = catalogs
        # One bound method for every subscription (each `self._show` lookup would make a new one).
        self.show = self._show

    @staticmethod
    def address(
        application_id: int, token: str, player_id: int, drawn_in: str, issued_at: float | None = None
    ) -> LiveAddress:
        return (application_id, token, player_id, time.time() if issued_at is None else issued_at, drawn_in)

    async def _show(
        self, event: Event, application_id: int, token: str, player_id: int, issued_at: float, drawn_in: str
    ) -> None:
        if not token_alive(issued_at):
            raise TokenExpired(f"the interaction token of player {player_id}'s live message has expired")
        rendering = render_event(event, player_id, words_for_event(self._catalogs, event, player_id, drawn_in))
        await edit_original_response(self._client, application_id, token, embed=rendering.embed, view=rendering.view)
