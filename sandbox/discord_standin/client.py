"""Pointing discord.py (in this process) at a stand-in; a bot in another process does the same two assignments."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

import discord
import yarl

if TYPE_CHECKING:
    from .standin import StandIn


def point_discord_at(api_base: str, gateway_url: str) -> Callable[[], None]:
    """Send every REST call and the gateway connection to the stand-in; call the result to undo it."""
    saved_base = discord.http.Route.BASE
    saved_gateway = discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    discord.http.Route.BASE = api_base
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url)

    def undo() -> None:
        discord.http.Route.BASE = saved_base
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = saved_gateway

    return undo


@asynccontextmanager
async def logged_in_client(standin: StandIn, token: str, **options: Any) -> AsyncIterator[discord.Client]:
    """The stand-in started, and a discord.py client of this process logged in to it (REST only, no gateway);
    both stopped afterwards. `options` go to `discord.Client`."""
    await standin.start()
    undo = point_discord_at(standin.api_base, standin.gateway_url)
    client = discord.Client(intents=discord.Intents.none(), **options)
    try:
        await client.login(token)
        yield client
    finally:
        await client.close()
        await standin.stop()
        undo()
