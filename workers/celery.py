"""The Celery app (`celery -A workers ...` finds it here). Configuration lives in celeryconfig.py."""

from __future__ import annotations

from typing import Any

# The result backend's module, loaded with the app rather than on first use: a beat reaches it first while it
# sets up its schedule, and a SIGTERM landing in that first import ran the beat's shutdown handler, which
# imported the half-loaded module again and exited with an error (seen once in a test run).
import celery.backends.redis  # noqa: F401
from celery import Celery
from celery.signals import setup_logging

from db.logs import configure_logging
from db.settings import get_settings

app = Celery("workers", include=["workers.tasks"])
app.config_from_object("celeryconfig")


@setup_logging.connect
def _structured_logs(loglevel: int | str | None = None, **_: Any) -> None:
    """The worker's and beat's records in the format the bot's use (a receiver here: Celery sets up none)."""
    settings = get_settings()
    configure_logging(settings.log_format, loglevel or settings.log_level)
