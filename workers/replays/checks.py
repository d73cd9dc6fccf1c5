"""The checks a replay must pass that need no match: a 1v1 between two humans with nobody watching, a result,
and, against the ladder, races and a map the ladder knows and the lobby settings it asks for. Pure: facts in,
problems out. Each problem has a code (what the bot will word for a player) and an operator's message."""

from __future__ import annotations

from dataclasses import dataclass, field

from db.ladder import Ladder
from workers.replays.facts import ReplayFacts


@dataclass(frozen=True)
class Problem:
    code: str
    message: str
    # What the bot needs to word the problem for a player, in their language (the message is the operator's).
    params: dict[str, str | int] = field(default_factory=dict)


def race_code(ladder: Ladder, race: str) -> str | None:
    return ladder.race_by_replay_name.get(race.casefold())


def ladder_map(ladder: Ladder, map_name: str | None) -> str | None:
    return ladder.map_by_replay_name.get(map_name.casefold()) if map_name else None


def problems(facts: ReplayFacts, ladder: Ladder | None = None) -> list[Problem]:
    if not facts.readable:
        return []
    found: list[Problem] = []
    computers = [p for p in facts.players if not p.human]
    if computers:
        names = ", ".join(p.name for p in computers)
        found.append(Problem("ai_player", f"{len(computers)} computer player(s) took part: {names}",
                             {"count": len(computers)}))  # fmt: skip
    if len(facts.players) != 2:
        found.append(Problem("not_one_v_one", f"{len(facts.players)} players took part, not 2",
                             {"count": len(facts.players)}))  # fmt: skip
    if facts.observers:
        found.append(Problem("observers", f"{facts.observers} observer(s) watched the game",
                             {"count": facts.observers}))  # fmt: skip
    if len(facts.players) == 2 and not any(p.result == "win" for p in facts.players):
        found.append(Problem("no_winner", "the replay records no winner"))
    if ladder is not None:
        for p in facts.players:
            if p.human and race_code(ladder, p.race) is None:
                found.append(Problem("unknown_race", f"{p.name} played {p.race!r}, not a race of this ladder",
                                     {"race": p.race[:40]}))  # fmt: skip
        if ladder.maps.pool and ladder_map(ladder, facts.map) is None:
            found.append(Problem("unknown_map", f"{facts.map!r} is not a map of this ladder's pool",
                                 {"map": (facts.map or "")[:80]}))  # fmt: skip
        for setting, wanted in ladder.replays.lobby.items():
            shown = facts.lobby.get(setting)
            if shown != wanted:
                found.append(Problem("lobby_setting", f"{setting} was {shown!r}, the ladder plays {wanted!r}",
                                     {"setting": setting, "shown": (shown or "")[:40], "wanted": wanted}))  # fmt: skip
    return found
