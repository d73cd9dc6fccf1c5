"""The language each player chose, as this bot process last read it: one query the first time a player
presses anything in a while, none after. A choice made with /setup here is known at once; one made through
another bot process is read again after `KEPT_S`. (The listener needs none of this: each event's payload
carries its players' choices.)"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable

# Another bot process may have stored a new choice since: read again after this long.
KEPT_S = 600.0
CAPACITY = 50_000


class PlayerLanguages:
    def __init__(self, read: Callable[[int], Awaitable[str | None]], *, kept_s: float = KEPT_S) -> None:
        self._read = read
        self._kept_s = kept_s
        self._known: OrderedDict[int, tuple[str | None, float]] = OrderedDict()

    async def chosen(self, player_id: int) -> str | None:
        known = self._known.get(player_id)
        if known is not None and time.monotonic() - known[1] < self._kept_s:
            return known[0]
        language = await self._read(player_id)
        self.remember(player_id, language)
        return language

    def known(self, player_id: int) -> str | None:
        """The player's choice if this process has read it, without asking the database (which may be what
        just failed)."""
        known = self._known.get(player_id)
        return known[0] if known is not None else None

    def remember(self, player_id: int, language: str | None) -> None:
        self._known[player_id] = (language, time.monotonic())
        self._known.move_to_end(player_id)
        while len(self._known) > CAPACITY:
            self._known.popitem(last=False)
