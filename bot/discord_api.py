"""Where discord.py talks to, and the one Discord call its public API does not offer.

The sandbox points the bot at the local stand-in for Discord; in production nothing here changes anything.
"""

from __future__ import annotations

from typing import Any

import discord
import yarl
from discord.http import Route, handle_message_parameters
from discord.webhook.async_ import async_context


def point_rest_at(api_base: str) -> None:
    """Sends every REST call, interaction callbacks and webhooks included, to `api_base` (…/api/v10)."""
    if api_base:
        Route.BASE = api_base.rstrip("/")


async def point_gateway_as_told(client: discord.Client) -> None:
    """A plain client connects to a fixed gateway address; ask the API we are pointed at for its own."""
    if Route.BASE == "https://discord.com/api/v10":
        return
    data = await client.http.request(Route("GET", "/gateway"))
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(data["url"])


async def edit_original_response(
    client: discord.Client, application_id: int, token: str, *, embed: discord.Embed, view: discord.ui.View | None
) -> None:
    """Edits an interaction's original response knowing only its token (the Interaction object may be gone,
    after a restart): what `Interaction.edit_original_response` does, without the Interaction."""
    webhook = discord.Webhook.partial(application_id, token, client=client)
    with handle_message_parameters(content=None, embed=embed, view=view) as params:
        adapter: Any = async_context.get()
        await adapter.edit_original_interaction_response(
            application_id,
            token,
            session=webhook.session,
            proxy=client.http.proxy,
            proxy_auth=client.http.proxy_auth,
            payload=params.payload,
            multipart=params.multipart,
            files=params.files,
        )


async def send_followup(
    client: discord.Client,
    application_id: int,
    token: str,
    *,
    embed: discord.Embed,
    view: discord.ui.View | None,
    ephemeral: bool,
) -> None:
    """A new message on an interaction, knowing only its token: unlike an edit, it notifies the player."""
    # As `Interaction.followup` builds it: an application webhook (type 3), which may send ephemeral messages.
    webhook = discord.Webhook.from_state(
        data={"id": application_id, "type": 3, "token": token},
        state=client._connection,
    )
    await webhook.send(embed=embed, view=view or discord.utils.MISSING, ephemeral=ephemeral, wait=True)
