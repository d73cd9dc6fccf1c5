"""Drawing a message in each language against drawing it in English: the same views (a match in each of its
states, the queue's setup and searching views, a profile, a leaderboard page, a refusal), built with the
language's catalog, its ladder names and its number formats. Pure CPU in this process: no Discord, no database.

Each language is timed in turn, round after round, so a busy moment of the machine falls on all of them alike;
the figure is the median round's time per drawing, and its ratio to English's median in the same run.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from bot.catalogs import load_catalogs
from bot.drawing.leaderboard import board_rendering
from bot.drawing.match import match_rendering
from bot.drawing.profile import profile_embed
from bot.drawing.refusals import refusal_text
from bot.drawing.searching import searching_embed, searching_view
from bot.drawing.setup import SetupState, setup_embed, setup_view
from bot.languages import LANGUAGES, SOURCE
from bot.queue_choice import QueueChoice
from bot.queue_service import Joined, QueueSnapshot
from bot.words import Words
from db.ladder import load_ladder
from db.leaderboard import BoardFilter, BoardPage, BoardRow
from db.players import PastMatch, Profile, RaceStanding
from db.refusals import Refusal, Why

ROUNDS = 31
DRAWINGS_PER_ROUND = 200
ME, THEM = 1_000_000_001, 1_000_000_002


def _views(words: Words) -> list[Callable[[], Any]]:
    """One of each kind of message a player sees, as the bot draws it."""
    ladder = LADDER
    me = {"player_id": ME, "display_name": "Kim", "race": "bw_zerg", "race_name": "BW Zerg", "rating": 1523,
          "confirmed": True, "report": None, "rating_change": 18.4}  # fmt: skip
    them = {**me, "player_id": THEM, "display_name": "Ivan", "race": "sc2_terran", "confirmed": False}
    base: dict[str, Any] = {"match_id": 12345, "map": "Radeon", "server": "Korea",
                            "confirm_by": "2026-11-29T12:00:00+00:00", "players": [me, them]}  # fmt: skip
    matches = [
        {**base, "state": "awaiting_confirmation"},
        {**base, "state": "confirmed", "report_by": "2026-11-29T15:00:00+00:00"},
        {**base, "state": "completed", "result": "player1", "new_ratings": {str(ME): 1541, str(THEM): 1505}},
        {**base, "state": "aborted", "end_reason": "timeout", "requeue": [ME]},
    ]
    state = SetupState(("bw_zerg", "sc2_terran"), ("Pylon", "Khione"))
    joined = Joined(7, NOW, QueueChoice(state.races, state.vetoes), {"bw_zerg": 1523, "sc2_terran": 1490})
    snapshot = QueueSnapshot(42, 120, 60, NOW, NOW, 95, 30)
    standings = [RaceStanding(r.code, 1500 + i, 40, 20, 18, 2, "B", 120 + i) for i, r in enumerate(ladder.races)]
    recent = [
        PastMatch(900 + i, "completed", "win", THEM, "Ivan", "bw_zerg", "sc2_terran", 12.5, NOW) for i in range(5)
    ]
    profile = Profile(ME, "Kim", "KRJ", False, standings, recent)
    rows = [BoardRow(i + 1, THEM + i, f"Player {i}", "KR", "bw_zerg", 2100 - 7 * i, 50, 20, 1, "S") for i in range(10)]
    board = BoardPage(BoardFilter(country="KR").of(ladder), 1, 12, 115, rows)
    refusal = Refusal(Why.TOO_MANY_VETOES, {"most": 4, "chosen": 6})
    return [
        *(lambda m=m: match_rendering(m, ME, "", words) for m in matches),  # type: ignore[misc]
        lambda: (setup_embed(ladder, words), setup_view(ladder, ME, state, words)),
        lambda: (searching_embed(ladder, joined, snapshot, 45, words), searching_view(ME, words)),
        lambda: profile_embed(ladder, profile, words),
        lambda: board_rendering(ladder, board, words),
        lambda: refusal_text(words, refusal),
    ]


LADDER = load_ladder()
NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)


def measure(rounds: int = ROUNDS, per_round: int = DRAWINGS_PER_ROUND) -> dict[str, Any]:
    catalogs = load_catalogs(LADDER)
    views = {code: _views(catalogs.words(code)) for code in LANGUAGES}
    for draw in (d for drawn in views.values() for d in drawn):
        draw()  # warm: the first drawing fills the number caches and imports nothing later
    times: dict[str, list[float]] = {code: [] for code in LANGUAGES}
    for _ in range(rounds):
        for code, drawings in views.items():
            began = time.perf_counter()
            for i in range(per_round):
                drawings[i % len(drawings)]()
            times[code].append((time.perf_counter() - began) / per_round * 1e6)
    medians = {code: round(statistics.median(t), 2) for code, t in times.items()}
    english = medians[SOURCE]
    ratios = {code: round(m / english, 3) for code, m in medians.items()}
    return {
        "rounds": rounds,
        "drawings_per_round": per_round,
        "kinds": len(views[SOURCE]),
        "median_us": medians,
        "ratio_to_english": ratios,
        "ratio_max": max(r for code, r in ratios.items() if code != SOURCE),
    }


if __name__ == "__main__":
    print(measure())
