"""The whole stack with recognisable secrets: none of them reaches a log, a message, a request body or a
command line, and Flower refuses anyone without its credentials.

The secrets: the bot token, the database password (of a role made for this test), Flower's user and
password, and every interaction token the stand-in handed the bot (they live in the database and the event
stream for 15 minutes; they must not travel further).
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import socket
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import psycopg
import pytest
from psycopg import sql
from sqlalchemy import Engine, make_url, text

from bot.failures import SORRY
from db.engines import sync_engine
from db.ladder import Ladder
from db.migrate import upgrade
from db.settings import PROJECT_DIR
from sandbox.discord_standin import StandIn
from sandbox.players import (
    cancel,
    choose,
    join,
    match_shown,
    open_queue,
    press_on_match,
    queue_up,
    titled,
    wait_for_match,
)
from sandbox.processes import start_beat, start_bot, start_flower, start_worker, stop
from sandbox.servers import ServerUrls, drop_database, fresh_database
from tests.e2e.conftest import E2E_STATE, new_user, waves_held
from tests.e2e.hostile import polite
from tests.e2e.test_match_journey import shows

STATE = E2E_STATE / "secrets"


@dataclass(frozen=True)
class Secrets:
    bot_token: str
    db_role: str
    db_password: str
    flower_user: str
    flower_password: str

    def fixed(self) -> dict[str, str]:
        return {
            "bot token": self.bot_token,
            "database password": self.db_password,
            "Flower password": self.flower_password,
            "Flower credentials": f"{self.flower_user}:{self.flower_password}",
        }


@dataclass
class Stack:
    secrets: Secrets
    standin: StandIn
    processes: dict[str, subprocess.Popen[bytes]]
    logs: dict[str, Path]
    flower_url: str


def _basic_auth(user: str, password: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def stack_database(server_urls: ServerUrls) -> Iterator[str]:
    """A database of the stack's own: the other e2e tests' worker and beat run waves on theirs, and would match
    this stack's players and tell another bot."""
    name = f"ladder_secrets_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    url = fresh_database(server_urls.database_url, name)
    upgrade(url)
    yield url
    drop_database(server_urls.database_url, name)


@pytest.fixture(scope="module")
def stack_engine(stack_database: str) -> Iterator[Engine]:
    engine = sync_engine(stack_database)
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def secrets_in_use(server_urls: ServerUrls, stack_database: str) -> Iterator[Secrets]:
    """A login role with a password of its own, allowed what the ladder's processes do in the test database."""
    tag = uuid.uuid4().hex[:10]
    found = Secrets(
        bot_token=f"SECRET-BOT-TOKEN.{tag}.do-not-log",
        db_role=f"ladder_secrets_{tag}",
        db_password=f"SECRET-DB-PASSWORD-{tag}",
        flower_user=f"flower-admin-{tag}",
        flower_password=f"SECRET-FLOWER-PASSWORD-{tag}",
    )
    role = sql.Identifier(found.db_role)
    with psycopg.connect(server_urls.database_url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(role, sql.Literal(found.db_password)))
    with psycopg.connect(stack_database, autocommit=True) as conn:
        conn.execute(sql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(role))
        conn.execute(sql.SQL("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {}").format(role))
        conn.execute(sql.SQL("GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {}").format(role))
    yield found
    with psycopg.connect(stack_database, autocommit=True) as conn:
        conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = %s", (found.db_role,))
        conn.execute(sql.SQL("DROP OWNED BY {}").format(role))
        conn.execute(sql.SQL("DROP ROLE {}").format(role))


@pytest.fixture(scope="module")
async def stack(ladder_env: dict[str, str], stack_database: str, secrets_in_use: Secrets) -> AsyncIterator[Stack]:
    secrets = secrets_in_use
    STATE.mkdir(parents=True, exist_ok=True)
    for old in STATE.glob("*"):
        old.unlink()
    standin = StandIn(secrets.bot_token, record_bodies=True)
    await standin.start()
    port = _free_port()
    env = {
        **ladder_env,
        "DATABASE_URL": make_url(stack_database)
        .set(username=secrets.db_role, password=secrets.db_password)
        .render_as_string(hide_password=False),
        "EVENT_STREAM": ladder_env["EVENT_STREAM"] + ":secrets",
        "CELERY_QUEUE": ladder_env["CELERY_QUEUE"] + "-secrets",
        "CONSUMER_GROUP": "bot-secrets",
        "DISCORD_TOKEN": secrets.bot_token,
        "DISCORD_API_BASE": standin.api_base,
        "DISCORD_GUILD_ID": "",
        "ADMIN_CHANNEL_ID": str(standin.store.identity.channel_id),
        "ADMIN_GUILD_ID": str(standin.store.identity.guild_id),
        "FLOWER_BASIC_AUTH": f"{secrets.flower_user}:{secrets.flower_password}",
        "FLOWER_ADDRESS": "127.0.0.1",
        "PORT": str(port),
        "WAVE_INTERVAL_S": "1",
        "DEADLINE_SWEEP_S": "1",
        "DELIVERY_BACKOFF_S": "[0.2, 0.5]",
    }
    logs = {name: STATE / f"{name}.log" for name in ("bot", "worker", "beat", "flower")}
    processes = {
        "worker": start_worker(env, logs["worker"], concurrency=1, name="secrets"),
        "beat": start_beat(env, logs["beat"]),
        "flower": start_flower(env, logs["flower"]),
        "bot": start_bot(env, logs["bot"]),
    }
    try:
        await standin.wait_ready(60)
        yield Stack(secrets, standin, processes, logs, f"http://127.0.0.1:{port}")
    finally:
        for process in processes.values():
            stop(process)
        await standin.stop()


async def _flower_answers(url: str, timeout: float = 60) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    async with aiohttp.ClientSession() as session:
        while True:
            try:
                async with session.get(url + "/healthcheck") as response:
                    if response.status in (200, 401):
                        return
            except aiohttp.ClientError:
                pass
            if loop.time() > deadline:
                raise TimeoutError(f"Flower did not answer on {url} within {timeout} s")
            await asyncio.sleep(0.3)


async def test_flower_refuses_requests_without_its_credentials(stack: Stack) -> None:
    await _flower_answers(stack.flower_url)
    s = stack.secrets
    async with aiohttp.ClientSession() as session:
        for path in ("/", "/workers", "/tasks", "/api/workers", "/api/tasks"):
            async with session.get(stack.flower_url + path) as response:
                assert response.status == 401, path
            wrong = _basic_auth(s.flower_user, "not-the-password")
            async with session.get(stack.flower_url + path, headers=wrong) as response:
                assert response.status == 401, path
        right = _basic_auth(s.flower_user, s.flower_password)
        async with session.get(stack.flower_url + "/api/workers?refresh=1", headers=right) as response:
            assert response.status == 200
            shown = await response.text()
        async with session.get(stack.flower_url + "/", headers=right) as response:
            assert response.status == 200
            shown += await response.text()
    for what, secret in stack.secrets.fixed().items():
        assert secret not in shown, f"Flower's pages show the {what}"


async def test_an_unforeseen_failure_is_answered_politely(stack: Stack, ladder: Ladder, stack_database: str) -> None:
    """The database refuses the bot's role mid-run (as a broken deploy might): the player is told, privately,
    and the log keeps the detail (without a secret: the last test reads every line)."""
    standin, role = stack.standin, sql.Identifier(stack.secrets.db_role)
    erin = new_user()
    setup = await choose(standin, ladder, erin, await open_queue(standin, erin), ["bw_zerg"])
    with psycopg.connect(stack_database, autocommit=True) as conn:
        # The Join's statement carries the interaction token (where the player's message lives): failing, it
        # must not put the token in the log with the statement's parameters.
        conn.execute(sql.SQL("REVOKE INSERT ON queue_entries FROM {}").format(role))
        try:
            joined = polite(await join(standin, erin, setup))
        finally:
            conn.execute(sql.SQL("GRANT INSERT ON queue_entries TO {}").format(role))
        conn.execute(sql.SQL("REVOKE SELECT ON ratings FROM {}").format(role))
        try:
            profile = polite(await standin.run_command(erin, "profile"))
        finally:
            conn.execute(sql.SQL("GRANT SELECT ON ratings TO {}").format(role))
    assert joined.text() == profile.text() == SORRY
    bot_log = stack.logs["bot"].read_text()
    assert "JoinButton failed for user" in bot_log and "command /profile failed for user" in bot_log
    again = await join(standin, erin, setup)  # the same button works once the database lets it
    assert again.message is not None and "Searching" in again.message.text()
    assert "You left the queue" in (await cancel(standin, erin, again.message)).text()  # not the next test's match


async def test_no_secret_reaches_a_log_a_message_or_a_command_line(
    stack: Stack, ladder: Ladder, stack_engine: Engine
) -> None:
    standin, s = stack.standin, stack.secrets
    for name, process in stack.processes.items():
        command_line = Path(f"/proc/{process.pid}/cmdline").read_bytes().decode(errors="replace")
        for what, secret in s.fixed().items():
            assert secret not in command_line, f"the {name}'s command line shows the {what}"

    # A match played to a dispute an admin settles: every kind of message and request the bot sends.
    alice, bob, admin = new_user(), new_user(), new_user()
    standin.make_admin(admin)
    await queue_up(standin, ladder, alice, ["bw_zerg"])
    await queue_up(standin, ladder, bob, ["sc2_terran"])
    seen_a, seen_b = await wait_for_match(standin, alice, 60), await wait_for_match(standin, bob, 60)
    match_id = match_shown(seen_a)
    assert match_id is not None
    for user, seen in ((alice, seen_a), (bob, seen_b)):
        await press_on_match(standin, user, seen, "confirm", match_id)
    for user, seen in ((alice, seen_a), (bob, seen_b)):
        await press_on_match(standin, user, await shows(standin, user, seen, "Match confirmed"), "won", match_id)
    posted = await standin.wait_for_message(admin, titled(f"Match #{match_id} disputed"), 30)
    await standin.press_button(admin, posted.id, f"ladder:resolve:{match_id}:player1")
    previewed = await standin.submit_modal(admin, {"reason": "The replay shows player 1 winning."})  # asks why
    assert previewed.message is not None  # what settling would do, then the admin confirms it
    await standin.press_button(admin, previewed.message.id, previewed.message.custom_ids()[0])
    await shows(standin, bob, seen_b, "Match completed")
    # Two players whose interaction tokens have expired when the wave finds them: the bot's edits are refused
    # (and logged), and the match comes by direct message.
    carol, dave = new_user(), new_user()
    with waves_held(stack_engine):
        await queue_up(standin, ladder, carol, ["bw_terran"])
        await queue_up(standin, ladder, dave, ["sc2_protoss"])
        standin.clock.advance(16 * 60)
    await wait_for_match(standin, carol, 60)
    for command, options in (("profile", {"player": alice}), ("leaderboard", {}), ("setup", {"region": "xx"})):
        await standin.run_command(carol, command, options)
    await standin.run_command(admin, "admin", subcommand="queue list")
    await standin.press_button(carol, posted.id, "ladder:join:1", forged=True)
    with stack_engine.connect() as conn:  # the ladder's processes really log in as the role with the password
        sessions = conn.execute(text("SELECT count(*) FROM pg_stat_activity WHERE usename = :r"), {"r": s.db_role})
        assert sessions.scalar() > 0

    for process in stack.processes.values():  # every line flushed
        stop(process)
    logs = {name: path.read_text(errors="replace") for name, path in stack.logs.items()}
    assert "synced" in logs["bot"] and "ready" in logs["worker"] and "Visit me at" in logs["flower"]
    interaction_tokens = standin.interaction_tokens()
    assert len(interaction_tokens) > 20
    said = {
        **{f"the {name} log": text_ for name, text_ in logs.items()},
        "the messages users saw": json.dumps(
            [[v.content, v.embeds, v.components] for m in standin.store.messages.values() for v in m.versions]
        ),
        "the request bodies": "\n".join(b.text for b in standin.bodies),
    }
    assert len(standin.bodies) > 20 and len(said["the messages users saw"]) > 1000
    for where, written in said.items():
        for what, secret in s.fixed().items():
            assert secret not in written, f"{where} shows the {what}"
        leaked = [t for t in interaction_tokens if t in written]
        assert not leaked, f"{where} shows {len(leaked)} interaction token(s)"


@pytest.mark.parametrize("credentials", ["", "admin", "admin:", ":a-password"])
def test_flower_will_not_start_without_a_user_and_a_password(ladder_env: dict[str, str], credentials: str) -> None:
    env = {**os.environ, **ladder_env, "FLOWER_BASIC_AUTH": credentials, "PORT": str(_free_port())}
    done = subprocess.run(
        [sys.executable, "-m", "workers.flower"], env=env, cwd=PROJECT_DIR, capture_output=True, timeout=120
    )
    assert done.returncode == 2
    assert b"FLOWER_BASIC_AUTH must be user:password" in done.stderr
