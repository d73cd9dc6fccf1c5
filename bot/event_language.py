"""The language an event is shown to a player in, when no interaction of theirs is there to say: the one they
chose (the payload carries it), else the one their message was drawn in, else their client's as last seen
(the payload carries it too), else the server's."""

from __future__ import annotations

from bot.catalogs import Catalogs
from bot.words import Words
from db.events import Event


def stored_languages(event: Event, player_id: int) -> tuple[str | None, str | None]:
    """The player's chosen language and last-seen locale, as the event's payload carries them."""
    payload = event.payload
    players = payload.get("players")
    if isinstance(players, list):
        for side in players:
            if isinstance(side, dict) and side.get("player_id") == player_id:
                return _code(side.get("language")), _code(side.get("locale"))
    languages = payload.get("languages")
    if isinstance(languages, dict):
        return _code(languages.get(str(player_id))), None
    return None, None


def words_for_event(catalogs: Catalogs, event: Event, player_id: int, drawn_in: str | None) -> Words:
    chosen, seen = stored_languages(event, player_id)
    return catalogs.words(chosen, drawn_in, seen)


def _code(value: object) -> str | None:
    return value[:16] if isinstance(value, str) else None
