"""The Discord stand-in against the real discord.py client: a small bot in this process, simulated users driving it.

Each test proves one thing Discord does that the ladder bot relies on, or one rule Discord enforces on it.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import discord
import pytest
import pytest_asyncio
from discord import app_commands
from discord.ext import commands
from discord.http import Route

from sandbox.discord_standin import InteractionResult, Message, StandIn, point_discord_at
from sandbox.discord_standin.conformance import BOT

TOKEN = "stand-in-test-token"
ALICE, BOB, CAROL = 1001, 1002, 1003


@dataclass
class Seen:
    """What the test bot observed, for the tests to check from the bot's side."""

    picks: list[list[str]] = field(default_factory=list)
    interactions: dict[str, discord.Interaction[Any]] = field(default_factory=dict)
    late_errors: asyncio.Queue[Exception] = field(default_factory=asyncio.Queue)
    second_callback: asyncio.Queue[Exception] = field(default_factory=asyncio.Queue)


class PingView(discord.ui.View):
    def __init__(self, seen: Seen) -> None:
        super().__init__(timeout=None)
        self.seen = seen

    @discord.ui.button(label="Join", custom_id="join", style=discord.ButtonStyle.success)
    async def join(self, interaction: discord.Interaction[Any], button: discord.ui.Button[PingView]) -> None:
        await interaction.response.edit_message(content=f"joined by {interaction.user.id}", view=self)

    @discord.ui.select(
        custom_id="race",
        max_values=2,
        options=[discord.SelectOption(label=name, value=name[0].lower()) for name in ("Terran", "Zerg", "Protoss")],
    )
    async def race(self, interaction: discord.Interaction[Any], select: discord.ui.Select[PingView]) -> None:
        self.seen.picks.append(list(select.values))
        await interaction.response.defer()


class ReportForm(discord.ui.Modal, title="Report your match"):
    notes: discord.ui.TextInput[ReportForm] = discord.ui.TextInput(label="Notes", custom_id="notes", max_length=50)
    replay: discord.ui.TextInput[ReportForm] = discord.ui.TextInput(
        label="Replay link", custom_id="replay", required=False
    )

    async def on_submit(self, interaction: discord.Interaction[Any]) -> None:
        await interaction.response.send_message(f"got: {self.notes.value} / {self.replay.value or '-'}", ephemeral=True)


def make_bot(seen: Seen) -> commands.Bot:
    bot = commands.Bot(command_prefix="!", intents=discord.Intents.default())

    @bot.tree.command(description="Answers privately, with a button and a select")
    async def ping(interaction: discord.Interaction[Any]) -> None:
        seen.interactions["ping"] = interaction
        await interaction.response.send_message("pong", view=PingView(seen), ephemeral=True)

    @bot.tree.command(description="Answers in the channel")
    @app_commands.describe(text="What to say")
    async def hello(interaction: discord.Interaction[Any], text: str = "hello") -> None:
        seen.interactions["hello"] = interaction
        await interaction.response.send_message(f"{text}, {interaction.user.id}")

    @bot.tree.command(description="Answers too late")
    async def slow(interaction: discord.Interaction[Any]) -> None:
        await asyncio.sleep(4)
        try:
            await interaction.response.send_message("finally")
        except discord.HTTPException as exc:
            seen.late_errors.put_nowait(exc)

    @bot.tree.command(description="Asks for a match report in a form")
    async def report(interaction: discord.Interaction[Any]) -> None:
        await interaction.response.send_modal(ReportForm())

    @bot.tree.command(description="Thinks, then follows up")
    async def think(interaction: discord.Interaction[Any]) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        await asyncio.sleep(0.05)
        await interaction.followup.send("thought it over")

    @bot.tree.command(description="Answers twice, the second time behind discord.py's back")
    async def twice(interaction: discord.Interaction[Any]) -> None:
        await interaction.response.send_message("once")
        route = Route("POST", "/interactions/{i}/{t}/callback", i=interaction.id, t=interaction.token)
        try:
            await bot.http.request(route, json={"type": 4, "data": {"content": "twice"}})
        except discord.HTTPException as exc:
            seen.second_callback.put_nowait(exc)

    async def setup_hook() -> None:
        await bot.tree.sync()

    bot.setup_hook = setup_hook  # type: ignore[method-assign]
    return bot


@dataclass
class Rig:
    standin: StandIn
    bot: commands.Bot
    seen: Seen


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


def codes(standin: StandIn) -> list[int]:
    return [r.code for r in standin.refusals]


async def ping(standin: StandIn, user_id: int) -> Message:
    result = await standin.run_command(user_id, "ping")
    assert result.answered and result.message is not None
    return result.message


async def test_login_ready_and_command_sync(rig: Rig) -> None:
    standin = rig.standin
    assert standin.connected and standin.identify_count == 1
    assert {c["name"] for c in standin.commands} == {"ping", "hello", "slow", "report", "think", "twice"}
    routes = {(r.method, r.route) for r in standin.received}
    assert ("GET", "/users/@me") in routes
    assert ("GET", "/oauth2/applications/@me") in routes
    assert ("PUT", "/applications/{application_id}/commands") in routes
    assert rig.bot.user is not None and rig.bot.user.id == standin.store.identity.bot_user_id
    guild = rig.bot.get_guild(standin.store.identity.guild_id)
    assert guild is not None and guild.get_channel(standin.store.identity.channel_id) is not None


async def test_ephemeral_response_is_seen_by_its_user_only(rig: Rig) -> None:
    result: InteractionResult = await rig.standin.run_command(ALICE, "ping")
    assert result.answered and not result.failed
    assert result.response_type == 4 and result.ephemeral
    assert result.latency_s is not None and result.latency_s < 1.0
    assert result.message is not None and result.message.content == "pong"
    assert result.message.custom_ids() == ["join", "race"]
    assert result.message.visible_to == ALICE
    assert result.message.id in [m.id for m in rig.standin.messages_seen_by(ALICE)]
    assert result.message.id not in [m.id for m in rig.standin.messages_seen_by(BOB)]


async def test_public_response_is_seen_by_everyone(rig: Rig) -> None:
    result = await rig.standin.run_command(ALICE, "hello", {"text": "hi there"})
    assert result.message is not None and not result.ephemeral
    assert result.message.content == f"hi there, {ALICE}"
    for user in (ALICE, BOB, CAROL):
        assert result.message.id in [m.id for m in rig.standin.messages_seen_by(user)]
    with pytest.raises(ValueError, match="no option"):
        await rig.standin.run_command(ALICE, "hello", {"txt": "typo"})
    with pytest.raises(LookupError, match="/nope"):
        await rig.standin.run_command(ALICE, "nope")


async def test_command_in_dm_is_seen_in_that_dm(rig: Rig) -> None:
    result = await rig.standin.run_command(CAROL, "hello", in_dm=True)
    assert result.message is not None and result.message.visible_to == CAROL
    assert result.message.channel_id == rig.standin.store.dm_channels[CAROL]
    assert result.message.id not in [m.id for m in rig.standin.messages_seen_by(ALICE)]


async def test_button_updates_its_message(rig: Rig) -> None:
    message = await ping(rig.standin, ALICE)
    result = await rig.standin.press_button(ALICE, message.id, "join")
    assert result.answered and result.response_type == 7
    assert result.message is not None and result.message.id == message.id
    assert result.message.content == f"joined by {ALICE}" and result.message.edits == 1
    assert [v.content for v in result.message.versions] == ["pong", f"joined by {ALICE}"]
    with pytest.raises(LookupError, match="cannot see"):
        await rig.standin.press_button(BOB, message.id, "join")
    with pytest.raises(LookupError, match="no component"):
        await rig.standin.press_button(ALICE, message.id, "leave")


async def test_select_values_reach_the_bot(rig: Rig) -> None:
    message = await ping(rig.standin, ALICE)
    result = await rig.standin.pick(ALICE, message.id, "race", ["t", "z"])
    assert result.answered and result.response_type == 6
    assert rig.seen.picks[-1] == ["t", "z"]
    assert result.message is not None and result.message.edits == 0


async def test_three_second_rule(rig: Rig) -> None:
    standin = rig.standin
    message = await ping(standin, ALICE)
    # Both wait out the 3 s together: a slow command, and a forged button no view of the bot handles.
    slow, forged = await asyncio.gather(
        standin.run_command(ALICE, "slow"), standin.press_button(ALICE, message.id, "forged-id", forged=True)
    )
    for result in (slow, forged):
        assert result.failed and not result.answered and result.response_type is None
        assert result.interaction_id in standin.failed_interactions
    late = await asyncio.wait_for(rig.seen.late_errors.get(), 5)
    assert isinstance(late, discord.NotFound) and late.code == 10062
    assert 10062 in codes(standin)


async def test_the_three_seconds_count_from_discords_side_of_the_network(rig: Rig) -> None:
    """The dispatch's way to the bot and the answer's way back to Discord both come out of the 3 seconds."""
    latency = rig.standin.latency
    try:
        latency.one_way_s, latency.jitter_s = 0.06, 0.02
        assert (await rig.standin.run_command(ALICE, "ping")).answered
        latency.one_way_s, latency.jitter_s = 1.6, 0.0  # 3.2 s there and back: too late, however fast the bot
        late = await rig.standin.run_command(ALICE, "ping")
        assert late.failed and not late.answered
    finally:
        latency.one_way_s, latency.jitter_s = 0.0, 0.0
        await asyncio.sleep(2)  # the late answer lands (and is refused) before the next test


async def test_a_form_is_shown_filled_in_and_submitted(rig: Rig) -> None:
    violations = len(rig.standin.violations)
    shown = await rig.standin.run_command(ALICE, "report")
    assert shown.answered and shown.response_type == 9 and shown.message is None
    form = rig.standin.open_modal(ALICE)
    assert form is not None and form["title"] == "Report your match"
    with pytest.raises(ValueError, match="required"):
        await rig.standin.submit_modal(ALICE, {"replay": "https://example.org/r.SC2Replay"})
    await rig.standin.run_command(ALICE, "report")
    submitted = await rig.standin.submit_modal(ALICE, {"notes": "gg, close game"})
    assert submitted.answered and submitted.message is not None
    assert submitted.message.text() == "got: gg, close game / -" and submitted.ephemeral
    assert rig.standin.open_modal(ALICE) is None
    assert rig.standin.violations[violations:] == []


async def test_second_callback_is_refused(rig: Rig) -> None:
    result = await rig.standin.run_command(ALICE, "twice")
    assert result.answered and result.message is not None and result.message.content == "once"
    second = await asyncio.wait_for(rig.seen.second_callback.get(), 5)
    assert isinstance(second, discord.HTTPException) and second.status == 400 and second.code == 40060


async def test_deferred_then_followup_replaces_the_thinking_message(rig: Rig) -> None:
    result = await rig.standin.run_command(BOB, "think")
    assert result.response_type == 5 and result.ephemeral
    assert result.message is not None and result.message.loading
    done = await rig.standin.wait_for_message(BOB, lambda m: m.content == "thought it over", timeout=5)
    assert done.id == result.message.id and not done.loading and done.ephemeral


async def test_fifteen_minute_token(rig: Rig) -> None:
    await rig.standin.run_command(ALICE, "hello")
    interaction = rig.seen.interactions["hello"]
    await interaction.edit_original_response(content="still in time")
    rig.standin.clock.advance(901)
    with pytest.raises(discord.HTTPException) as raised:
        await interaction.edit_original_response(content="too late")
    assert raised.value.status == 401 and raised.value.code == 50027


async def test_ephemeral_message_cannot_be_edited_with_the_bot_token(rig: Rig) -> None:
    message = await ping(rig.standin, ALICE)
    channel = rig.bot.get_channel(message.channel_id)
    assert isinstance(channel, discord.TextChannel)
    with pytest.raises(discord.NotFound) as raised:
        await channel.get_partial_message(message.id).edit(content="hijacked")
    assert raised.value.code == 10008
    # The interaction's own token can.
    await rig.seen.interactions["ping"].edit_original_response(content="edited by token")
    assert rig.standin.message(message.id).content == "edited by token"


async def test_dm_is_seen_by_its_user_and_closed_dms_refuse(rig: Rig) -> None:
    rig.standin.add_user(CAROL, "carol")
    user = await rig.bot.fetch_user(CAROL)
    assert user.name == "carol"
    sent = await user.send("your match is ready")
    seen = await rig.standin.wait_for_message(CAROL, lambda m: m.id == sent.id, timeout=2)
    assert seen.visible_to == CAROL and seen.content == "your match is ready"
    assert sent.id not in [m.id for m in rig.standin.messages_seen_by(BOB)]
    rig.standin.close_dms(CAROL)
    with pytest.raises(discord.Forbidden) as raised:
        await user.send("again")
    assert raised.value.code == 50007


async def test_a_message_sent_again_with_its_nonce_is_created_once(rig: Rig) -> None:
    dave = 1004  # his own DMs: an earlier test closes Carol's
    rig.standin.add_user(dave, "dave")
    user = await rig.bot.fetch_user(dave)
    first = await user.send("your match is ready", nonce=4242)
    again = await user.send("your match is ready", nonce=4242)  # a retry after a timeout, or a restart
    other = await user.send("your match is ready", nonce=4243)
    assert again.id == first.id and other.id != first.id
    mine = [m for m in rig.standin.messages_seen_by(dave) if m.content == "your match is ready"]
    assert [m.id for m in mine] == [first.id, other.id]


async def test_over_limit_payloads_are_refused(rig: Rig) -> None:
    channel_id = rig.standin.store.identity.channel_id
    route = Route("POST", "/channels/{channel_id}/messages", channel_id=channel_id)
    button = {"type": 2, "style": 1, "label": "Join", "custom_id": "x" * 101}
    with pytest.raises(discord.HTTPException) as raised:
        await rig.bot.http.request(route, json={"content": "hi", "components": [{"type": 1, "components": [button]}]})
    assert raised.value.status == 400 and raised.value.code == 50035
    refusal = rig.standin.refusals[-1]
    assert refusal.errors is not None and "custom_id" in refusal.errors["components"]["0"]["components"]["0"]
    channel = rig.bot.get_channel(channel_id)
    assert isinstance(channel, discord.TextChannel)
    with pytest.raises(discord.HTTPException) as raised:
        await channel.send(embed=discord.Embed(title="t" * 257))
    assert raised.value.code == 50035 and "embeds.0.title" in raised.value.text


async def test_a_command_discord_refuses_fails_the_whole_sync_as_on_discord(rig: Rig) -> None:
    """What would have kept the ladder bot from starting: an integer option bounded past Discord's Int53."""
    before = [c["name"] for c in rig.standin.commands]
    route = Route(
        "PUT", "/applications/{application_id}/commands", application_id=rig.standin.store.identity.application_id
    )
    option = {"type": 4, "name": "match_id", "description": "a match", "min_value": 1, "max_value": 2**63 - 1}
    with pytest.raises(discord.HTTPException) as raised:
        await rig.bot.http.request(route, json=[{"name": "show", "description": "a match", "options": [option]}])
    assert raised.value.status == 400 and raised.value.code == 50035
    refusal = rig.standin.refusals[-1]
    assert refusal.errors is not None and "_errors" in refusal.errors["0"]["options"]["0"]["max_value"]
    violation = rig.standin.violations[-1]
    assert violation.side == BOT and violation.where == "$[0].options[0].max_value"
    assert violation.operation.startswith("bulk_set_application_commands")
    assert [c["name"] for c in rig.standin.commands] == before, "a refused sync changes nothing"


@contextlib.asynccontextmanager
async def rate_limited(standin: StandIn) -> AsyncIterator[None]:
    """Discord's limits on, from a second in which the bot has made no request yet."""
    await asyncio.sleep(1.1)
    standin.rate_limits.enabled = True
    try:
        yield
    finally:
        standin.rate_limits.enabled = False


async def test_channel_messages_are_limited_per_channel_and_discord_py_waits_them_out(rig: Rig) -> None:
    channel = rig.bot.get_channel(rig.standin.store.identity.channel_id)
    assert isinstance(channel, discord.TextChannel)
    async with rate_limited(rig.standin):
        started = asyncio.get_running_loop().time()
        sent = await asyncio.gather(*(channel.send(f"standings line {i}") for i in range(7)))
        elapsed = asyncio.get_running_loop().time() - started
    assert len({m.id for m in sent}) == 7, "every message went through in the end"
    assert elapsed >= 4.5, "5 messages per 5 s in a channel: the last two waited for the next window"
    answers = [r for r in rig.standin.received if r.route == "/channels/{channel_id}/messages"][-7:]
    assert sum(r.status == 200 for r in answers) >= 5


async def test_the_global_limit_answers_429_with_discords_headers_and_counts_invalid_requests(rig: Rig) -> None:
    headers = {"Authorization": f"Bot {TOKEN}"}
    invalid_before = rig.standin.invalid_requests
    async with rate_limited(rig.standin), aiohttp.ClientSession(headers=headers) as session:

        async def get_me() -> tuple[int, dict[str, str], Any]:
            async with session.get(rig.standin.api_base + "/users/@me") as response:
                return response.status, dict(response.headers), await response.json()

        answers = await asyncio.gather(*(get_me() for _ in range(60)))
    limited = [(h, body) for status, h, body in answers if status == 429]
    assert len(limited) == 10, "50 requests a second with the bot token, no more"
    head, body = limited[0]
    assert head["X-RateLimit-Scope"] == "global" and head["X-RateLimit-Global"] == "true" and head["Via"]
    assert int(head["Retry-After"]) >= 1 and body["global"] is True and 0 < body["retry_after"] <= 1
    assert rig.standin.invalid_requests - invalid_before == 10


async def test_opening_dms_shares_one_bucket_whose_429s_are_not_invalid(rig: Rig) -> None:
    headers = {"Authorization": f"Bot {TOKEN}"}
    invalid_before = rig.standin.invalid_requests
    bucket = rig.standin.rate_limits.routes[("POST", "/users/@me/channels")]
    async with rate_limited(rig.standin), aiohttp.ClientSession(headers=headers) as session:
        statuses, scopes = [], []
        for user in (ALICE, BOB, CAROL) * 5:
            async with session.post(
                rig.standin.api_base + "/users/@me/channels", json={"recipient_id": str(user)}
            ) as r:
                statuses.append(r.status)
                scopes.append(r.headers.get("X-RateLimit-Scope"))
                if r.status == 200:
                    assert r.headers["X-RateLimit-Limit"] == str(bucket.limit)
    assert statuses.count(200) == bucket.limit and set(scopes) == {None, "shared"}
    assert rig.standin.invalid_requests == invalid_before, "a shared bucket's 429s do not count toward a ban"


async def test_deleted_message_cannot_be_edited(rig: Rig) -> None:
    channel = rig.bot.get_channel(rig.standin.store.identity.channel_id)
    assert isinstance(channel, discord.TextChannel)
    sent = await channel.send("leaderboard")
    rig.standin.delete_message(sent.id)
    assert sent.id not in [m.id for m in rig.standin.messages_seen_by(ALICE)]
    with pytest.raises(discord.NotFound) as raised:
        await sent.edit(content="leaderboard v2")
    assert raised.value.code == 10008


async def test_a_file_upload_is_read_from_its_multipart_form(rig: Rig) -> None:
    channel = rig.bot.get_channel(rig.standin.store.identity.channel_id)
    assert isinstance(channel, discord.TextChannel)
    sent = await channel.send("standings attached", file=discord.File(io.BytesIO(b"1. alice"), "standings.txt"))
    assert rig.standin.message(sent.id).content == "standings attached"
    assert rig.standin.received[-1].route == "/channels/{channel_id}/messages"
    stored = rig.standin.message(sent.id).attachments
    assert [a["filename"] for a in stored] == ["standings.txt"] == [a.filename for a in sent.attachments]
    assert rig.standin.attachment_bytes(stored[0]["id"]) == b"1. alice"


async def test_unknown_route_and_missing_token_are_visible(rig: Rig) -> None:
    route = Route("GET", "/guilds/{guild_id}/bans", guild_id=rig.standin.store.identity.guild_id)
    with pytest.raises(discord.NotFound):
        await rig.bot.http.request(route)
    assert rig.standin.refusals[-1].path.endswith("/bans") and rig.standin.refusals[-1].status == 404
    async with aiohttp.ClientSession() as session, session.get(rig.standin.api_base + "/users/@me") as response:
        assert response.status == 401 and response.headers["content-type"] == "application/json"
        assert await response.json() == {"code": 0, "message": "401: Unauthorized"}


async def test_resumed_after_a_resumable_drop(rig: Rig) -> None:
    standin = rig.standin
    before = standin.identify_count
    await standin.drop_gateway(resumable=True)
    await standin.wait_ready(timeout=5)
    assert standin.identify_count == before
    assert (await standin.run_command(BOB, "hello")).answered


async def test_reidentify_after_a_dropped_gateway(rig: Rig) -> None:
    standin = rig.standin
    before = standin.identify_count
    await standin.drop_gateway()
    assert not standin.connected
    await standin.wait_ready(timeout=10)
    assert standin.identify_count > before
    result = await standin.run_command(BOB, "hello")
    assert result.answered
