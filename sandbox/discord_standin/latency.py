"""The network between the bot and Discord: every request, every answer and every gateway dispatch takes a while
to arrive (the demo, the benchmarks and the chaos run use 60 ms each way, with jitter)."""

from __future__ import annotations

import asyncio
import random
from dataclasses import dataclass, field


@dataclass
class Latency:
    one_way_s: float = 0.0
    jitter_s: float = 0.0
    rng: random.Random = field(default_factory=lambda: random.Random(0))
    # When the gateway's last dispatch arrives: a websocket delivers in order, whatever the jitter.
    _gateway_at: float = field(default=0.0, init=False)

    def sample(self) -> float:
        if self.one_way_s <= 0:
            return 0.0
        return max(0.0, self.one_way_s + self.rng.uniform(-self.jitter_s, self.jitter_s))

    async def travel(self) -> None:
        delay = self.sample()
        if delay:
            await asyncio.sleep(delay)

    async def dispatch(self) -> None:
        """Until a gateway dispatch sent now reaches the bot, never before the one sent before it."""
        if self.one_way_s <= 0:
            return
        loop = asyncio.get_running_loop()
        self._gateway_at = max(loop.time() + self.sample(), self._gateway_at)
        await asyncio.sleep(self._gateway_at - loop.time())
