"""Discord's rate limits, as its documentation states them (docs.discord.com, Topics → Rate Limits).

- A global limit of 50 requests a second for requests made with the bot token; interaction callbacks and the
  interaction-token webhook routes are outside it.
- Per-route buckets, counted apart for each top-level resource in the path (a channel, a guild, a webhook id
  with its token), announced in `X-RateLimit-Limit`, `-Remaining`, `-Reset`, `-Reset-After` and `-Bucket`.
- A 429 carries `{"message", "retry_after", "global"}`, `Retry-After`, `X-RateLimit-Scope` (`user`, `global` or
  `shared`) and, like every answer of Discord's edge, a `Via` header (discord.py reads a 429 without one as a
  Cloudflare ban and gives up).
- Invalid requests (401, 403, and 429 other than `shared` scope) are counted: past 10,000 in 10 minutes Discord
  bans the IP for an hour. The stand-in counts them and keeps the peak of any 10 minutes.

Limits Discord documents: channel messages, 5 per 5 s per channel; opening a DM channel, one bucket shared by
the whole bot. Limits it does not document are this module's assumptions, each named in `ROUTES`, and all of
them are settings of `RateLimits`.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections import deque
from dataclasses import dataclass, field

from .clock import Clock

GLOBAL = "global"
USER = "user"
SHARED = "shared"
# Routes with the interaction token in the path: the token is the credential, and they are outside the global limit.
TOKEN_ROUTES = ("/interactions/", "/webhooks/")
INVALID_WINDOW_S = 600.0


@dataclass(frozen=True)
class Bucket:
    limit: int
    window_s: float
    shared: bool = False  # one bucket for the whole bot (scope `shared`), whatever the path's resource


# (method, route template) → its bucket; the route templates are the stand-in's own.
ROUTES: dict[tuple[str, str], Bucket] = {
    # Documented: 5 messages per 5 s per channel.
    ("POST", "/channels/{channel_id}/messages"): Bucket(5, 5.0),
    # Documented as one bucket for the bot; its size is an assumption (a DM burst meets it at once).
    ("POST", "/users/@me/channels"): Bucket(10, 10.0, shared=True),
    # Assumptions: edits of a channel message, and the interaction-token webhook routes, per channel or token.
    ("PATCH", "/channels/{channel_id}/messages/{message_id}"): Bucket(5, 5.0),
    ("POST", "/webhooks/{application_id}/{token}"): Bucket(5, 2.0),
    ("PATCH", "/webhooks/{application_id}/{token}/messages/@original"): Bucket(5, 2.0),
    ("PATCH", "/webhooks/{application_id}/{token}/messages/{message_id}"): Bucket(5, 2.0),
}


@dataclass
class RateLimits:
    enabled: bool = False
    global_per_s: int = 50
    routes: dict[tuple[str, str], Bucket] = field(default_factory=lambda: dict(ROUTES))


@dataclass
class _Window:
    started: float
    used: int = 0


@dataclass(frozen=True)
class Verdict:
    """Whether a request may go through now, and the headers its answer carries."""

    allowed: bool
    headers: dict[str, str]
    retry_after: float = 0.0
    scope: str | None = None

    def body(self) -> dict[str, object]:
        return {
            "message": "You are being rate limited.",
            "retry_after": self.retry_after,
            "global": self.scope == GLOBAL,
        }


class Limiter:
    def __init__(self, limits: RateLimits, clock: Clock) -> None:
        self.limits = limits
        self.clock = clock
        self._windows: dict[str, _Window] = {}
        self._global: _Window | None = None
        self.rate_limited = 0  # 429s answered
        self.rate_limited_by_scope: dict[str, int] = {GLOBAL: 0, USER: 0, SHARED: 0}
        self.invalid_requests = 0
        self.invalid_peak_per_10_min = 0
        self._invalid_at: deque[float] = deque()

    def take(self, method: str, route: str, params: dict[str, str]) -> Verdict:
        """Counts the request against its limits: a Verdict that lets it through (with its bucket's headers), or
        a 429's."""
        if not self.limits.enabled:
            return Verdict(True, {})
        now = self.clock.now()
        bucket = self.limits.routes.get((method, route))
        name = f"{method} {route}"
        window = self._window(self._key(name, params, bucket), bucket, now) if bucket is not None else None
        if bucket is not None and window is not None and window.used >= bucket.limit:
            retry = max(0.001, window.started + bucket.window_s - now)
            return self._refused(retry, SHARED if bucket.shared else USER, _headers(name, bucket, window, now))
        if not route.startswith(TOKEN_ROUTES):
            if self._global is None or now - self._global.started >= 1.0:
                self._global = _Window(now)
            if self._global.used >= self.limits.global_per_s:
                return self._refused(
                    max(0.001, self._global.started + 1.0 - now), GLOBAL, {"X-RateLimit-Global": "true"}
                )
            self._global.used += 1
        if bucket is None or window is None:
            return Verdict(True, {})
        window.used += 1
        return Verdict(True, _headers(name, bucket, window, now))

    def answered(self, status: int, scope: str | None) -> None:
        """Counts an answer Discord would count as invalid."""
        if status in (401, 403) or (status == 429 and scope != SHARED):
            now = self.clock.now()
            self.invalid_requests += 1
            self._invalid_at.append(now)
            while self._invalid_at and self._invalid_at[0] <= now - INVALID_WINDOW_S:
                self._invalid_at.popleft()
            self.invalid_peak_per_10_min = max(self.invalid_peak_per_10_min, len(self._invalid_at))

    def _refused(self, retry_after: float, scope: str, headers: dict[str, str]) -> Verdict:
        self.rate_limited += 1
        self.rate_limited_by_scope[scope] += 1
        headers = {**headers, "Retry-After": str(math.ceil(retry_after)), "X-RateLimit-Scope": scope}
        return Verdict(False, headers, round(retry_after, 3), scope)

    def _key(self, name: str, params: dict[str, str], bucket: Bucket | None) -> str:
        if bucket is None or bucket.shared:
            return name
        # Counted apart for each top-level resource: a channel, a guild, or a webhook with its token.
        for names in (("channel_id",), ("guild_id",), ("application_id", "token")):
            if all(n in params for n in names):
                return f"{name} " + ":".join(params[n] for n in names)
        return name

    def _window(self, key: str, bucket: Bucket, now: float) -> _Window:
        window = self._windows.get(key)
        if window is None or now - window.started >= bucket.window_s:
            window = self._windows[key] = _Window(now)
        return window


def _headers(name: str, bucket: Bucket, window: _Window, now: float) -> dict[str, str]:
    reset_after = max(0.0, window.started + bucket.window_s - now)
    return {
        "X-RateLimit-Limit": str(bucket.limit),
        "X-RateLimit-Remaining": str(max(0, bucket.limit - window.used)),
        # Epoch seconds by the wall clock (the stand-in's own clock may have been moved forward by a test).
        "X-RateLimit-Reset": f"{time.time() + reset_after:.3f}",
        "X-RateLimit-Reset-After": f"{reset_after:.3f}",
        "X-RateLimit-Bucket": hashlib.sha1(name.encode()).hexdigest()[:32],
    }
