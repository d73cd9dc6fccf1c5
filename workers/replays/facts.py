"""What a replay file says, read with sc2reader: its players (name, race as the replay writes it, result, human
or not, region), its observers, map, length, when it ended and its lobby settings. Never raises: a file that
cannot be read is a `ReplayFacts` with `readable=False` and the reason."""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import sc2reader
from billiard.exceptions import SoftTimeLimitExceeded

# sc2reader's load level 2: the details, init data and attributes, which hold the players, their results, the
# map, length, end time and lobby settings. Level 4 gives the same facts (checked on every fixture replay) but
# reads every game and tracker event first: about 20 times slower, and every millisecond is CPU the waves share.
LOAD_LEVEL = 2
# A region by the first number of a toon handle (`2-S2-1-…` plays in Europe).
REGIONS = {"1": "us", "2": "eu", "3": "kr", "5": "cn", "6": "sea", "98": "test"}
RESULTS = {"Win": "win", "Loss": "loss", "Tie": "tie"}
# sc2reader warns of what it cannot name in a file (a colour, a unit of a newer build): nothing an operator acts on.
logging.getLogger("sc2reader").setLevel(logging.ERROR)


@dataclass(frozen=True)
class ReplayPlayer:
    name: str
    race: str  # as the replay writes it, in the language of the client that recorded it
    result: str | None  # win, loss, tie; None when the replay does not say
    human: bool
    region: str | None
    handle: str | None  # the toon handle, `2-S2-1-4310413`: who this is in the game


@dataclass(frozen=True)
class ReplayError:
    code: str  # not_a_replay, empty, unreadable
    message: str


@dataclass(frozen=True)
class ReplayFacts:
    readable: bool
    error: ReplayError | None = None
    players: tuple[ReplayPlayer, ...] = ()
    observers: int = 0
    map: str | None = None
    game_length_s: float | None = None
    ended_at: datetime | None = None
    category: str | None = None  # Ladder, Private, ...
    lobby: dict[str, str] = field(default_factory=dict)

    @property
    def humans(self) -> tuple[ReplayPlayer, ...]:
        return tuple(p for p in self.players if p.human)

    @property
    def one_v_one(self) -> bool:
        """Exactly two players, both human, and nobody watching."""
        return len(self.players) == 2 and len(self.humans) == 2 and self.observers == 0


def read_replay(data: bytes) -> ReplayFacts:
    if not data:
        return _unreadable("empty", "The file is empty.")
    if not data.startswith(b"MPQ"):
        return _unreadable("not_a_replay", "This is not a StarCraft II replay.")
    try:
        replay = sc2reader.load_replay(io.BytesIO(data), load_level=LOAD_LEVEL)
        return _facts(replay)
    except SoftTimeLimitExceeded:
        return _unreadable("too_slow", "Reading the replay took too long.")
    # sc2reader's own errors, and anything else hostile bytes provoke in its depths: the worker lives on.
    except Exception as exc:
        return _unreadable("unreadable", f"The replay could not be read ({type(exc).__name__}).")


def _facts(replay: Any) -> ReplayFacts:
    players = tuple(
        ReplayPlayer(
            name=str(p.name),
            race=str(p.play_race),
            result=RESULTS.get(str(p.result)) if p.result else None,
            human=bool(p.is_human),
            region=_region(getattr(p, "toon_handle", "")),
            handle=str(p.toon_handle) if getattr(p, "toon_handle", "") else None,
        )
        for p in replay.players
    )
    ended = replay.end_time
    if ended is not None and ended.tzinfo is None:
        ended = ended.replace(tzinfo=UTC)
    lobby = {str(k): str(v) for k, v in (replay.attributes.get(16) or {}).items()}
    return ReplayFacts(
        readable=True,
        players=players,
        observers=len(replay.observers),
        map=str(replay.map_name) if replay.map_name else None,
        game_length_s=float(replay.game_length.seconds) if replay.game_length is not None else None,
        ended_at=ended,
        category=str(replay.category) if replay.category else None,
        lobby=lobby,
    )


def _region(handle: str) -> str | None:
    return REGIONS.get(handle.split("-", 1)[0]) if handle else None


def _unreadable(code: str, message: str) -> ReplayFacts:
    return ReplayFacts(readable=False, error=ReplayError(code, message))
