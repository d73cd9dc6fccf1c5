"""The stand-in's sharded gateway against real discord.py: two guilds, a bot as two shards (a plain client holding
shard 0 and an AutoShardedBot holding shard 1, as two processes would), each receiving only its own guilds'
interactions and shard 0 the DMs, as Discord routes them."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import aiohttp
import discord
import pytest_asyncio
from discord.ext import commands

from sandbox.discord_standin import StandIn, point_discord_at

TOKEN = "stand-in-shards-token"
HOME_PLAYER, OTHER_PLAYER = 2001, 2002


def shard_bot(bot: commands.Bot, *, syncs: bool) -> commands.Bot:
    @bot.tree.command(description="Says which shard answered")
    async def where(interaction: discord.Interaction[Any]) -> None:
        shard = interaction.guild.shard_id if interaction.guild is not None else "dm"
        await interaction.response.send_message(f"shard {shard} of client {id(interaction.client)}")

    async def setup_hook() -> None:
        if syncs:
            await bot.tree.sync()

    bot.setup_hook = setup_hook  # type: ignore[method-assign]
    return bot


@dataclass
class Shards:
    standin: StandIn
    other_guild: int
    first: commands.Bot  # shard 0 of 2
    second: commands.AutoShardedBot  # shard 1 of 2


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def shards() -> AsyncIterator[Shards]:
    standin = StandIn(TOKEN)
    other_guild = standin.add_guild("Second Server")
    standin.add_user(OTHER_PLAYER, guild_id=other_guild)
    await standin.start()
    undo = point_discord_at(standin.api_base, standin.gateway_url)
    intents = discord.Intents(guilds=True)
    first = shard_bot(commands.Bot("!", intents=intents, shard_id=0, shard_count=2), syncs=True)
    second = shard_bot(commands.AutoShardedBot("!", intents=intents, shard_ids=[1], shard_count=2), syncs=False)
    tasks = {first: asyncio.create_task(first.start(TOKEN))}
    try:
        # DMs and the other guild are shard 0's; the home guild is not held yet.
        await standin.store.changes.wait_for(lambda: standin.connected_shards == [(0, 2)] or None, 15)
        assert not standin.connected
        tasks[second] = asyncio.create_task(second.start(TOKEN))
        await standin.store.changes.wait_for(lambda: standin.connected or None, 15)
        await asyncio.wait_for(asyncio.gather(first.wait_until_ready(), second.wait_until_ready()), 15)
        yield Shards(standin, other_guild, first, second)
    finally:
        for bot, task in tasks.items():
            await bot.close()
            with contextlib.suppress(Exception):
                await task
        await standin.stop()
        undo()


async def test_each_shard_receives_its_own_guilds(shards: Shards) -> None:
    home = shards.standin.store.identity.guild_id
    assert (home >> 22) % 2 == 1 and (shards.other_guild >> 22) % 2 == 0
    assert [g.id for g in shards.first.guilds] == [shards.other_guild]
    assert [g.id for g in shards.second.guilds] == [home]
    assert shards.standin.connected_shards == [(0, 2), (1, 2)]


async def test_interactions_reach_the_shard_of_their_guild_and_dms_shard_zero(shards: Shards) -> None:
    in_home = await shards.standin.run_command(HOME_PLAYER, "where")
    in_other = await shards.standin.run_command(OTHER_PLAYER, "where")
    in_dm = await shards.standin.run_command(OTHER_PLAYER, "where", in_dm=True)
    assert in_home.message is not None and in_home.message.content == f"shard 1 of client {id(shards.second)}"
    assert in_other.message is not None and in_other.message.content == f"shard 0 of client {id(shards.first)}"
    assert in_dm.message is not None and in_dm.message.content == f"shard dm of client {id(shards.first)}"


async def test_a_shard_outside_the_count_is_refused_with_discords_close_code(shards: Shards) -> None:
    async with aiohttp.ClientSession() as session, session.ws_connect(shards.standin.gateway_url) as ws:
        hello = json.loads((await ws.receive()).data)
        assert hello["op"] == 10
        await ws.send_json({"op": 2, "d": {"token": TOKEN, "intents": 1, "properties": {}, "shard": [2, 2]}})
        closing = await ws.receive()
        assert closing.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.CLOSING)
        assert ws.close_code == 4010
    assert shards.standin.connected_shards == [(0, 2), (1, 2)]


async def test_the_home_guild_can_be_read_by_a_process_that_does_not_hold_it(shards: Shards) -> None:
    guild = await shards.first.fetch_guild(shards.standin.store.identity.guild_id, with_counts=False)
    assert guild.name == shards.standin.store.identity.guild_name
    assert str(guild.preferred_locale.value) == "en-US"


async def test_everything_the_shards_sent_and_got_is_as_discord_describes(shards: Shards) -> None:
    assert [str(v) for v in shards.standin.violations] == []
