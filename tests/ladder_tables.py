"""Every table of the ladder, as the tests read and reset them: built from the models, never from strings."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Engine, select, text

from db.models import Base

# One literal statement: the tables are fixed, so nothing is formatted into it.
TRUNCATE_ALL = text(
    "TRUNCATE audit_log, delivery_failures, deliveries, outbox, queue_entries, matches, waves, queue_choices, "
    "ratings, players, replay_uploads, replay_files RESTART IDENTITY CASCADE"
)


def truncate_all(conn: Connection) -> None:
    conn.execute(TRUNCATE_ALL)


def dump(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table ordered by its primary key, to prove a refused request changed nothing."""
    with engine.connect() as conn:
        return {
            table.name: [tuple(r) for r in conn.execute(select(table).order_by(*table.primary_key.columns))]
            for table in Base.metadata.sorted_tables
        }
