"""Runs the Alembic migrations from code (the demo, the tests and `python -m sandbox migrate`)."""

from __future__ import annotations

from alembic import command
from alembic.config import Config

from db.settings import PROJECT_DIR


def _config(database_url: str) -> Config:
    config = Config(str(PROJECT_DIR / "alembic.ini"))
    config.attributes["database_url"] = database_url
    config.attributes["configure_logging"] = False
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    command.upgrade(_config(database_url), revision)


def downgrade(database_url: str, revision: str = "base") -> None:
    command.downgrade(_config(database_url), revision)
