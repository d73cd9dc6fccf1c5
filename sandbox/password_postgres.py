"""A PostgreSQL whose roles must give their password (SCRAM), as a managed server's do: the embedded server of
a data folder of its own, its superuser still trusted on the local socket so that a test can set it up."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import psycopg
from psycopg import sql

from sandbox.servers import ensure_postgres

HBA = "local all postgres trust\nlocal all all scram-sha-256\n"


def ensure_postgres_with_passwords(pgdata: Path) -> str:
    """The server of `pgdata`, started or found running, asking every role but the superuser for its password;
    the superuser's URL."""
    url = ensure_postgres(pgdata)
    hba = pgdata / "pg_hba.conf"
    if hba.read_text() != HBA:
        hba.write_text(HBA)
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("SELECT pg_reload_conf()")
    return url


def database_of_role(server_url: str, role: str, password: str, database: str) -> str:
    """A login role with `password`, owning a new empty `database`; the URL it connects with (the password in it,
    as a deployment's DATABASE_URL carries it)."""
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(sql.Identifier(role), sql.Literal(password)))
        conn.execute(sql.SQL("CREATE DATABASE {} OWNER {}").format(sql.Identifier(database), sql.Identifier(role)))
    return as_role(server_url, role, password, database)


def as_role(server_url: str, role: str, password: str, database: str) -> str:
    parts = urlsplit(server_url)
    netloc = f"{quote(role, safe='')}:{quote(password, safe='')}@{parts.netloc.rpartition('@')[2]}"
    return urlunsplit((parts.scheme, netloc, "/" + database, parts.query, parts.fragment))
