"""What the bot knows of its own health: is the gateway connected, is the listener running.

Written on the event loop (gateway events, the listener's start); read by `/admin status` on the loop and by
the metrics server's thread, which only reads a bool and a task's done flag (no call into the loop).
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field


@dataclass
class BotHealth:
    gateway_connected: bool = False
    # When the gateway last connected or dropped (Unix time; 0: never).
    gateway_since: float = 0.0
    gateway_drops: int = 0
    listener: asyncio.Task[None] | None = None
    # A sharded process: the shards it holds, and whether each is connected now. The gateway counts as connected
    # only while every one of them is (a guild whose shard is down gets no answers).
    own_shards: tuple[int, ...] = ()
    shards_connected: dict[int, bool] = field(default_factory=dict)

    @property
    def listener_alive(self) -> bool:
        return self.listener is not None and not self.listener.done()

    # Gateway listeners (discord.py's on_connect, on_resumed, on_disconnect).

    async def on_connect(self) -> None:
        self._set(True)

    async def on_resumed(self) -> None:
        self._set(True)

    async def on_disconnect(self) -> None:
        if self.gateway_connected:
            self.gateway_drops += 1
        self._set(False)

    # The same, per shard (discord.py's on_shard_connect, on_shard_resumed, on_shard_disconnect).

    async def on_shard_connect(self, shard_id: int) -> None:
        self._set_shard(shard_id, True)

    async def on_shard_resumed(self, shard_id: int) -> None:
        self._set_shard(shard_id, True)

    async def on_shard_disconnect(self, shard_id: int) -> None:
        self._set_shard(shard_id, False)

    def _set_shard(self, shard_id: int, connected: bool) -> None:
        self.shards_connected[shard_id] = connected
        every = all(self.shards_connected.get(i, False) for i in self.own_shards)
        if self.gateway_connected and not every:
            self.gateway_drops += 1
        self._set(every)

    def _set(self, connected: bool) -> None:
        if connected != self.gateway_connected or not self.gateway_since:
            self.gateway_since = time.time()
        self.gateway_connected = connected
