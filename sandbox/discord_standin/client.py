"""Pointing discord.py (in this process) at a stand-in; a bot in another process does the same two assignments."""

from __future__ import annotations

from collections.abc import Callable

import discord
import yarl


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
