"""Bulk writes for the wave: COPY rows whose serial ids are drawn first, so the caller gets them back.

A wave writes thousands of rows; binding them as array parameters costs several times what streaming them
with COPY does (4,800 outbox payloads: 300 ms against 55 ms).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from psycopg import sql
from sqlalchemy import text
from sqlalchemy.orm import Session

_NEXT_IDS = text("SELECT nextval(pg_get_serial_sequence(:table, 'id')) FROM generate_series(1, :n)")


def copy_rows(session: Session, table: str, columns: Sequence[str], rows: Sequence[Iterable[Any]]) -> list[int]:
    """Writes `rows` (values for `columns`) into `table` in the session's transaction; returns their new ids,
    rising, in the order of `rows`."""
    if not rows:
        return []
    ids = list(session.execute(_NEXT_IDS, {"table": table, "n": len(rows)}).scalars())
    driver = session.connection().connection.driver_connection
    assert driver is not None, "the session's connection is open: it just ran a statement"
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table), sql.SQL(", ").join(sql.Identifier(c) for c in ("id", *columns))
    )
    with driver.cursor() as cursor, cursor.copy(statement) as copy:
        for row_id, row in zip(ids, rows, strict=True):
            copy.write_row((row_id, *row))
    return ids
