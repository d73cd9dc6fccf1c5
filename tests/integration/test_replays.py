"""Replays through a real worker: stored once, read on the worker, judged against the match; a verified one
settles a match being played (the rating moves once), a bad one fails with its reason and the worker lives on."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker

from bot.catalogs import source_words
from bot.drawing.refusals import refusal_text
from db.refusals import Why
from db.replays import MAX_REPLAY_BYTES, MOST_UPLOADS_PER_MATCH, Stored, file_of, store_upload, uploads_of
from tests.ladder_tables import dump
from workers.replays.handover import forget_old_replays, hand_over_lost

REPLAYS = Path(__file__).resolve().parent.parent / "fixtures" / "replays"
LOTV = (REPLAYS / "lotv_lotv1.SC2Replay").read_bytes()  # Zenchii (Terran) lost to Benkei (Zerg), Orbital Shipyard
SC2_LADDER = Path(__file__).resolve().parent.parent / "fixtures" / "sc2_ladder.toml"


@pytest.fixture
def replay_worker(tmp_path: Path, spawn_worker: Any) -> Any:
    return spawn_worker(LADDER_CONFIG=str(SC2_LADDER))


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


def _why(stored: Stored) -> Why | None:
    return stored.refused.why if stored.refused is not None else None


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
        assert _why(store_upload(session, 1, 2, "again.SC2Replay", LOTV)) == Why.REPLAY_MATCH_CLOSED
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
            refusals.append(_why(store_upload(session, match_id, player_id, "x.SC2Replay", data)))
    assert refusals == [Why.REPLAY_EMPTY, Why.REPLAY_TOO_BIG, Why.REPLAY_NOT_YOUR_MATCH, Why.REPLAY_MATCH_CLOSED,
                        Why.REPLAY_NOT_YOUR_MATCH, Why.REPLAY_USED_ELSEWHERE]  # fmt: skip
    assert dump(engine) == before
    with sessions.begin() as session:
        unconfirmed = store_upload(session, 5, 1, "x.SC2Replay", LOTV[:-1]).refused
    assert unconfirmed is not None and unconfirmed.params == {"match_id": 5, "state": "awaiting_confirmation"}
    assert "not confirmed yet" in refusal_text(source_words(), unconfirmed)


def _events(engine: Engine) -> list[tuple[str, dict[str, Any]]]:
    with engine.connect() as conn:
        return [(r.type, r.payload) for r in conn.execute(text("SELECT type, payload FROM outbox ORDER BY id"))]


def test_a_replay_against_a_report_disputes_the_match_with_the_replay_as_evidence(
    engine: Engine, sessions: sessionmaker[Session], celery_app: Any, replay_worker: Any
) -> None:
    _match(engine, 7, ("terran", "zerg"))
    with engine.begin() as conn:  # player 1 (Zenchii, who lost in the replay) reported a win
        conn.execute(text("UPDATE matches SET player1_report = 'win' WHERE id = 7"))
    with sessions.begin() as session:
        stored = store_upload(session, 7, 2, "game.SC2Replay", LOTV)
    assert stored.upload_id is not None and _check(celery_app, replay_worker, stored.upload_id) == "disputed"
    with engine.connect() as conn:
        match = conn.execute(text("SELECT state, end_reason, result FROM matches WHERE id = 7")).one()
        moved = conn.execute(text("SELECT count(*) FROM ratings WHERE rating <> 1500")).scalar()
    assert tuple(match) == ("disputed", "replay_differs", None) and moved == 0
    [(type_, payload)] = _events(engine)
    assert type_ == "match_disputed"
    assert payload["replay"]["state"] == "verified" and payload["replay"]["winner"] == 2
    assert payload["replay"]["uploaded_by"] == 2 and [p["race_code"] for p in payload["replay"]["players"]] == [
        "terran",
        "zerg",
    ]


def test_a_failed_replay_tells_both_players_why(
    engine: Engine, sessions: sessionmaker[Session], celery_app: Any, replay_worker: Any
) -> None:
    _match(engine, 8, ("protoss", "zerg"))
    with sessions.begin() as session:
        stored = store_upload(session, 8, 1, "game.SC2Replay", LOTV, {"token": "t", "application_id": "1"})
    assert stored.upload_id is not None and _check(celery_app, replay_worker, stored.upload_id) == "failed"
    [(type_, payload)] = _events(engine)
    assert type_ == "replay_checked" and payload["state"] == "confirmed"
    assert payload["replay"]["state"] == "failed" and payload["replay"]["winner"] is None
    assert payload["replay"]["problems"] == [{"code": "wrong_races", "params": {"races": "Terran, Zerg"}}]
    # The uploader's answer to /replay is where they see the outcome: it is their match message now.
    assert payload["message_refs"]["1"] == {"token": "t", "application_id": "1"}


def test_the_same_file_twice_and_too_many_uploads_are_refused(engine: Engine, sessions: sessionmaker[Session]) -> None:
    _match(engine, 9, ("terran", "zerg"))
    with sessions.begin() as session:
        assert store_upload(session, 9, 1, "x.SC2Replay", LOTV).upload_id is not None
    with sessions.begin() as session:
        assert _why(store_upload(session, 9, 2, "y.SC2Replay", LOTV)) == Why.REPLAY_ALREADY_SENT
    for n in range(MOST_UPLOADS_PER_MATCH - 1):
        with sessions.begin() as session:
            assert store_upload(session, 9, 1, "x.SC2Replay", LOTV + bytes([n])).upload_id is not None
    before = dump(engine)
    with sessions.begin() as session:
        assert _why(store_upload(session, 9, 1, "x.SC2Replay", LOTV + b"more")) == Why.REPLAY_TOO_MANY
    assert dump(engine) == before


def test_a_lost_hand_over_is_made_again_and_the_replay_is_read(
    engine: Engine, sessions: sessionmaker[Session], celery_app: Any, replay_worker: Any
) -> None:
    """The bot stored the upload but never handed it to the readers (it died, or the broker was down)."""
    _match(engine, 10, ("terran", "zerg"))
    with sessions.begin() as session:
        stored = store_upload(session, 10, 1, "game.SC2Replay", LOTV)
    sent: list[int] = []

    def send(upload_id: int, expires: float) -> None:
        sent.append(upload_id)
        celery_app.send_task("ladder.check_replay", args=[upload_id], queue=replay_worker.queue, expires=expires)

    assert hand_over_lost(sessions, send, after_s=60) == 0  # too young: its own hand-over may be on its way
    with engine.begin() as conn:
        conn.execute(text("UPDATE replay_uploads SET queued_at = now() - interval '2 minutes'"))
    assert hand_over_lost(sessions, send, after_s=60) == 1 and sent == [stored.upload_id]
    assert hand_over_lost(sessions, send, after_s=60) == 0  # handed over just now: not again yet
    deadline = time.monotonic() + 60
    while _upload_state(engine, stored.upload_id) == "pending" and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _upload_state(engine, stored.upload_id) == "verified"


def test_a_file_that_keeps_killing_its_reader_is_failed_not_read_again(
    engine: Engine, sessions: sessionmaker[Session], celery_app: Any, replay_worker: Any
) -> None:
    _match(engine, 11, ("terran", "zerg"))
    with sessions.begin() as session:
        stored = store_upload(session, 11, 1, "game.SC2Replay", LOTV)
    with engine.begin() as conn:  # three readers took it and never came back
        conn.execute(text("UPDATE replay_uploads SET attempts = 3"))
    assert stored.upload_id is not None and _check(celery_app, replay_worker, stored.upload_id) == "failed"
    [(_, payload)] = _events(engine)
    assert [p["code"] for p in payload["replay"]["problems"]] == ["reader_crashed"]


def test_old_files_are_let_go_and_what_was_read_is_kept(
    engine: Engine, sessions: sessionmaker[Session], celery_app: Any, replay_worker: Any
) -> None:
    _match(engine, 12, ("terran", "zerg"))
    _match(engine, 13, ("terran", "zerg"))
    with sessions.begin() as session:
        old = store_upload(session, 12, 1, "old.SC2Replay", LOTV)
        young = store_upload(session, 13, 1, "young.SC2Replay", LOTV[:-1])
    assert old.upload_id is not None and young.upload_id is not None
    assert _check(celery_app, replay_worker, old.upload_id) == "settled"
    with engine.begin() as conn:
        conn.execute(text("UPDATE replay_files SET stored_at = now() - interval '200 days' WHERE size = :n"),
                     {"n": len(LOTV)})  # fmt: skip
        conn.execute(text("UPDATE replay_uploads SET uploaded_at = now() - interval '200 days' WHERE id = :u"),
                     {"u": old.upload_id})  # fmt: skip
    assert forget_old_replays(sessions, keep_days=180) == 1
    assert forget_old_replays(sessions, keep_days=180) == 0
    with sessions() as session:
        assert file_of(session, old.upload_id) is None
        assert file_of(session, young.upload_id) == ("young.SC2Replay", LOTV[:-1])
        [shown] = [u for u in uploads_of(session, 12)]
    assert not shown.kept and shown.state == "verified" and shown.summary is not None
    assert shown.summary["map"] == "Orbital Shipyard"


def _upload_state(engine: Engine, upload_id: int | None) -> str:
    with engine.connect() as conn:
        return str(conn.execute(text("SELECT state FROM replay_uploads WHERE id = :u"), {"u": upload_id}).scalar())
