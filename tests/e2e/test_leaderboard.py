"""The leaderboard as a player uses it: a country picked by autocomplete, the pages turned, a page typed in the
jump form, the races and rank picked, best race only, every country again; and forged or bad input answered
politely, the board unchanged."""

from __future__ import annotations

import re

from sqlalchemy import Engine, text

from db.ladder import Ladder
from sandbox.discord_standin import StandIn
from sandbox.discord_standin.models import InteractionResult, Message
from tests.e2e.conftest import BotProcess, new_user
from tests.e2e.hostile import polite

COUNTRY = "NZ"  # no other test's players come from New Zealand
PLAYERS = 23


def _seed(engine: Engine) -> dict[str, list[tuple[str, str, int]]]:
    """23 Kiwis: every one plays Zerg (Brood War), every other one Terran (StarCraft II) too, 5 points better.
    Returns the boards by hand: (name, race, rating) best first, of every race and of best races only."""
    rows: list[tuple[str, str, int]] = []
    with engine.begin() as conn:
        for i in range(PLAYERS):
            player, name = new_user(), f"Kiwi{i:02d}"
            conn.execute(text("INSERT INTO players (id, display_name, country) VALUES (:p, :n, :c)"),
                         {"p": player, "n": name, "c": COUNTRY})  # fmt: skip
            races = [("bw_zerg", 1000 + 10 * i)] + ([("sc2_terran", 1005 + 10 * i)] if i % 2 else [])
            for race, rating in races:
                conn.execute(
                    text(
                        "INSERT INTO ratings (player_id, race, rating, games, wins, losses, draws, last_played_at)"
                        " VALUES (:p, :r, :rating, 3, 2, 1, 0, now())"
                    ),
                    {"p": player, "r": race, "rating": rating},
                )
                rows.append((name, race, rating))
    every = sorted(rows, key=lambda r: -r[2])
    best: dict[str, tuple[str, str, int]] = {}
    for row in every:
        best.setdefault(row[0], row)
    return {"every": every, "best": list(best.values())}


def _names(message: Message) -> list[str]:
    return re.findall(r"\*\*[0-9,]+\.\*\* \S+ (Kiwi[0-9]{2}) ·", message.text())


def _shown(result: InteractionResult) -> Message:
    assert result.answered and not result.failed and result.message is not None
    return result.message


def _id(message: Message, prefix: str) -> str:
    return next(c for c in message.custom_ids() if c.startswith(prefix))


async def test_a_country_board_pages_jumps_and_filters(
    bot: BotProcess, standin: StandIn, ladder: Ladder, engine: Engine
) -> None:
    boards = _seed(engine)
    viewer = new_user()
    suggested = await standin.autocomplete(viewer, "leaderboard", "country", "new zea")
    assert suggested.choices and suggested.choices[0]["value"] == COUNTRY

    board = _shown(await standin.run_command(viewer, "leaderboard", {"country": COUNTRY}))
    every = [name for name, _, _ in boards["every"]]
    assert board.ephemeral and "Page 1 of 4 · 34 entries" in board.text() and "🇳🇿" in board.text()
    assert _names(board) == every[:10]

    board = _shown(await standin.press_button(viewer, board.id, _id(board, "ladder:board:next:")))
    assert "Page 2 of 4" in board.text() and _names(board) == every[10:20]
    board = _shown(await standin.press_button(viewer, board.id, _id(board, "ladder:board:last:")))
    assert "Page 4 of 4" in board.text() and _names(board) == every[30:]
    assert standin.store.messages[board.id].component(_id(board, "ladder:board:next:"))["disabled"]  # type: ignore[index]

    # Go to page: a page typed in the form; one that is not a number is refused, the board as it was.
    await standin.press_button(viewer, board.id, _id(board, "ladder:board:jump:"))
    board = _shown(await standin.submit_modal(viewer, {"page": "2"}))
    assert "Page 2 of 4" in board.text() and _names(board) == every[10:20]
    await standin.press_button(viewer, board.id, _id(board, "ladder:board:jump:"))
    refused = polite(await standin.submit_modal(viewer, {"page": "two"}))
    assert "is not a page number" in refused.text()
    assert _names(standin.store.messages[board.id]) == every[10:20]
    await standin.press_button(viewer, board.id, _id(board, "ladder:board:jump:"))
    board = _shown(await standin.submit_modal(viewer, {"page": "99"}))
    assert "The board has 4 pages; here is the last." in board.text() and _names(board) == every[30:]

    # Best race only: each Kiwi once, the odd ones in Terran.
    board = _shown(await standin.press_button(viewer, board.id, _id(board, "ladder:board:best:")))
    best = boards["best"]
    assert "Page 1 of 3 · 23 entries" in board.text() and _names(board) == [n for n, _, _ in best[:10]]
    assert "each player's best race only" in board.text()

    # One race picked: Zerg only.
    board = _shown(await standin.pick(viewer, board.id, _id(board, "ladder:boardraces:"), ["bw_zerg"]))
    zerg = [name for name, race, _ in boards["every"] if race == "bw_zerg"]
    assert "23 entries" in board.text() and _names(board) == zerg[:10]

    # A rank: every row shown is of it.
    rank = _id(board, "ladder:boardrank:")
    picked = _shown(await standin.pick(viewer, board.id, rank, ["3"]))
    band = ladder.ranks.bands[3]
    lines = [line for line in picked.text().splitlines() if line.startswith("**")]
    assert all(line.endswith(f"{band.badge} {band.name}") for line in lines)
    assert f"rank {band.name}" in picked.text()

    # Forged: a rank past the last, a race the ladder does not have, a control the board does not show.
    before = standin.store.messages[board.id].text()
    rank = _id(picked, "ladder:boardrank:")
    for custom_id, values in ((rank, ["99"]), (_id(picked, "ladder:boardraces:"), ["zz_zerg"])):
        answer = polite(await standin.pick(viewer, board.id, custom_id, values, forged=True))
        assert "not one this leaderboard drew" in answer.text()
    forged = "ladder:board:next:2:0:NZ:-:0"
    answer = polite(await standin.press_button(viewer, board.id, forged, forged=True))
    assert "not on this message" in answer.text()
    assert standin.store.messages[board.id].text() == before

    every_rank = _shown(await standin.pick(viewer, board.id, rank, ["all"]))
    assert "23 entries" in every_rank.text() and _names(every_rank) == zerg[:10]

    # Every country again: the filter gone.
    board = _shown(await standin.run_command(viewer, "leaderboard", {"country": "New Zealand", "rank": "b"}))
    board = _shown(await standin.press_button(viewer, board.id, _id(board, "ladder:board:world:")))
    assert ":NZ:" not in _id(board, "ladder:boardraces:") and "New Zealand" not in board.text()


async def test_bad_options_are_answered_politely(bot: BotProcess, standin: StandIn, engine: Engine) -> None:
    viewer = new_user()
    for options, said in (
        ({"country": "Atlantis"}, "country"),
        ({"rank": "Z"}, "not a rank of this ladder"),
        ({"race": "elves"}, "not a race of this ladder"),
    ):
        answer = polite(await standin.run_command(viewer, "leaderboard", options, forged=True))
        assert said in answer.text(), answer.text()
    suggested = await standin.autocomplete(viewer, "leaderboard", "race", "zerg")
    assert suggested.choices and {c["value"] for c in suggested.choices} == {"bw_zerg", "sc2_zerg"}
    # A race's name typed by hand is read as its code.
    board = polite(await standin.run_command(viewer, "leaderboard", {"race": "sc2_zerg"}))
    assert "Leaderboard" in board.text()
