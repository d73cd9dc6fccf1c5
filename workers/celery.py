"""The Celery app (`celery -A workers ...` finds it here). Configuration lives in celeryconfig.py."""

from __future__ import annotations

from celery import Celery

app = Celery("workers", include=["workers.tasks"])
app.config_from_object("celeryconfig")
