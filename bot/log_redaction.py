"""Keeps interaction tokens out of the bot's log.

An interaction token is a credential for 15 minutes (it edits the player's message) and discord.py puts it in
the URLs of its requests, which its own log lines quote (a rate limit, a retried request). The filter rewrites
such URLs on every record before any handler writes it. The bot token never appears in a URL.
"""

from __future__ import annotations

import logging
import re

# /webhooks/{application}/{token}... and /interactions/{id}/{token}/callback
_TOKEN_IN_URL = re.compile(r"(/(?:webhooks|interactions)/\d+/)[A-Za-z0-9_\-.]+")
REDACTED = r"\1[token]"


def redact(text: str) -> str:
    return _TOKEN_IN_URL.sub(REDACTED, text)


class RedactTokens(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        if record.exc_info and record.exc_info[1] is not None and not record.exc_text:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        return True


def install() -> None:
    """On every handler of the root logger (a filter on a logger would miss its children's records)."""
    for handler in logging.getLogger().handlers:
        handler.addFilter(RedactTokens())
