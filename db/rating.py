"""Rating: Elo, a pure function. Each player's rating is the one of the race they played in the match."""

from __future__ import annotations

from dataclasses import dataclass

from db.ladder import Ladder
from db.states import Result

# Who won, as the match records it.
PLAYER1 = Result.PLAYER1
PLAYER2 = Result.PLAYER2
DRAW = Result.DRAW


@dataclass(frozen=True)
class Elo:
    k_factor: float
    divisor: float
    draw_score: float = 0.5

    @classmethod
    def of(cls, ladder: Ladder) -> Elo:
        r = ladder.rating
        return cls(k_factor=r.k_factor, divisor=r.divisor, draw_score=r.draw_score)

    def expected(self, rating: float, opponent: float) -> float:
        """The score `rating` is expected to take from `opponent`, between 0 and 1."""
        return 1.0 / (1.0 + float(10.0 ** ((opponent - rating) / self.divisor)))

    def changes(self, rating1: float, rating2: float, result: str) -> tuple[float, float]:
        """How much each player's rating moves for `result` (player1, player2 or draw)."""
        scores = {PLAYER1: (1.0, 0.0), PLAYER2: (0.0, 1.0), DRAW: (self.draw_score, self.draw_score)}
        score1, score2 = scores[Result(result)]
        change1 = self.k_factor * (score1 - self.expected(rating1, rating2))
        change2 = self.k_factor * (score2 - self.expected(rating2, rating1))
        return change1, change2


@dataclass(frozen=True)
class PlayedMatch:
    """A completed match as the rating history replays it."""

    player1: tuple[int, str]  # (player id, race played)
    player2: tuple[int, str]
    result: str


@dataclass
class Record:
    rating: float
    games: int = 0
    wins: int = 0
    losses: int = 0
    draws: int = 0


def replay(
    history: list[PlayedMatch], elo: Elo, initial: dict[tuple[int, str], float], start: float
) -> dict[tuple[int, str], Record]:
    """Every (player, race) record the history implies, replayed in order from each one's initial rating (the
    ladder's start rating where none is given)."""
    records: dict[tuple[int, str], Record] = {}
    for m in history:
        r1 = records.setdefault(m.player1, Record(initial.get(m.player1, start)))
        r2 = records.setdefault(m.player2, Record(initial.get(m.player2, start)))
        c1, c2 = elo.changes(r1.rating, r2.rating, m.result)
        r1.rating += c1
        r2.rating += c2
        counted = {PLAYER1: ("wins", "losses"), PLAYER2: ("losses", "wins"), DRAW: ("draws", "draws")}
        outcomes = counted[Result(m.result)]
        for record, outcome in zip((r1, r2), outcomes, strict=True):
            record.games += 1
            setattr(record, outcome, getattr(record, outcome) + 1)
    return records
