"""Replays end to end, as players upload them: `/replay` with the game's file, read by a real replay worker,
and the outcome in both players' match messages; every bad upload answered and changing nothing.

The fixture replays are StarCraft II games of 2015 between StarCraft II races, so this module runs a ladder of
their own (tests/fixtures/sc2_ladder.toml: StarCraft II races, their maps) on a stack of its own: a stand-in,
the bot, a worker, a replay reader and beat. A match found today cannot have been played in 2015: each test
moves its match's found time back before the replay's game, the one thing the players could not do.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, text

from db.ladder import Ladder, load_ladder
from db.replays import MAX_REPLAY_BYTES
from sandbox.discord_standin import AttachedFile, Message, StandIn
from sandbox.players import Profile, match_shown, press_on_match, queue_up, titled, wait_for_match
from sandbox.processes import start_beat, start_replay_reader, start_worker, stop
from tests.e2e.conftest import BOT_TOKEN, E2E_STATE, WAVE_INTERVAL_S, BotProcess, new_user

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SC2_LADDER = FIXTURES / "sc2_ladder.toml"
REPLAYS = FIXTURES / "replays"
LOTV = (REPLAYS / "lotv_lotv1.SC2Replay").read_bytes()  # Zenchii (Terran) lost to Benkei (Zerg), Orbital Shipyard
# The same game as other files (a replay with bytes after its archive reads the same): a file is used once.
LOTV_AGAIN = [LOTV + bytes([n]) for n in range(3)]
OBSERVED = (REPLAYS / "3.16_AbyssalReef.SC2Replay").read_bytes()  # 5 observers, another map
BEFORE_THE_GAME = "2015-09-12 20:00:00+00"
STATE = E2E_STATE / "replays"


@pytest.fixture(scope="module")
async def sc2() -> AsyncIterator[StandIn]:
    s = StandIn(BOT_TOKEN)
    await s.start()
    yield s
    await s.stop()


@pytest.fixture(scope="module")
def sc2_env(ladder_env: dict[str, str], sc2: StandIn) -> dict[str, str]:
    token = uuid.uuid4().hex[:6]
    STATE.mkdir(parents=True, exist_ok=True)
    return {
        **ladder_env,
        "LADDER_CONFIG": str(SC2_LADDER),
        "EVENT_STREAM": f"{ladder_env['EVENT_STREAM']}:sc2-{token}",
        "CELERY_QUEUE": f"{ladder_env['CELERY_QUEUE']}-sc2-{token}",
        "REPLAY_QUEUE": f"{ladder_env['REPLAY_QUEUE']}-sc2-{token}",
        "DISCORD_TOKEN": BOT_TOKEN,
        "DISCORD_API_BASE": sc2.api_base,
        "DISCORD_GUILD_ID": "",
        "WAVE_INTERVAL_S": str(WAVE_INTERVAL_S),
        "BOT_STATS_FILE": str(STATE / "bot-stats.jsonl"),
        "DELIVERY_BACKOFF_S": "[0.2, 0.5]",
        "DEADLINE_SWEEP_S": "1",
        "REPLAY_HANDOVER_S": "2",
        # Disputes and the admin log go to the stand-in's one guild channel.
        "ADMIN_CHANNEL_ID": str(sc2.store.identity.channel_id),
        "ADMIN_GUILD_ID": str(sc2.store.identity.guild_id),
    }


class Readers:
    """The replay reader: stopped and started again by the test of uploads made while it is down."""

    def __init__(self, env: dict[str, str]) -> None:
        self._env = env
        self.process = start_replay_reader(env, STATE / "replays.log")

    def stop(self) -> None:
        stop(self.process)

    def start(self) -> None:
        self.process = start_replay_reader(self._env, STATE / "replays.log")


@pytest.fixture(scope="module")
def readers(sc2_env: dict[str, str]) -> Iterator[Readers]:
    worker = start_worker(sc2_env, STATE / "worker.log")
    beat = start_beat(sc2_env, STATE / "beat.log")
    reading = Readers(sc2_env)
    yield reading
    stop(beat)
    reading.stop()
    stop(worker)


@pytest.fixture(scope="module")
async def sc2_bot(sc2_env: dict[str, str], sc2: StandIn, readers: Readers) -> AsyncIterator[BotProcess]:
    process = BotProcess(sc2_env, sc2, log=STATE / "bot.log")
    await process.start()
    yield process
    await process.stop()


@pytest.fixture(autouse=True)
def sc2_held_to_discords_spec(sc2: StandIn) -> Iterator[None]:
    before = len(sc2.violations)
    yield
    found = sorted({str(v) for v in sc2.violations[before:]})
    assert not found, f"{len(found)} ways to break Discord's API:\n" + "\n".join(found)


@pytest.fixture(scope="module")
def sc2_ladder() -> Ladder:
    return load_ladder(SC2_LADDER)


async def _playing(
    sc2: StandIn, ladder: Ladder, engine: Engine, zenchii_plays_as: str = "Zenchii"
) -> tuple[int, int, int, Message, Message]:
    """Zenchii (Terran) and Benkei (Zerg) matched on Orbital Shipyard, both confirmed, their game played. Each
    set the in-game name the replay shows (Zenchii another one, when told)."""
    zenchii, benkei = new_user(), new_user()
    # Each vetoes one of the other two maps: Orbital Shipyard, the replay's, is what is left.
    for user, race, veto, plays_as in ((zenchii, "terran", "Odyssey LE", zenchii_plays_as),
                                       (benkei, "zerg", "Abyssal Reef LE", "Benkei")):  # fmt: skip
        profile = replace(Profile.of(user, ladder.regions[0].code), in_game_name=plays_as, alt_names="")
        await queue_up(sc2, ladder, user, [race], [veto], profile=profile)
    seen_z, seen_b = await wait_for_match(sc2, zenchii), await wait_for_match(sc2, benkei)
    match_id = match_shown(seen_z)
    assert match_id is not None
    await press_on_match(sc2, zenchii, seen_z, "confirm", match_id)
    await press_on_match(sc2, benkei, seen_b, "confirm", match_id)
    confirmed_z = await _shows(sc2, zenchii, seen_z, "Match confirmed")
    confirmed_b = await _shows(sc2, benkei, seen_b, "Match confirmed")
    with engine.begin() as conn:
        conn.execute(text("UPDATE matches SET created_at = :t WHERE id = :m"), {"t": BEFORE_THE_GAME, "m": match_id})
    return zenchii, benkei, match_id, confirmed_z, confirmed_b


async def _shows(sc2: StandIn, user: int, message: Message, title: str, timeout: float = 30) -> Message:
    return await sc2.wait_for_message(user, lambda m: m.id == message.id and titled(title)(m), timeout=timeout)


async def _upload(sc2: StandIn, user: int, name: str, data: bytes, **options: Any) -> Message:
    result = await sc2.run_command(user, "replay", {"file": AttachedFile(name, data)}, **options)
    assert result.answered and not result.failed and result.message is not None and result.ephemeral
    return await sc2.wait_for_message(user, lambda m: m.id == result.message.id and not m.loading, timeout=15)  # type: ignore[union-attr]


def _ratings(engine: Engine, *players: int) -> dict[int, float]:
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT player_id, rating FROM ratings WHERE player_id = ANY(:p) AND games > 0"),
                            {"p": list(players)})  # fmt: skip
        return {r.player_id: r.rating for r in rows}


def _match_events(engine: Engine, match_id: int) -> list[str]:
    with engine.connect() as conn:
        return list(conn.execute(text("SELECT type FROM outbox WHERE (payload->>'match_id')::bigint = :m ORDER BY id"),
                                 {"m": match_id}).scalars())  # fmt: skip


async def test_a_verified_replay_settles_the_match_for_both(
    sc2_bot: BotProcess, sc2: StandIn, sc2_ladder: Ladder, engine: Engine
) -> None:
    zenchii, benkei, match_id, confirmed_z, confirmed_b = await _playing(sc2, sc2_ladder, engine)
    assert f"ladder:replay:{match_id}:{benkei}" in confirmed_b.custom_ids()
    how = await sc2.press_button(benkei, confirmed_b.id, f"ladder:replay:{match_id}:{benkei}")
    assert how.message is not None and how.ephemeral and "/replay" in how.message.text()

    answer = await _upload(sc2, benkei, "Benkei vs Zenchii.SC2Replay", LOTV)
    assert titled("Replay received")(answer) or titled("Match completed")(answer)
    settled_b = await _shows(sc2, benkei, answer, "Match completed")
    settled_z = await _shows(sc2, zenchii, confirmed_z, "Match completed")
    assert "You won." in settled_b.text() and "You lost." in settled_z.text()
    # Equal ratings, K = 40: 1500 → 1520 and 1480, shown to both, moved once.
    assert "1520 (+20)" in settled_b.text() and "1480 (-20)" in settled_z.text()
    for seen in (settled_b, settled_z):
        assert "Orbital Shipyard" in seen.text() and "Benkei (Zerg)" in seen.text() and "16:" in seen.text()
        assert "✅ The match's map" in seen.text() and "❌" not in seen.text()
    assert "Your replay is verified." in settled_b.text() and "uploaded is verified" in settled_z.text()
    assert _ratings(engine, zenchii, benkei) == {zenchii: 1480.0, benkei: 1520.0}
    assert _match_events(engine, match_id) == ["match_found", "match_confirmed", "match_completed"]

    # The same file again, and a report from a stale copy of the match message: nothing moves twice.
    again = await sc2.run_command(benkei, "replay", {"file": AttachedFile("again.SC2Replay", LOTV)})
    late = await sc2.wait_for_message(benkei, lambda m: again.message is not None and m.id == again.message.id
                                      and not m.loading)  # fmt: skip
    assert "settled" in late.text()
    pressed = await sc2.press_button(zenchii, confirmed_z.id, f"ladder:won:{match_id}:{zenchii}", forged=True)
    assert pressed.message is not None and "any more" in pressed.message.text()
    assert _ratings(engine, zenchii, benkei) == {zenchii: 1480.0, benkei: 1520.0}
    assert _match_events(engine, match_id) == ["match_found", "match_confirmed", "match_completed"]


async def test_a_replay_with_observers_is_refused_with_its_reasons_and_reports_still_settle(
    sc2_bot: BotProcess, sc2: StandIn, sc2_ladder: Ladder, engine: Engine
) -> None:
    zenchii, benkei, match_id, _confirmed_z, confirmed_b = await _playing(sc2, sc2_ladder, engine)
    answer = await _upload(sc2, zenchii, "watched.SC2Replay", OBSERVED)
    failed_z = await sc2.wait_for_message(zenchii, lambda m: m.id == answer.id and "not accepted" in m.text(),
                                          timeout=30)  # fmt: skip
    failed_b = await sc2.wait_for_message(benkei, lambda m: m.id == confirmed_b.id and "not accepted" in m.text(),
                                          timeout=30)  # fmt: skip
    for seen in (failed_z, failed_b):
        assert "❌ Two players, nobody else: 5 observers watched the game." in seen.text()
        assert "❌ The match's map" in seen.text() and "❌ The match's races" in seen.text()
    # The uploader's message is their match message now: the report buttons are there.
    assert f"ladder:won:{match_id}:{zenchii}" in failed_z.custom_ids()
    assert _ratings(engine, zenchii, benkei) == {}
    await press_on_match(sc2, zenchii, failed_z, "lost", match_id)
    await press_on_match(sc2, benkei, failed_b, "won", match_id)
    await _shows(sc2, benkei, failed_b, "Match completed")
    assert _ratings(engine, zenchii, benkei) == {zenchii: 1480.0, benkei: 1520.0}


async def test_a_replay_played_by_someone_else_settles_nothing(
    sc2_bot: BotProcess, sc2: StandIn, sc2_ladder: Ladder, engine: Engine
) -> None:
    # Zenchii plays as Kogoro: whoever played Terran as "Zenchii" in the replay was not him.
    zenchii, benkei, match_id, confirmed_z, _ = await _playing(sc2, sc2_ladder, engine, zenchii_plays_as="Kogoro")
    answer = await _upload(sc2, benkei, "not him.SC2Replay", LOTV_AGAIN[2])
    failed_b = await sc2.wait_for_message(benkei, lambda m: m.id == answer.id and "not accepted" in m.text(),
                                          timeout=30)  # fmt: skip
    said = "❌ The match's players, by their in-game names: Zenchii played in the replay, but the match's player"
    assert said in failed_b.text() and "plays as Kogoro" in failed_b.text()
    assert "✅ The match's races" in failed_b.text()
    told_z = await sc2.wait_for_message(zenchii, lambda m: m.id == confirmed_z.id and said in m.text(), timeout=30)
    assert f"ladder:won:{match_id}:{zenchii}" in told_z.custom_ids()  # the reports still settle it
    assert _ratings(engine, zenchii, benkei) == {}
    assert _match_events(engine, match_id) == ["match_found", "match_confirmed", "replay_checked"]


async def test_a_replay_that_contradicts_a_report_goes_to_the_admins(
    sc2_bot: BotProcess, sc2: StandIn, sc2_ladder: Ladder, engine: Engine
) -> None:
    zenchii, benkei, match_id, confirmed_z, _confirmed_b = await _playing(sc2, sc2_ladder, engine)
    await press_on_match(sc2, zenchii, confirmed_z, "won", match_id)  # Zenchii lost in the replay
    answer = await _upload(sc2, benkei, "proof.SC2Replay", LOTV_AGAIN[0])
    disputed_b = await _shows(sc2, benkei, answer, "Match disputed")
    disputed_z = await _shows(sc2, zenchii, confirmed_z, "Match disputed")
    for seen in (disputed_b, disputed_z):
        assert "The replay disagrees with a report." in seen.text() and "verified" in seen.text()
    assert _ratings(engine, zenchii, benkei) == {}
    # The admins see the dispute with the replay as evidence, and the file itself with /admin match show.
    admin = new_user()
    sc2.make_admin(admin)
    posted = await sc2.wait_for_message(admin, titled(f"Match #{match_id} disputed"), timeout=15)
    assert "Replay (evidence)" in posted.text() and "Benkei (Zerg): won" in posted.text()
    shown = await sc2.run_command(admin, "admin", {"match_id": match_id}, subcommand="match show")
    assert shown.message is not None
    listed = await sc2.wait_for_message(admin, lambda m: m.id == shown.message.id and not m.loading)  # type: ignore[union-attr]
    assert "proof.SC2Replay" in listed.text() and "verified, result player2" in listed.text()
    [attached] = listed.attachments
    assert attached["filename"].endswith("proof.SC2Replay")
    assert sc2.attachment_bytes(int(attached["id"])) == LOTV_AGAIN[0]


async def test_an_upload_while_the_readers_are_down_is_read_when_they_return(
    sc2_bot: BotProcess, sc2: StandIn, sc2_ladder: Ladder, engine: Engine, readers: Readers
) -> None:
    zenchii, benkei, _match_id, _, confirmed_b = await _playing(sc2, sc2_ladder, engine)
    readers.stop()
    try:
        answer = await _upload(sc2, zenchii, "game.SC2Replay", LOTV_AGAIN[1])
        assert titled("Replay received")(answer)
        await asyncio.sleep(3)
        assert titled("Replay received")(sc2.message(answer.id))  # nobody read it yet
    finally:
        readers.start()
    await _shows(sc2, zenchii, answer, "Match completed", timeout=60)
    await _shows(sc2, benkei, confirmed_b, "Match completed", timeout=60)
    assert _ratings(engine, zenchii, benkei) == {zenchii: 1480.0, benkei: 1520.0}


async def _refused(sc2: StandIn, user: int, file: AttachedFile, **options: Any) -> str:
    result = await sc2.run_command(user, "replay", {"file": file}, **options)
    assert result.answered and not result.failed and result.message is not None and result.ephemeral
    shown = await sc2.wait_for_message(user, lambda m: m.id == result.message.id and not m.loading)  # type: ignore[union-attr]
    return shown.text()


async def test_bad_uploads_are_answered_and_change_nothing(
    sc2_bot: BotProcess, sc2: StandIn, sc2_ladder: Ladder, engine: Engine
) -> None:
    stranger = new_user()
    assert "no match" in await _refused(sc2, stranger, AttachedFile("game.SC2Replay", LOTV), in_dm=True)
    zenchii, benkei, _match_id, _, _ = await _playing(sc2, sc2_ladder, engine)
    with engine.connect() as conn:
        before = conn.execute(text("SELECT count(*) FROM replay_uploads")).scalar()
    answers = {
        "wrong type": await _refused(sc2, zenchii, AttachedFile("notes.txt", b"gg wp")),
        "empty": await _refused(sc2, zenchii, AttachedFile("empty.SC2Replay", b"")),
        "too big": await _refused(sc2, zenchii, AttachedFile("huge.SC2Replay", b"M" * (MAX_REPLAY_BYTES + 1))),
        # Past Discord's own upload limit: only a forged request carries it.
        "past Discord's limit": await _refused(
            sc2, zenchii, AttachedFile("huger.SC2Replay", b"M" * (11 * 1024 * 1024)), forged=True
        ),
    }
    assert "not a replay" in answers["wrong type"] and ".SC2Replay" in answers["wrong type"]
    assert "empty" in answers["empty"]
    assert "too big" in answers["too big"] and "too big" in answers["past Discord's limit"]
    with pytest.raises(ValueError):  # Discord's client refuses it before anything is sent
        await sc2.run_command(zenchii, "replay", {"file": AttachedFile("huger.SC2Replay", b"M" * (11 * 1024 * 1024))})
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM replay_uploads")).scalar() == before
    # Random bytes are stored and fail their check; the same file again is refused at once.
    noise = bytes(range(256)) * 40
    stored = await _refused(sc2, zenchii, AttachedFile("random.SC2Replay", noise))
    assert "Checking your replay" in stored or "not accepted" in stored
    assert "already uploaded this replay" in await _refused(sc2, zenchii, AttachedFile("again.SC2Replay", noise))
    # The file that settled the first test's match.
    assert "another match" in await _refused(sc2, benkei, AttachedFile("lotv.SC2Replay", LOTV))
    assert _ratings(engine, zenchii, benkei) == {}
