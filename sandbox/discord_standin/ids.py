"""Snowflake ids made from the stand-in's clock, so discord.py's `created_at` (read from the id) agrees with it."""

from __future__ import annotations

from .clock import Clock

DISCORD_EPOCH_MS = 1_420_070_400_000


class Snowflakes:
    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._last = 0

    def next(self) -> int:
        from_clock = (int(self._clock.now() * 1000) - DISCORD_EPOCH_MS) << 22
        # Two ids in the same millisecond must still differ and rise.
        self._last = max(self._last + 1, from_clock)
        return self._last
