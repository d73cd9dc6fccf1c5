"""StandIn: one object for tests and the demo to start, drive and read the stand-in through."""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType
from typing import Any

from aiohttp import web

from .clock import Clock
from .commands import Commands
from .conformance import Violation
from .gateway import Gateway
from .interactions import Interactions
from .latency import Latency
from .models import JSON, InteractionResult, Message, Received, ReceivedBody, Refusal
from .rate_limits import RateLimits
from .server import API, Server
from .store import Identity, Store
from .users import SimulatedUsers

# The network the demo, the benchmarks and the chaos run assume between the bot and Discord: 60 ms each way.
DEMO_LATENCY_S = 0.06
DEMO_JITTER_S = 0.02


def as_discord(limits: bool = True, latency_s: float = DEMO_LATENCY_S) -> dict[str, Any]:
    """The keyword arguments of a StandIn that holds the bot to Discord's rate limits and a network's delay."""
    return {
        "rate_limits": RateLimits(enabled=limits),
        "latency": Latency(latency_s, DEMO_JITTER_S if latency_s else 0.0),
    }


class StandIn:
    def __init__(
        self,
        bot_token: str,
        *,
        application_id: int = 900000000000000001,
        bot_user_id: int = 900000000000000001,
        guild_id: int = 900000000000000100,
        channel_id: int = 900000000000000200,
        record_bodies: bool = False,
        rate_limits: RateLimits | None = None,
        latency: Latency | None = None,
    ) -> None:
        """`rate_limits` and `latency`: Discord's limits and a network's delay (both off unless given)."""
        self.clock = Clock()
        latency = latency or Latency()  # one network for the REST routes and the gateway
        identity = Identity(bot_token, application_id, bot_user_id, guild_id, channel_id)
        self.store = Store(identity, self.clock)
        self._interactions = Interactions(self.store)
        self._gateway = Gateway(self.store, latency)
        self._commands = Commands(self.store)
        self._server = Server(
            self.store,
            self._interactions,
            self._gateway,
            self._commands,
            record_bodies=record_bodies,
            rate_limits=rate_limits,
            latency=latency,
        )
        self._users = SimulatedUsers(self.store, self._interactions, self._gateway, self._commands)
        self._runner: web.AppRunner | None = None
        self._port: int | None = None

    # Life cycle

    async def start(self) -> None:
        if self._runner is not None:
            raise RuntimeError("the stand-in is already running")
        runner = web.AppRunner(self._server.app, handle_signals=False, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        self._runner = runner
        self._port = int(runner.addresses[0][1])
        self._gateway.url = self.gateway_url
        self.store.cdn.base = self.cdn_base

    async def stop(self) -> None:
        if self._runner is None:
            return
        await self._gateway.close_all()
        await self._runner.cleanup()
        self._runner = None

    async def __aenter__(self) -> StandIn:
        await self.start()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.stop()

    @property
    def port(self) -> int:
        if self._port is None:
            raise RuntimeError("start() the stand-in first")
        return self._port

    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self.port}{API}"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    @property
    def cdn_base(self) -> str:
        """Where attachment URLs point: `{cdn_base}/cdn/attachments/{channel_id}/{attachment_id}/{filename}?ex=..`."""
        return f"http://127.0.0.1:{self.port}"

    # The bot's session

    async def wait_ready(self, timeout: float = 30.0) -> None:
        """Until a bot is connected (READY sent) and has synced its commands at least once."""

        def ready() -> bool | None:
            return True if self._gateway.connected and self._commands.sync_count > 0 else None

        try:
            await self.store.changes.wait_for(ready, timeout)
        except TimeoutError:
            state = f"connected={self.connected}, command syncs={self._commands.sync_count}"
            raise TimeoutError(f"no bot became ready within {timeout} s ({state})") from None

    @property
    def commands(self) -> list[JSON]:
        """The registered commands as stored (with ids): the guild's (with `guild_id`), then the global ones."""
        return self._commands.guild_commands + self._commands.global_commands

    @property
    def connected(self) -> bool:
        """Every guild's interactions (and DMs') reach a connected bot shard."""
        return self._gateway.connected

    @property
    def connected_shards(self) -> list[tuple[int, int]]:
        """(shard id, shard count) of each shard connected now."""
        return self._gateway.connected_shards

    def add_guild(self, name: str) -> int:
        """Another guild the bot is in, on the shard after the newest guild's (for any shard count); its id."""
        guild = self.store.add_guild(name)
        self.store.changes.changed()
        return guild.id

    @property
    def identify_count(self) -> int:
        return self._gateway.identify_count

    async def drop_gateway(self, *, resumable: bool = False) -> None:
        """Close the bot's websocket. Not resumable: the bot identifies again (discord.py waits 5 s first).
        Resumable: its RESUME is accepted and it is back at once, with identify_count unchanged."""
        await self._gateway.drop(resumable=resumable)

    # Simulated users

    def add_user(
        self, user_id: int, name: str | None = None, *, locale: str | None = None, guild_id: int | None = None
    ) -> None:
        """Name a simulated user before it acts (users are otherwise created on first use as "user<id>"), set
        the language of their Discord client (`en-US` unless told) and the guild where they use the bot (the
        home guild unless told)."""
        self.store.user(user_id, name, locale, guild_id)

    async def run_command(
        self,
        user_id: int,
        name: str,
        options: dict[str, object] | None = None,
        *,
        in_dm: bool = False,
        subcommand: str | None = None,
        forged: bool = False,
    ) -> InteractionResult:
        """`subcommand` is "sub" or "group sub"; options are the innermost command's, an attachment option's value
        an AttachedFile. `forged`: option values outside the registered bounds and choices, and files over the
        upload limit, are sent anyway (as only a forged request could)."""
        return await self._users.run_command(user_id, name, options, in_dm=in_dm, subcommand=subcommand, forged=forged)

    async def autocomplete(
        self,
        user_id: int,
        name: str,
        option: str,
        typed: str,
        options: dict[str, object] | None = None,
        *,
        subcommand: str | None = None,
    ) -> InteractionResult:
        """Types into an autocomplete option (of `subcommand`, "group sub", if given); the result's `choices` are
        the suggestions the bot gave."""
        return await self._users.autocomplete(user_id, name, option, typed, options, subcommand=subcommand)

    async def press_button(
        self, user_id: int, message_id: int, custom_id: str, *, forged: bool = False
    ) -> InteractionResult:
        return await self._users.press_button(user_id, message_id, custom_id, forged=forged)

    async def pick(
        self, user_id: int, message_id: int, custom_id: str, values: list[str], *, forged: bool = False
    ) -> InteractionResult:
        return await self._users.pick(user_id, message_id, custom_id, values, forged=forged)

    async def submit_modal(
        self, user_id: int, values: dict[str, str], *, forged: bool = False, again: bool = False
    ) -> InteractionResult:
        """Fills in and submits the form (modal) the bot showed the user; `values` by text input custom id.
        `again`: the form last submitted, sent once more (as a client that resends it would)."""
        return await self._users.submit_modal(user_id, values, forged=forged, again=again)

    def open_modal(self, user_id: int) -> JSON | None:
        """The form the user is looking at (custom id, title, inputs), if the bot showed one."""
        modal = self._interactions.open_modals.get(user_id)
        return modal.data if modal is not None else None

    def make_admin(self, user_id: int) -> None:
        """Gives the user Manage Server in the guild (what a ladder's admins have)."""
        self.store.user(user_id)
        self.store.admins.add(user_id)

    def messages_seen_by(self, user_id: int) -> list[Message]:
        return self._users.messages_seen_by(user_id)

    async def wait_for_message(
        self, user_id: int, predicate: Callable[[Message], bool], timeout: float = 10.0
    ) -> Message:
        return await self._users.wait_for_message(user_id, predicate, timeout)

    def message(self, message_id: int) -> Message:
        """Any message's current state, whoever can see it (deleted ones included)."""
        message = self.store.messages.get(message_id)
        if message is None:
            raise LookupError(f"no message {message_id}")
        return message.snapshot()

    def attachment_bytes(self, attachment_id: int | str) -> bytes:
        """The bytes of an attachment (a user's file or one the bot sent), by the id in `Message.attachments`."""
        return self.store.attachment_bytes(attachment_id)

    def close_dms(self, user_id: int) -> None:
        self._users.close_dms(user_id)

    def open_dms(self, user_id: int) -> None:
        self._users.open_dms(user_id)

    def delete_message(self, message_id: int) -> None:
        self._users.delete_message(message_id)

    # What happened

    @property
    def failed_interactions(self) -> list[int]:
        return self._interactions.failed

    @property
    def refusals(self) -> list[Refusal]:
        return self._server.refusals

    @property
    def violations(self) -> list[Violation]:
        """Every request the bot sent and every answer the stand-in gave that Discord's OpenAPI description
        refuses (a request so refused was also answered 400, as Discord answers it)."""
        return self._server.violations

    @property
    def latency(self) -> Latency:
        """The network's delay in force; a test may change it while the stand-in runs."""
        return self._server.latency

    @property
    def rate_limits(self) -> RateLimits:
        """The limits in force; a test may switch them on (`enabled`) or change them while the stand-in runs."""
        return self._server.limiter.limits

    @property
    def rate_limited(self) -> int:
        """429s the stand-in answered (the bot retries each after `retry_after`)."""
        return self._server.limiter.rate_limited

    @property
    def invalid_requests(self) -> int:
        """Answers Discord counts toward its IP ban (401, 403, 429 other than `shared` scope)."""
        return self._server.limiter.invalid_requests

    @property
    def invalid_peak_per_10_min(self) -> int:
        """The most invalid requests in any 10 minutes (Discord bans an IP for an hour past 10,000)."""
        return self._server.limiter.invalid_peak_per_10_min

    @property
    def received(self) -> list[Received]:
        return self._server.received

    @property
    def bodies(self) -> list[ReceivedBody]:
        """Every request body received, when the stand-in was made with `record_bodies=True`."""
        return self._server.bodies

    def interaction_tokens(self) -> list[str]:
        """Every interaction token the stand-in has handed the bot."""
        return self._interactions.tokens()
