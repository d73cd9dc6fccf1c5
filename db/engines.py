"""Engines and session factories. The session's lifetime is the caller's, never the query function's."""

from __future__ import annotations

from sqlalchemy import Engine, create_engine
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlalchemy.orm import sessionmaker

from db.settings import sqlalchemy_url

# A statement's parameters stay out of error messages and logs: they carry interaction tokens (where a player's
# message lives, a credential for 15 minutes) and whatever players typed.
_QUIET = {"hide_parameters": True}


def sync_engine(url: str, pool_size: int = 5) -> Engine:
    return create_engine(sqlalchemy_url(url), pool_size=pool_size, pool_pre_ping=True, **_QUIET)


def async_engine(url: str, pool_size: int = 10) -> AsyncEngine:
    return create_async_engine(sqlalchemy_url(url), pool_size=pool_size, max_overflow=20, pool_pre_ping=True, **_QUIET)


def session_factory(engine: Engine) -> sessionmaker:  # type: ignore[type-arg]
    return sessionmaker(engine, expire_on_commit=False)


def async_session_factory(engine: AsyncEngine) -> async_sessionmaker:  # type: ignore[type-arg]
    return async_sessionmaker(engine, expire_on_commit=False)
