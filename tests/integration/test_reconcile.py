"""The daily check of the ratings against the match history, run by a real worker: a consistent ladder (an
admin's rating setting included) is left alone; a change applied twice and a counter that drifted are told to the
admins' channel; the admins' repair sets them to what the history says, audited, and the next check is clean."""

from __future__ import annotations

from typing import Any

import redis
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker

from db import admin
from db.events import RATINGS_DRIFT
from db.ladder import Ladder
from tests.integration.conftest import Worker
from tests.integration.helpers import stream_events

ANN, BEN, CID = 1, 2, 3


def _history(engine: Engine) -> None:
    """Ann beat Ben twice (+20 then +18.9), then drew Cid; stored exactly as the history says."""
    games = [
        (ANN, BEN, "player1", 20.0, -20.0, 3),
        (ANN, BEN, "player1", 18.9, -18.9, 2),
        (CID, ANN, "draw", 0.5, -0.5, 1),
    ]
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO players (id) VALUES (1), (2), (3)"))
        for one, two, result, c1, c2, days in games:
            conn.execute(
                text(
                    "INSERT INTO matches (player1_id, player2_id, player1_race, player2_race, player1_rating,"
                    " player2_rating, server, state, result, player1_rating_change, player2_rating_change, ended_at)"
                    " VALUES (:one, :two, 'bw_zerg', 'bw_zerg', 1500, 1500, 'x', 'completed', :result, :c1, :c2,"
                    " now() - make_interval(days => :days))"
                ),
                {"one": one, "two": two, "result": result, "c1": c1, "c2": c2, "days": days},
            )
        conn.execute(
            text(
                "INSERT INTO ratings (player_id, race, rating, games, wins, losses, draws) VALUES"
                " (1, 'bw_zerg', 1538.4, 3, 2, 0, 1), (2, 'bw_zerg', 1461.1, 2, 0, 2, 0),"
                " (3, 'bw_zerg', 1500.5, 1, 0, 0, 1)"
            )
        )


async def test_drift_is_told_to_the_admins_and_repaired_once(
    engine: Engine, sessions: sessionmaker[Session], ladder: Ladder, celery_app: Any, worker: Worker,
    redis_client: redis.Redis, stream: str,
) -> None:  # fmt: skip
    def check() -> int:
        return int(celery_app.send_task("ladder.check_ratings", queue=worker.queue).get(timeout=30))

    _history(engine)
    with sessions.begin() as session:  # an admin sets Cid's rating: the history goes on from there
        admin.set_rating(session, 99, CID, "bw_zerg", 1600, ladder)
    assert check() == 0 and stream_events(redis_client, stream) == []

    with engine.begin() as conn:  # Ben's last loss applied twice; Ann's draw counted as a win
        conn.execute(text("UPDATE ratings SET rating = rating - 18.9 WHERE player_id = :p"), {"p": BEN})
        conn.execute(text("UPDATE ratings SET wins = wins + 1, draws = draws - 1 WHERE player_id = :p"), {"p": ANN})
    assert check() == 2
    [told] = stream_events(redis_client, stream)
    assert told.type == RATINGS_DRIFT and told.player_ids == ()
    assert told.payload["count"] == 2
    rounded = [(d["player_id"], [round(v, 6) for v in d["stored"]], [round(v, 6) for v in d["expected"]])
               for d in told.payload["drifts"]]  # fmt: skip
    assert rounded == [
        (ANN, [1538.4, 3, 3, 0, 0], [1538.4, 3, 2, 0, 1]),
        (BEN, [1442.2, 2, 0, 2, 0], [1461.1, 2, 0, 2, 0]),
    ]

    with sessions.begin() as session:
        done = admin.repair_ratings(session, 99, ladder)
    assert done.changed and done.params["count"] == 2
    with sessions.begin() as session:
        assert not admin.repair_ratings(session, 99, ladder).changed  # nothing left to repair
    with engine.connect() as conn:
        ben = conn.execute(text("SELECT rating FROM ratings WHERE player_id = :p"), {"p": BEN}).scalar_one()
        repaired = conn.execute(text("SELECT player_id FROM audit_log WHERE action = 'rating_repair' ORDER BY id"))
        assert abs(ben - 1461.1) < 1e-9 and list(repaired.scalars()) == [ANN, BEN]
    assert check() == 0
