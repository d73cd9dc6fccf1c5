"""Structured logs: a record carries the match and player of what it is about, and only those."""

from __future__ import annotations

import asyncio
import io
import json
import logging
from collections.abc import Iterator

import pytest

from db.logs import ContextFilter, JsonFormatter, TextFormatter, log_context


@pytest.fixture
def lines() -> Iterator[tuple[logging.Logger, io.StringIO]]:
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(ContextFilter())
    logger = logging.getLogger("test.logs")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    yield logger, out
    logger.removeHandler(handler)


def records(out: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_a_line_inside_a_context_carries_its_ids(lines: tuple[logging.Logger, io.StringIO]) -> None:
    logger, out = lines
    with log_context(match_id=12, player_id=34):
        with log_context(event_id=56, player_id=None):  # None leaves the outer id in place
            logger.info("shown to %s", 34)
        logger.warning("outer")
    logger.info("outside")
    inner, outer, outside = records(out)
    assert inner["msg"] == "shown to 34" and inner["level"] == "INFO" and inner["logger"] == "test.logs"
    assert (inner["match_id"], inner["player_id"], inner["event_id"]) == (12, 34, 56)
    assert outer["player_id"] == 34 and "event_id" not in outer
    assert "match_id" not in outside and "player_id" not in outside


def test_extra_wins_over_the_context(lines: tuple[logging.Logger, io.StringIO]) -> None:
    logger, out = lines
    with log_context(player_id=1):
        logger.error("gave up", extra={"player_id": 2, "match_id": 3})
    (line,) = records(out)
    assert (line["player_id"], line["match_id"]) == (2, 3)


async def test_concurrent_deliveries_keep_their_own_ids(lines: tuple[logging.Logger, io.StringIO]) -> None:
    logger, out = lines

    async def deliver(player_id: int) -> None:
        with log_context(player_id=player_id, match_id=player_id * 10):
            await asyncio.sleep(0.01 * (3 - player_id))  # they interleave
            logger.info("shown")

    await asyncio.gather(deliver(1), deliver(2))
    assert sorted((r["player_id"], r["match_id"]) for r in records(out)) == [(1, 10), (2, 20)]


def test_an_exception_stays_on_its_one_line(lines: tuple[logging.Logger, io.StringIO]) -> None:
    logger, out = lines
    try:
        raise ValueError("boom")
    except ValueError:
        logger.exception("failed")
    (line,) = records(out)
    assert "ValueError: boom" in str(line["exc"])


def test_the_text_format_shows_the_ids_at_the_end() -> None:
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "shown", None, None)
    with log_context(match_id=7, player_id=8):
        ContextFilter().filter(record)
    assert TextFormatter().format(record).endswith("shown [match_id=7 player_id=8]")
