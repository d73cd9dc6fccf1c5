"""A leaderboard's filter written into its controls' custom ids and read back: races as a bit mask of the
ladder's races, the country, the rank band's place, best race only. Whatever a forged id says is checked here."""

from __future__ import annotations

import re

from db.identity import flag
from db.ladder import Ladder
from db.leaderboard import BoardFilter


def board_state(ladder: Ladder, wanted: BoardFilter) -> str:
    chosen = set(wanted.of(ladder).races)
    mask = sum(1 << i for i, race in enumerate(ladder.races) if race.code in chosen)
    names = [b.name for b in ladder.ranks.bands]
    band = str(names.index(wanted.band)) if wanted.band in names else "-"
    return f"{mask}:{wanted.country or '-'}:{band}:{int(wanted.best_only)}"


def board_of(ladder: Ladder, found: re.Match[str]) -> BoardFilter | None:
    """The filter a control's id names (its `races`, `country`, `band` and `best` groups); None if the id could
    not have been drawn by the bot for this ladder."""
    mask = int(found["races"])
    if not 0 < mask < 1 << len(ladder.races):
        return None
    races = tuple(race.code for i, race in enumerate(ladder.races) if mask >> i & 1)
    country = None if found["country"] == "-" else found["country"]
    if country is not None and not flag(country):
        return None
    band = None
    if found["band"] != "-":
        place = int(found["band"])
        if place >= len(ladder.ranks.bands):
            return None
        band = ladder.ranks.bands[place].name
    return BoardFilter(races, country, band, found["best"] == "1")
