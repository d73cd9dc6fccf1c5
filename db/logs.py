"""The logging setup every process shares: one line per record, carrying the ids of what it is about.

`log_context(match_id=..., player_id=...)` marks the records logged inside it (in this task or thread only:
contextvars), so a delivery's lines carry its match and player without each call passing them. `extra=` works
too, for a single line. JSON lines by default (a log platform indexes the fields); `LOG_FORMAT=text` for a
person at a terminal.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

# The ids a record may carry, in the order they are printed.
CONTEXT_FIELDS = ("match_id", "player_id", "event_id", "wave_id")

_context: ContextVar[dict[str, int]] = ContextVar("ladder_log_context", default={})  # noqa: B039 - never mutated


@contextmanager
def log_context(**ids: int | None) -> Iterator[None]:
    """Adds the given ids (those not None) to every record logged inside the block."""
    token = _context.set({**_context.get(), **{k: v for k, v in ids.items() if v is not None}})
    try:
        yield
    finally:
        _context.reset(token)


def current_context() -> dict[str, int]:
    return dict(_context.get())


class ContextFilter(logging.Filter):
    """Copies the ids of the current context onto the record (an `extra=` given to the call wins)."""

    def filter(self, record: logging.LogRecord) -> bool:
        for key, value in _context.get().items():
            if not hasattr(record, key):
                setattr(record, key, value)
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
            "process": record.processName if record.processName != "MainProcess" else record.process,
        }
        for key in CONTEXT_FIELDS:
            value = getattr(record, key, None)
            if value is not None:
                line[key] = value
        if record.exc_info:
            # exc_text first: a filter (the bot's token redaction) may have rewritten it.
            line["exc"] = record.exc_text or self.formatException(record.exc_info)
        return json.dumps(line, default=str)


class TextFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        ids = " ".join(f"{k}={getattr(record, k)}" for k in CONTEXT_FIELDS if getattr(record, k, None) is not None)
        text = super().format(record)
        return f"{text} [{ids}]" if ids else text


def configure_logging(log_format: str = "json", level: str | int = "INFO") -> None:
    """Replaces the root logger's handlers with one on stderr in the chosen format (idempotent)."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if log_format == "json" else TextFormatter())
    # On the handler, not a logger: records of every logger pass through it, the libraries' too.
    handler.addFilter(ContextFilter())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level.upper() if isinstance(level, str) else level)
