"""Replays through a real worker: stored once, read on the worker, judged against the match; a verified one
settles a match being played (the rating moves once), a bad one fails with its reason and the worker lives on."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker

from db.replays import MAX_REPLAY_BYTES, store_upload
from tests.ladder_tables import dump

REPLAYS = Path(__file__).resolve().parent.parent / "fixtures" / "replays"
LOTV = (REPLAYS / "lotv_lotv1.SC2Replay").read_bytes()  # Zenchii (Terran) lost to Benkei (Zerg), Orbital Shipyard
# A ladder of StarCraft II races alone, whose pool holds the replays' maps.
SC2_LADDER = """
[ladder]
name = "StarCraft II 1v1"
[[races]]
code = "terran"
name = "Terran"
[[races]]
code = "zerg"
name = "Zerg"
[[races]]
code = "protoss"
name = "Protoss"
[maps]
pool = ["Orbital Shipyard", "Odyssey LE"]
[[regions]]
code = "EU"
name = "Europe"
[servers]
default_region = "EU"
fallback = "Europe"
[rating]
start = 1500
k_factor = 40
divisor = 500
[matchmaking]
window_base = 100
window_growth = 50
max_wait_s = 900
[replays]
mode = "optional"
lobby = { "Game Speed" = "Faster" }
"""


@pytest.fixture
def replay_worker(tmp_path: Path, spawn_worker: Any) -> Any:
    ladder = tmp_path / "sc2.toml"
    ladder.write_text(SC2_LADDER)
    return spawn_worker(LADDER_CONFIG=str(ladder))


def _match(engine: Engine, match_id: int, races: tuple[str, str], state: str = "confirmed") -> None:
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO players (id) VALUES (1), (2) ON CONFLICT DO NOTHING"))
        conn.execute(text("INSERT INTO ratings (player_id, race, rating) VALUES (1, :r1, 1500), (2, :r2, 1500)"
                          " ON CONFLICT DO NOTHING"), {"r1": races[0], "r2": races[1]})  # fmt: skip
        conn.execute(
            text(
                "INSERT INTO matches (id, player1_id, player2_id, player1_race, player2_race, player1_rating,"
                " player2_rating, server, map, state, created_at) VALUES (:m, 1, 2, :r1, :r2, 1500, 1500, 'Europe',"
                " 'Orbital Shipyard', :state, '2015-09-12 20:00:00+00')"
            ),
            {"m": match_id, "r1": races[0], "r2": races[1], "state": state},
        )


def _check(celery_app: Any, worker: Any, upload_id: int) -> str:
    return str(celery_app.send_task("ladder.check_replay", args=[upload_id], queue=worker.queue).get(timeout=60))


def test_a_verified_replay_settles_the_match_once(
    engine: Engine, sessions: sessionmaker[Session], celery_app: Any, replay_worker: Any
) -> None:
    _match(engine, 1, ("terran", "zerg"))
    with sessions.begin() as session:
        stored = store_upload(session, 1, 1, "game.SC2Replay", LOTV)
    assert stored.upload_id is not None
    assert _check(celery_app, replay_worker, stored.upload_id) == "settled"
    with engine.connect() as conn:
        match = conn.execute(text("SELECT state, result, player1_rating_change FROM matches WHERE id = 1")).one()
        upload = conn.execute(text("SELECT state, result, problems, summary, handles FROM replay_uploads")).one()
        ratings = dict(conn.execute(text("SELECT player_id, rating FROM ratings")).all())
        events = conn.execute(text("SELECT type FROM outbox")).scalars().all()
    assert (match.state, match.result) == ("completed", "player2")  # Benkei, playing Zerg for player 2, won
    assert (upload.state, upload.result, upload.problems) == ("verified", "player2", [])
    assert upload.summary["map"] == "Orbital Shipyard" and upload.handles == {"1": "98-S2-1-320421",
                                                                               "2": "98-S2-1-165198"}  # fmt: skip
    assert ratings == {1: 1480.0, 2: 1520.0} and events == ["match_completed"]
    # The same upload checked again, and the same file uploaded again: the rating does not move twice.
    assert _check(celery_app, replay_worker, stored.upload_id) == "already verified"
    with sessions.begin() as session:
        assert store_upload(session, 1, 2, "again.SC2Replay", LOTV).refused == "match_closed"
    with engine.connect() as conn:
        assert dict(conn.execute(text("SELECT player_id, rating FROM ratings")).all()) == ratings


def test_a_replay_of_other_races_fails_and_settles_nothing(
    engine: Engine, sessions: sessionmaker[Session], celery_app: Any, replay_worker: Any
) -> None:
    _match(engine, 2, ("protoss", "zerg"))
    with sessions.begin() as session:
        stored = store_upload(session, 2, 2, "game.SC2Replay", LOTV)
    assert stored.upload_id is not None and _check(celery_app, replay_worker, stored.upload_id) == "failed"
    with engine.connect() as conn:
        assert conn.execute(text("SELECT state FROM matches WHERE id = 2")).scalar() == "confirmed"
        problems = conn.execute(text("SELECT problems FROM replay_uploads")).scalar()
    assert [p["code"] for p in problems] == ["wrong_races"]


def test_bad_files_fail_with_a_reason_and_the_worker_lives_on(
    engine: Engine, sessions: sessionmaker[Session], celery_app: Any, replay_worker: Any
) -> None:
    _match(engine, 3, ("terran", "zerg"))
    bad = {"random.SC2Replay": bytes(range(256)) * 40, "truncated.SC2Replay": LOTV[: len(LOTV) // 3]}
    codes = {}
    for name, data in bad.items():
        with sessions.begin() as session:
            stored = store_upload(session, 3, 1, name, data)
        assert stored.upload_id is not None and _check(celery_app, replay_worker, stored.upload_id) == "failed"
        with engine.connect() as conn:
            problems = conn.execute(text("SELECT problems FROM replay_uploads WHERE id = :u"),
                                    {"u": stored.upload_id}).scalar()  # fmt: skip
        codes[name] = [p["code"] for p in problems]
    assert codes == {"random.SC2Replay": ["not_a_replay"], "truncated.SC2Replay": ["unreadable"]}
    assert replay_worker.process.poll() is None  # the worker is still there
    with engine.connect() as conn:
        assert conn.execute(text("SELECT state FROM matches WHERE id = 3")).scalar() == "confirmed"


def test_uploads_refused_before_anything_is_written(engine: Engine, sessions: sessionmaker[Session]) -> None:
    _match(engine, 4, ("terran", "zerg"))
    _match(engine, 5, ("terran", "zerg"), state="awaiting_confirmation")
    _match(engine, 6, ("terran", "zerg"))
    with sessions.begin() as session:
        assert store_upload(session, 4, 1, "x.SC2Replay", LOTV).upload_id is not None
    before = dump(engine)
    refusals = []
    for match_id, player_id, data in (
        (4, 1, b""),
        (4, 1, b"x" * (MAX_REPLAY_BYTES + 1)),
        (4, 3, LOTV),  # not a player of the match
        (5, 1, LOTV[:-1]),  # a match not being played
        (99, 1, LOTV[:-2]),  # no such match
        (6, 1, LOTV),  # the file of another match
    ):
        with sessions.begin() as session:
            refusals.append(store_upload(session, match_id, player_id, "x.SC2Replay", data).refused)
    assert refusals == ["empty", "too_big", "not_your_match", "match_closed", "not_your_match",
                        "used_for_another_match"]  # fmt: skip
    assert dump(engine) == before
