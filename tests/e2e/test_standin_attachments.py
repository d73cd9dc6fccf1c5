"""Attachments on the Discord stand-in, against the real discord.py client: a user's file given to a slash command,
the bot's files on the messages it sends, and the CDN that serves both.

Each test proves one thing Discord does with files that a bot relies on (replays arrive this way), or one limit
Discord holds a bot to, and that the stand-in's answers still conform to Discord's OpenAPI description.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import discord
import pytest
import pytest_asyncio
import yarl
from discord.ext import commands

from sandbox.discord_standin import AttachedFile, StandIn, point_discord_at
from sandbox.discord_standin.conformance import BOT

TOKEN = "stand-in-attachments-token"
ALICE, BOB = 2001, 2002
MIB = 1024 * 1024
CDN_ROUTE = "/cdn/attachments/{channel_id}/{attachment_id}/{filename}"
REPLAY = bytes(range(256)) * 40  # not text, so nothing on the way may decode it


@dataclass(frozen=True)
class Received:
    """What the bot's command handler was given, and what it read from the attachment's URL."""

    attachment: discord.Attachment
    data: bytes
    filesize_limit: int


@dataclass
class Seen:
    replays: asyncio.Queue[Received] = field(default_factory=asyncio.Queue)


class StandingsView(discord.ui.View):
    def __init__(self) -> None:
        super().__init__(timeout=None)

    @discord.ui.button(label="Refresh", custom_id="refresh")
    async def refresh(self, interaction: discord.Interaction[Any], button: discord.ui.Button[StandingsView]) -> None:
        # Lists only the new file: the old one goes (Discord's rule for an edit's `attachments`).
        new = discord.File(io.BytesIO(b"1. bob"), "standings-v2.txt")
        await interaction.response.edit_message(content="standings, refreshed", attachments=[new], view=self)


def make_bot(seen: Seen) -> commands.Bot:
    bot = commands.Bot(command_prefix="!", intents=discord.Intents.default())

    @bot.tree.command(description="Takes a replay file")
    async def replay(interaction: discord.Interaction[Any], file: discord.Attachment) -> None:
        data = await file.read()
        seen.replays.put_nowait(Received(file, data, interaction.filesize_limit))
        await interaction.response.send_message(f"got {file.filename}", ephemeral=True)

    @bot.tree.command(description="Answers with a file, then follows up with another")
    async def standings(interaction: discord.Interaction[Any]) -> None:
        table = discord.File(io.BytesIO(b"1. alice"), "standings.txt")
        await interaction.response.send_message("standings", file=table, view=StandingsView())
        await interaction.followup.send("the replay", file=discord.File(io.BytesIO(REPLAY), "final.SC2Replay"))

    async def setup_hook() -> None:
        await bot.tree.sync()

    bot.setup_hook = setup_hook  # type: ignore[method-assign]
    return bot


@dataclass
class Rig:
    standin: StandIn
    bot: commands.Bot
    seen: Seen

    @property
    def channel(self) -> discord.TextChannel:
        channel = self.bot.get_channel(self.standin.store.identity.channel_id)
        assert isinstance(channel, discord.TextChannel)
        return channel


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def rig() -> AsyncIterator[Rig]:
    standin = StandIn(TOKEN)
    await standin.start()
    undo = point_discord_at(standin.api_base, standin.gateway_url)
    seen = Seen()
    bot = make_bot(seen)
    task = asyncio.create_task(bot.start(TOKEN))
    try:
        await standin.wait_ready(timeout=15)
        await asyncio.wait_for(bot.wait_until_ready(), 15)
        yield Rig(standin, bot, seen)
    finally:
        await bot.close()
        with contextlib.suppress(Exception):
            await task
        await standin.stop()
        undo()


async def replay(rig: Rig, file: AttachedFile, *, forged: bool = False) -> Received:
    result = await rig.standin.run_command(ALICE, "replay", {"file": file}, forged=forged)
    assert result.answered and result.message is not None and result.message.content == f"got {file.filename}"
    return await asyncio.wait_for(rig.seen.replays.get(), 5)


async def fetch(url: str) -> tuple[int, bytes, str | None]:
    async with aiohttp.ClientSession() as session, session.get(yarl.URL(url, encoded=True)) as response:
        return response.status, await response.read(), response.headers.get("Content-Type")


async def send_form(
    rig: Rig, payload: dict[str, Any] | None, files: list[tuple[str, bytes]], *, edit: int | None = None
) -> tuple[int, Any]:
    """A message sent to the channel (or, given `edit`, that message edited) as a multipart form built by hand:
    what discord.py would not send."""
    form = aiohttp.FormData()
    if payload is not None:
        form.add_field("payload_json", json.dumps(payload), content_type="application/json")
    for n, (filename, data) in enumerate(files):
        form.add_field(f"files[{n}]", data, filename=filename, content_type="application/octet-stream")
    url = f"{rig.standin.api_base}/channels/{rig.standin.store.identity.channel_id}/messages"
    method, url = ("POST", url) if edit is None else ("PATCH", f"{url}/{edit}")
    headers = {"Authorization": f"Bot {TOKEN}"}
    async with aiohttp.ClientSession(headers=headers) as session, session.request(method, url, data=form) as response:
        return response.status, await response.json()


async def _zeros(size: int) -> AsyncIterator[bytes]:
    for _ in range(size // MIB):
        yield b"\0" * MIB


# A user's file, given to a slash command


async def test_an_attachment_option_reaches_the_handler_as_a_discord_attachment_with_its_bytes(rig: Rig) -> None:
    violations, requests = len(rig.standin.violations), len(rig.standin.received)
    got = await replay(rig, AttachedFile("final.SC2Replay", REPLAY))
    attachment = got.attachment
    assert isinstance(attachment, discord.Attachment)
    assert attachment.filename == "final.SC2Replay" and attachment.size == len(REPLAY)
    assert attachment.ephemeral, "a slash command's attachment is ephemeral"
    assert got.data == REPLAY and rig.standin.attachment_bytes(attachment.id) == REPLAY
    assert got.filesize_limit == 10 * MIB, "the interaction carries attachment_size_limit"
    channel_id = rig.standin.store.identity.channel_id
    assert attachment.url.startswith(f"{rig.standin.cdn_base}/cdn/attachments/{channel_id}/{attachment.id}/")
    fetched = [(r.method, r.route, r.status) for r in rig.standin.received[requests:]]
    assert ("GET", CDN_ROUTE, 200) in fetched, "the bot's fetch went through the stand-in's CDN, and was logged"
    text = await replay(rig, AttachedFile("match notes.txt", b"gg", content_type="text/plain"))
    assert text.attachment.content_type == "text/plain" and text.data == b"gg"
    assert rig.standin.violations[violations:] == []


async def test_a_file_over_the_upload_limit_is_refused_by_the_client_unless_forged(rig: Rig) -> None:
    too_big = AttachedFile("huge.SC2Replay", b"\0" * (10 * MIB + 1))
    with pytest.raises(ValueError, match="upload limit"):
        await rig.standin.run_command(ALICE, "replay", {"file": too_big})
    assert rig.seen.replays.empty(), "nothing reached the bot"
    got = await replay(rig, too_big, forged=True)
    assert got.attachment.size == too_big.size and got.data == too_big.data
    with pytest.raises(TypeError, match="AttachedFile"):
        await rig.standin.run_command(ALICE, "replay", {"file": "final.SC2Replay"})


async def test_the_cdn_serves_a_signed_url_and_refuses_a_forged_or_expired_one(rig: Rig) -> None:
    got = await replay(rig, AttachedFile("map.png", b"\x89PNG not really"))
    url = yarl.URL(got.attachment.url, encoded=True)
    assert set(url.query) >= {"ex", "is", "hm"} and int(url.query["ex"], 16) > int(url.query["is"], 16)
    assert await fetch(str(url)) == (200, b"\x89PNG not really", "image/png")
    forged_signature = url.update_query(hm="0" * 64)
    later_expiry = url.update_query(ex=f"{int(url.query['ex'], 16) + 3600:x}")
    other_name = str(url).replace("/map.png?", "/other.png?")
    unknown_id = str(url).replace(f"/{got.attachment.id}/", f"/{got.attachment.id + 1}/")
    for wrong in (str(forged_signature), str(later_expiry), other_name, unknown_id, str(url.with_query(None))):
        assert (await fetch(wrong))[0] == 404, wrong
    assert any(r.route == CDN_ROUTE and r.status == 404 for r in rig.standin.received), "404s are logged too"
    latency = rig.standin.latency
    try:
        latency.one_way_s = 0.2
        started = asyncio.get_running_loop().time()
        assert (await fetch(str(url)))[0] == 200
        assert asyncio.get_running_loop().time() - started >= 0.4, "the CDN is over the same network as the API"
    finally:
        latency.one_way_s = 0.0
    rig.standin.clock.advance(24 * 3600 + 1)
    assert (await fetch(str(url)))[0] == 404, "a signed URL expires"
    # Every payload signs its URLs afresh, as Discord's do: the message's attachment is reachable again.
    message = await rig.channel.send("map", file=discord.File(io.BytesIO(b"m"), "m.txt"))
    fresh = await rig.bot.http.get_message(rig.channel.id, message.id)
    assert await fetch(fresh["attachments"][0]["url"]) == (200, b"m", "text/plain")


# The bot's files, on the messages it sends


async def test_a_bot_message_with_two_files_keeps_both_and_their_bytes_read_back(rig: Rig) -> None:
    violations = len(rig.standin.violations)
    files = [discord.File(io.BytesIO(b"1. alice\n2. bob"), "standings.txt"),
             discord.File(io.BytesIO(REPLAY), "final game.SC2Replay", description="game 3")]  # fmt: skip
    sent = await rig.channel.send("standings and a replay", files=files)
    assert [a.filename for a in sent.attachments] == ["standings.txt", "final game.SC2Replay"]
    assert [a.size for a in sent.attachments] == [15, len(REPLAY)]
    assert sent.attachments[0].content_type == "text/plain" and sent.attachments[1].description == "game 3"
    assert await sent.attachments[1].read() == REPLAY
    stored = rig.standin.message(sent.id)
    assert [a["id"] for a in stored.attachments] == [str(a.id) for a in sent.attachments]
    assert [rig.standin.attachment_bytes(a["id"]) for a in stored.attachments] == [b"1. alice\n2. bob", REPLAY]
    assert stored.versions[0].attachments == stored.attachments
    assert rig.standin.violations[violations:] == []


async def test_an_edit_keeps_the_attachments_it_lists_and_drops_the_others(rig: Rig) -> None:
    violations = len(rig.standin.violations)
    files = [discord.File(io.BytesIO(b"a"), "a.txt"), discord.File(io.BytesIO(b"b"), "b.txt")]
    sent = await rig.channel.send("two files", files=files)
    edited = await sent.edit(content="still two files")
    assert [a.filename for a in edited.attachments] == ["a.txt", "b.txt"], "an edit without `attachments` keeps them"
    edited = await edited.edit(attachments=[edited.attachments[1], discord.File(io.BytesIO(b"c"), "c.txt")])
    assert [a.filename for a in edited.attachments] == ["b.txt", "c.txt"]
    assert edited.attachments[0].id == sent.attachments[1].id, "a kept attachment keeps its id"
    assert await edited.attachments[1].read() == b"c"
    # Files sent without an `attachments` list are appended ("Any provided files will be appended").
    status, body = await send_form(rig, {"content": "plus one"}, [("d.txt", b"d")], edit=sent.id)
    assert status == 200 and [a["filename"] for a in body["attachments"]] == ["b.txt", "c.txt", "d.txt"]
    edited = await edited.edit(attachments=[])
    assert edited.attachments == []
    versions = rig.standin.message(sent.id).versions
    assert [[a["filename"] for a in v.attachments] for v in versions] == [
        ["a.txt", "b.txt"], ["a.txt", "b.txt"], ["b.txt", "c.txt"], ["b.txt", "c.txt", "d.txt"], []
    ]  # fmt: skip
    assert rig.standin.violations[violations:] == []


async def test_an_interaction_response_a_follow_up_and_a_component_update_carry_files(rig: Rig) -> None:
    violations = len(rig.standin.violations)
    result = await rig.standin.run_command(BOB, "standings")
    assert result.response_type == 4 and result.message is not None
    assert [a["filename"] for a in result.message.attachments] == ["standings.txt"]
    assert rig.standin.attachment_bytes(result.message.attachments[0]["id"]) == b"1. alice"
    followup = await rig.standin.wait_for_message(BOB, lambda m: m.content == "the replay", timeout=5)
    assert [rig.standin.attachment_bytes(a["id"]) for a in followup.attachments] == [REPLAY]
    refreshed = await rig.standin.press_button(BOB, result.message.id, "refresh")
    assert refreshed.response_type == 7 and refreshed.message is not None
    assert [a["filename"] for a in refreshed.message.attachments] == ["standings-v2.txt"]
    assert rig.standin.attachment_bytes(refreshed.message.attachments[0]["id"]) == b"1. bob"
    assert rig.standin.violations[violations:] == []


# Discord's limits on files


async def test_eleven_files_are_refused(rig: Rig) -> None:
    eleven = [discord.File(io.BytesIO(b"x"), f"f{n}.txt") for n in range(11)]
    with pytest.raises(discord.HTTPException) as raised:
        await rig.channel.send("too many", files=eleven)
    # discord.py lists all eleven in `attachments`, which Discord's schema caps at 10.
    assert raised.value.status == 400 and raised.value.code == 50035
    assert rig.standin.violations[-1].side == BOT and rig.standin.violations[-1].where == "$.attachments"
    violations = len(rig.standin.violations)
    status, body = await send_form(rig, {"content": "too many"}, [(f"f{n}.txt", b"x") for n in range(11)])
    assert (status, body["code"]) == (400, 30015), "eleven files without an attachments list: Discord's own limit"
    assert rig.standin.violations[violations:] == []
    status, body = await send_form(rig, None, [(f"f{n}.txt", b"x") for n in range(10)])
    assert status == 200 and len(body["attachments"]) == 10, "ten files alone make a message"
    assert rig.standin.violations[violations:] == []


async def test_a_file_over_ten_mib_is_refused_with_413_and_40005(rig: Rig) -> None:
    violations = len(rig.standin.violations)
    messages = len(rig.standin.store.messages)
    with pytest.raises(discord.HTTPException) as raised:
        await rig.channel.send(file=discord.File(io.BytesIO(b"\0" * (10 * MIB + 1)), "huge.SC2Replay"))
    assert raised.value.status == 413 and raised.value.code == 40005
    assert rig.standin.refusals[-1].code == 40005 and len(rig.standin.store.messages) == messages
    sent = await rig.channel.send(file=discord.File(io.BytesIO(b"\0" * (10 * MIB)), "limit.SC2Replay"))
    assert sent.attachments[0].size == 10 * MIB, "exactly 10 MiB is allowed"
    assert rig.standin.violations[violations:] == []


async def test_a_request_over_25_mib_is_refused_with_413_and_40005(rig: Rig) -> None:
    violations = len(rig.standin.violations)
    nine_mib = [discord.File(io.BytesIO(b"\0" * (9 * MIB)), f"part{n}.bin") for n in range(3)]
    with pytest.raises(discord.HTTPException) as raised:
        await rig.channel.send("three parts", files=nine_mib)
    assert raised.value.status == 413 and raised.value.code == 40005
    # Sent chunked, with no Content-Length to refuse it by: counted as it arrives.
    with aiohttp.MultipartWriter("form-data") as form:
        for n in range(3):
            part = form.append_payload(aiohttp.payload.AsyncIterablePayload(_zeros(9 * MIB)))
            part.set_content_disposition("form-data", name=f"files[{n}]", filename=f"part{n}.bin")
    url = f"{rig.standin.api_base}/channels/{rig.channel.id}/messages"
    headers = {"Authorization": f"Bot {TOKEN}"}
    async with aiohttp.ClientSession(headers=headers) as session, session.post(url, data=form) as response:
        assert response.status == 413 and (await response.json())["code"] == 40005
        assert "Content-Length" not in response.request_info.headers
    assert rig.standin.violations[violations:] == []


async def test_an_attachments_entry_naming_no_file_is_refused(rig: Rig) -> None:
    violations = len(rig.standin.violations)
    status, body = await send_form(rig, {"content": "ghost", "attachments": [{"id": 0}, {"id": 7}]}, [("a.txt", b"a")])
    assert (status, body["code"]) == (400, 50035)
    not_found = {"code": "ATTACHMENT_NOT_FOUND", "message": "Attachment data not found"}
    assert body["errors"] == {"attachments": {"1": {"_errors": [not_found]}}}
    assert rig.standin.violations[violations:] == []
