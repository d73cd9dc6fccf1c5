"""SpamGuard: limits how fast one player can join and leave the queue (a token bucket per player).

A player has `burst` presses in hand and gets one back every `refill_s` seconds, so ordinary use (join,
cancel, join again) never meets the limit while a script pressing Join and Cancel in a loop soon does. Kept in
memory only: a restart forgets it, which costs nothing (the limit protects the database from churn, it is not
a penalty). No Discord in here, and the clock is passed in, so the algorithm is tested as a plain function.
"""

from __future__ import annotations

from dataclasses import dataclass

# Players whose bucket is full again are forgotten every this many checks, so the map stays the size of the
# players pressing right now, not of everyone who ever pressed.
_SWEEP_EVERY = 1024


@dataclass(slots=True)
class _Bucket:
    tokens: float
    at: float


class SpamGuard:
    def __init__(self, burst: int, refill_s: float) -> None:
        if burst < 1 or refill_s <= 0:
            raise ValueError("a spam guard needs burst >= 1 and refill_s > 0")
        self.burst = burst
        self.refill_s = refill_s
        self._buckets: dict[int, _Bucket] = {}
        self._checks = 0

    def wait_s(self, player_id: int, now: float) -> float:
        """0 when the press may go ahead (and it is counted); else how long until the next one may."""
        self._checks += 1
        if self._checks % _SWEEP_EVERY == 0:
            self._forget_rested(now)
        bucket = self._buckets.get(player_id)
        tokens = float(self.burst) if bucket is None else self._refilled(bucket, now)
        if tokens >= 1.0:
            self._buckets[player_id] = _Bucket(tokens - 1.0, now)
            return 0.0
        self._buckets[player_id] = _Bucket(tokens, now)
        return (1.0 - tokens) * self.refill_s

    def tracked(self) -> int:
        return len(self._buckets)

    def _refilled(self, bucket: _Bucket, now: float) -> float:
        return min(float(self.burst), bucket.tokens + max(0.0, now - bucket.at) / self.refill_s)

    def _forget_rested(self, now: float) -> None:
        rested = [p for p, b in self._buckets.items() if self._refilled(b, now) >= self.burst]
        for player_id in rested:
            del self._buckets[player_id]
