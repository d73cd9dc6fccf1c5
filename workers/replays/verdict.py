"""A replay against its match: was this game that match, and who won it. Pure: the replay's facts and the
match's in, the problems and the result out.

The winner is told apart by race where the ladder has sides (a Brood War race always meets a StarCraft II race,
so the races tell the two players apart); otherwise by the toon handles a player's earlier verified replays
recorded. When neither tells them apart, the replay settles nothing (`result` None) and says why.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from db.ladder import Ladder
from workers.replays.checks import Problem, ladder_map, problems, race_code
from workers.replays.facts import ReplayFacts, ReplayPlayer

# Clocks differ: a game may seem to end a little before the match was found.
CLOCK_TOLERANCE = timedelta(minutes=5)


@dataclass(frozen=True)
class MatchSide:
    race: str  # the race code the player was matched with
    handles: frozenset[str] = frozenset()  # toon handles the player's verified replays showed before
    # The in-game names the player set (/setup), as `game_name` compares them; empty: none set, not checked.
    names: frozenset[str] = frozenset()
    # The same names as the player typed them, to show.
    names_shown: tuple[str, ...] = ()


def game_name(name: str) -> str:
    """A name as the game shows it, compared without regard to case, Unicode form or a clan tag before it."""
    shown = unicodedata.normalize("NFKC", name).strip()
    if shown.startswith(("[", "<")) and (end := shown.find("]" if shown[0] == "[" else ">")) > 0:
        shown = shown[end + 1 :].strip()
    return shown.casefold()


@dataclass(frozen=True)
class MatchFacts:
    map: str | None
    found_at: datetime
    sides: tuple[MatchSide, MatchSide]


@dataclass(frozen=True)
class Verdict:
    problems: list[Problem]
    # player1, player2 or draw, when the replay passes every check and tells the players apart.
    result: str | None
    # The toon handle the replay showed for each side (1, 2), to tell the players apart next time.
    handles: dict[int, str] = field(default_factory=dict)

    @property
    def verified(self) -> bool:
        return not self.problems and self.result is not None


def judge(facts: ReplayFacts, match: MatchFacts, ladder: Ladder, uploaded_at: datetime) -> Verdict:
    if not facts.readable:
        error = facts.error
        return Verdict([Problem(error.code, error.message)] if error else [], None)
    found = problems(facts, ladder)
    played_map = ladder_map(ladder, facts.map)
    if match.map and played_map is not None and played_map != match.map:
        found.append(Problem("wrong_map", f"the game was on {played_map}, the match on {match.map}",
                             {"played": played_map, "wanted": match.map}))  # fmt: skip
    if facts.ended_at is not None:
        if facts.ended_at < match.found_at - CLOCK_TOLERANCE:
            found.append(Problem("played_before_match", "the game ended before the match was found"))
        if facts.ended_at > uploaded_at + CLOCK_TOLERANCE:
            found.append(Problem("ended_after_upload", "the game ends after the file was uploaded"))
    slots = _slots(facts.humans, match, ladder)
    if isinstance(slots, Problem):
        found.append(slots)
        return Verdict(found, None)
    handles = {slot: p.handle for slot, p in slots.items() if p.handle}
    found.extend(_strangers(slots, match))
    if found:
        return Verdict(found, None, handles)
    return Verdict([], _result(slots), handles)


def _slots(humans: tuple[ReplayPlayer, ...], match: MatchFacts, ladder: Ladder) -> dict[int, ReplayPlayer] | Problem:
    """Which replay player is the match's player 1 and which player 2."""
    if len(humans) != 2:
        return Problem("players_unknown", "the replay does not show the match's two players")
    races = [race_code(ladder, p.race) for p in humans]
    wanted = [side.race for side in match.sides]
    if sorted(r or "" for r in races) != sorted(wanted):
        shown = ", ".join(p.race for p in humans)
        return Problem("wrong_races", f"the replay's races ({shown}) are not the match's", {"races": shown[:80]})
    if wanted[0] != wanted[1]:
        by_race = {races[0]: humans[0], races[1]: humans[1]}
        return {1: by_race[wanted[0]], 2: by_race[wanted[1]]}
    # The same race on both sides: the players' known handles tell them apart, else their in-game names.
    orders = ((humans[0], humans[1]), (humans[1], humans[0]))
    for first, second in orders:
        if first.handle in match.sides[0].handles or second.handle in match.sides[1].handles:
            return {1: first, 2: second}
    for first, second in orders:
        if game_name(first.name) in match.sides[0].names or game_name(second.name) in match.sides[1].names:
            return {1: first, 2: second}
    return Problem("players_not_told_apart", "both played the same race and neither is known by an earlier replay")


def _strangers(slots: dict[int, ReplayPlayer], match: MatchFacts) -> list[Problem]:
    """A side whose player set in-game names must have played under one of them (or a handle their verified
    replays showed): otherwise anyone with the right race could have played the game in their place."""
    found = []
    for slot, side in enumerate(match.sides, start=1):
        player = slots[slot]
        if not side.names or game_name(player.name) in side.names or (player.handle in side.handles):
            continue
        known = ", ".join(side.names_shown or sorted(side.names))
        found.append(Problem("not_the_players", f"{player.name} played side {slot}, whose in-game names are {known}",
                             {"name": player.name[:40], "known": known[:80]}))  # fmt: skip
    return found


def _result(slots: dict[int, ReplayPlayer]) -> str | None:
    one, two = slots[1].result, slots[2].result
    if one == "win" and two != "win":
        return "player1"
    if two == "win" and one != "win":
        return "player2"
    if one == two == "tie":
        return "draw"
    return None
