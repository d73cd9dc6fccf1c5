"""The REST API under /api/v10, the gateway's websocket and the attachments' CDN, on one aiohttp application.

Every request is logged in `received` and every refusal in `refusals`, so a test sees a missing route or a
broken rule as plainly as the bot's logs would show it against Discord.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Awaitable, Callable

from aiohttp import BodyPartReader, hdrs, web

from . import conformance, payloads, rules
from .cdn import CDN_PATH, ROUTE, Upload
from .commands import Commands
from .gateway import Gateway
from .interactions import Interactions
from .latency import Latency
from .models import JSON, Message, Received, ReceivedBody, Refusal
from .rate_limits import Limiter, RateLimits, Verdict
from .rules import DiscordError
from .store import DM, Channel, Store

log = logging.getLogger(__name__)

API = "/api/v10"
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

# Routes Discord serves without the bot token: the interaction token in the path is the credential.
UNAUTHENTICATED = ("/interactions/", "/webhooks/")
# The answer to a request whose client went away before it was read (nginx's code): nobody receives it.
CLIENT_CLOSED_REQUEST = 499
# Where a handler leaves the request's body text for the request log.
BODY = web.RequestKey("standin.body", str)
# A file part's name (Reference -> Uploading Files): `files[n]`, n the placeholder `attachments` refers to it by.
FILE_PART = re.compile(r"files\[(\d+)\]")
# The request's operation in Discord's OpenAPI description, and every way a request or an answer broke it.
OPERATION = web.RequestKey("standin.operation", conformance.Operation)
VIOLATIONS = web.AppKey("standin.violations", list[conformance.Violation])


def json_response(body: object, status: int = 200) -> web.Response:
    # discord.py compares the content type verbatim: "application/json; charset=utf-8" would read as text.
    return web.Response(body=json.dumps(body).encode(), status=status, headers={"Content-Type": "application/json"})


def no_content() -> web.Response:
    return web.Response(status=204)


def _flag(request: web.Request, name: str) -> bool:
    return request.query.get(name, "").lower() in ("1", "true")


def _int(text: str, error: DiscordError) -> int:
    try:
        return int(text)
    except ValueError:
        raise error from None


async def read_body(request: web.Request) -> JSON:
    """JSON, or the `payload_json` part of a multipart form, for a route that takes no files."""
    body, _ = await read_message_body(request)
    return body


async def read_message_body(request: web.Request) -> tuple[JSON, list[Upload]]:
    """A message's JSON and its files: a multipart form's `payload_json` and `files[n]` parts (how discord.py
    sends a message with files), or a JSON body and no files."""
    uploads: list[Upload] = []
    if request.content_type.startswith("multipart/"):
        text, uploads = await _read_form(request)
    else:
        text = await request.text()
    request[BODY] = text
    if not text:
        return {}, uploads
    try:
        body = json.loads(text)
    except ValueError:
        raise DiscordError(400, rules.INVALID_JSON, "The request body contains invalid JSON.") from None
    if not isinstance(body, dict):
        raise DiscordError(400, rules.INVALID_JSON, "The request body contains invalid JSON.")
    conform(request, body)
    if len(uploads) > rules.MAX_ATTACHMENTS:
        raise rules.too_many_attachments()
    return body, uploads


async def _read_form(request: web.Request) -> tuple[str, list[Upload]]:
    """The `payload_json` text (`{}` without one) and the file parts of a multipart form, held to Discord's size
    limits as they arrive: an oversized request is refused without being kept (aiohttp reads and drops the rest,
    so the sender still gets the answer)."""
    if (request.content_length or 0) > rules.MAX_REQUEST_SIZE:
        raise rules.request_too_large()
    reader = await request.multipart()
    text = "{}"
    uploads: list[Upload] = []
    total = 0
    while (part := await reader.next()) is not None:
        if not isinstance(part, BodyPartReader):
            continue  # a nested multipart form: nothing Discord reads
        data = bytearray()
        while chunk := await part.read_chunk():
            data += chunk
            total += len(chunk)
            if total > rules.MAX_REQUEST_SIZE:
                raise rules.request_too_large()
        named = FILE_PART.fullmatch(part.name or "")
        if part.name == "payload_json":
            text = data.decode(errors="replace")
        elif named is not None:
            if len(data) > rules.MAX_FILE_SIZE:
                raise rules.request_too_large()
            filename = part.filename or f"file{named.group(1)}"
            uploads.append(Upload(int(named.group(1)), filename, bytes(data), part.headers.get(hdrs.CONTENT_TYPE)))
    return text, uploads


def conform(request: web.Request, body: object) -> None:
    """A body Discord's schema refuses is refused here as Discord refuses it (400, Invalid Form Body), and
    recorded as the bot's violation."""
    found = request.get(OPERATION)
    if found is None:
        return
    violations = conformance.body_violations(found, request.content_type, body)
    if violations:
        request.app[VIOLATIONS].extend(violations)
        errors = rules.FormErrors()
        for violation in violations:
            errors.add(violation.parts, "SCHEMA_VIOLATION", violation.message)
        errors.raise_if_any()


def _answer_body(response: web.StreamResponse) -> object | None:
    body = response.body if isinstance(response, web.Response) else None
    if not body:
        return None
    return json.loads(body) if isinstance(body, bytes) else None


class Server:
    def __init__(
        self,
        store: Store,
        interactions: Interactions,
        gateway: Gateway,
        commands: Commands,
        *,
        record_bodies: bool = False,
        rate_limits: RateLimits | None = None,
        latency: Latency | None = None,
    ) -> None:
        self.store = store
        self.limiter = Limiter(rate_limits or RateLimits(), store.clock)
        self.latency = latency or Latency()
        self.record_bodies = record_bodies
        self.interactions = interactions
        self.gateway = gateway
        self.commands = commands
        self.refusals: list[Refusal] = []
        self.received: list[Received] = []
        # Every request body the bot sent, when recorded (a test searching them for secrets).
        self.bodies: list[ReceivedBody] = []
        self.app = web.Application(middlewares=[self._middleware])
        self.violations: list[conformance.Violation] = []
        self.app[VIOLATIONS] = self.violations
        self._routes()

    def _routes(self) -> None:
        add = self.app.router.add_route
        add("GET", "/gateway", self.gateway.handle)
        add("GET", API + "/gateway", self._get_gateway)
        add("GET", API + "/gateway/bot", self._get_gateway_bot)
        add("GET", API + "/users/@me", self._get_me)
        add("POST", API + "/users/@me/channels", self._open_dm)
        add("GET", API + "/users/{user_id}", self._get_user)
        add("GET", API + "/oauth2/applications/@me", self._get_application)
        add("GET", API + "/guilds/{guild_id}", self._get_guild)
        for path in (
            "/applications/{application_id}/commands",
            "/applications/{application_id}/guilds/{guild_id}/commands",
        ):
            add("GET", API + path, self._get_commands)
            add("PUT", API + path, self._put_commands)
        add("POST", API + "/interactions/{interaction_id}/{token}/callback", self._callback)
        add("POST", API + "/webhooks/{application_id}/{token}", self._followup)
        # @original first: aiohttp tries routes in the order they were added.
        for path in (
            "/webhooks/{application_id}/{token}/messages/@original",
            "/webhooks/{application_id}/{token}/messages/{message_id}",
        ):
            add("GET", API + path, self._webhook_message)
            add("PATCH", API + path, self._webhook_message)
            add("DELETE", API + path, self._webhook_message)
        add("GET", API + "/channels/{channel_id}", self._get_channel)
        add("POST", API + "/channels/{channel_id}/messages", self._create_message)
        for method in ("GET", "PATCH", "DELETE"):
            add(method, API + "/channels/{channel_id}/messages/{message_id}", self._channel_message)
        add("GET", ROUTE, self.store.cdn.serve)

    @web.middleware
    async def _middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.path.startswith(CDN_PATH + "/"):
            return await self._through_cdn(request, handler)
        if not request.path.startswith(API + "/"):
            return await handler(request)
        path = request.path.removeprefix(API)
        resource = request.match_info.route.resource
        route = resource.canonical.removeprefix(API) if resource is not None else path
        response: web.StreamResponse
        found = conformance.operation(request.method, route)
        if found is None:
            self.violations.append(conformance.unknown(request.method, route))
        else:
            request[OPERATION] = found
            self.violations += conformance.query_violations(found, dict(request.query))
        await self.latency.travel()  # the request on its way to Discord
        verdict = Verdict(True, {})
        try:
            error = request.match_info.http_exception
            if error is not None:
                raise DiscordError(error.status, 0, f"{error.status}: {error.reason}")
            needs_token = not route.startswith(UNAUTHENTICATED) and route != "/gateway"
            if needs_token and request.headers.get("Authorization") != f"Bot {self.store.identity.bot_token}":
                raise DiscordError(401, 0, "401: Unauthorized")
            verdict = self.limiter.take(request.method, route, dict(request.match_info))
            response = await handler(request) if verdict.allowed else json_response(verdict.body(), 429)
        except DiscordError as refusal:
            self.refusals.append(
                Refusal(request.method, path, refusal.status, refusal.code, refusal.message, refusal.errors)
            )
            response = json_response(refusal.body(), refusal.status)
        except ConnectionResetError:
            # The bot went away in the middle of its request (killed): nobody is left to answer, and Discord drops
            # such a request too. Nothing is recorded; the answer (nginx's "client closed request") goes nowhere.
            return web.Response(status=CLIENT_CLOSED_REQUEST)
        except Exception as crash:
            # The stand-in's own bug: a 500 (which discord.py retries) recorded where a test will see it.
            log.exception("stand-in failed on %s %s", request.method, path)
            self.refusals.append(Refusal(request.method, path, 500, 0, f"stand-in error: {crash!r}"))
            where = found.label() if found is not None else f"{request.method} {route}"
            self.violations.append(conformance.Violation(conformance.STANDIN, where, 500, "crash", repr(crash)[:300]))
            response = json_response({"code": 0, "message": "500: Internal Server Error"}, 500)
        response.headers.update(verdict.headers)
        response.headers["Via"] = "1.1 google"  # Discord's edge; discord.py takes a 429 without it for a ban
        self.limiter.answered(response.status, verdict.scope)
        if found is not None:
            self.violations += conformance.response_violations(found, response.status, _answer_body(response))
        self.received.append(Received(request.method, route, response.status, self.store.clock.now()))
        if self.record_bodies and request.get(BODY):
            self.bodies.append(ReceivedBody(request.method, path, request[BODY]))
        await self.latency.travel()  # the answer on its way back
        return response

    async def _through_cdn(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        """A file fetched from the CDN: over the same network as the API, and logged, but no API operation (no
        token, no rate limit, nothing of Discord's OpenAPI description to hold it to)."""
        await self.latency.travel()
        try:
            response = await handler(request)
        except web.HTTPException as error:  # a URL of no file's shape
            response = web.Response(status=error.status, text=error.reason)
        resource = request.match_info.route.resource
        route = resource.canonical if resource is not None else request.path
        self.received.append(Received(request.method, route, response.status, self.store.clock.now()))
        await self.latency.travel()
        return response

    # Session set-up

    async def _get_gateway(self, request: web.Request) -> web.StreamResponse:
        return json_response({"url": self.gateway.url})

    async def _get_gateway_bot(self, request: web.Request) -> web.StreamResponse:
        return json_response(
            {
                "url": self.gateway.url,
                "shards": 1,
                "session_start_limit": {"total": 1000, "remaining": 1000, "reset_after": 0, "max_concurrency": 1},
            }
        )

    async def _get_me(self, request: web.Request) -> web.StreamResponse:
        return json_response(payloads.bot_user(self.store))

    async def _get_user(self, request: web.Request) -> web.StreamResponse:
        user_id = _int(request.match_info["user_id"], rules.not_found(rules.UNKNOWN_USER, "User"))
        user = self.store.users.get(user_id)
        if user is None:
            raise rules.not_found(rules.UNKNOWN_USER, "User")
        return json_response(payloads.user(user))

    async def _get_application(self, request: web.Request) -> web.StreamResponse:
        return json_response(payloads.application(self.store))

    async def _get_guild(self, request: web.Request) -> web.StreamResponse:
        unknown = rules.not_found(rules.UNKNOWN_GUILD, "Guild")
        guild = self.store.guilds.get(_int(request.match_info["guild_id"], unknown))
        if guild is None:
            raise unknown
        return json_response(payloads.guild(self.store, guild))

    def _scope(self, request: web.Request) -> int | None:
        """None for global commands, else the guild id; anything not this bot's is Missing Access."""
        missing_access = DiscordError(403, 50001, "Missing Access")
        if _int(request.match_info["application_id"], missing_access) != self.store.identity.application_id:
            raise missing_access
        if "guild_id" not in request.match_info:
            return None
        guild_id = _int(request.match_info["guild_id"], missing_access)
        if guild_id not in self.store.guilds:
            raise missing_access
        return guild_id

    async def _get_commands(self, request: web.Request) -> web.StreamResponse:
        guild_id = self._scope(request)
        return json_response(
            self.commands.global_commands if guild_id is None else self.commands.by_guild.get(guild_id, [])
        )

    async def _put_commands(self, request: web.Request) -> web.StreamResponse:
        guild_id = self._scope(request)
        if request.content_type.startswith("multipart/"):
            raise DiscordError(400, rules.INVALID_FORM_BODY, "Invalid Form Body")
        request[BODY] = await request.text()
        try:
            commands = json.loads(request[BODY] or "[]")
        except ValueError:
            raise DiscordError(400, rules.INVALID_JSON, "The request body contains invalid JSON.") from None
        conform(request, commands)
        return json_response(self.commands.overwrite(commands, guild_id))

    # Interactions

    async def _callback(self, request: web.Request) -> web.StreamResponse:
        interaction_id = _int(
            request.match_info["interaction_id"], rules.not_found(rules.UNKNOWN_INTERACTION, "interaction")
        )
        body, uploads = await read_message_body(request)
        _, response = self.interactions.callback(interaction_id, request.match_info["token"], body, uploads)
        return json_response(response) if _flag(request, "with_response") else no_content()

    def _webhook(self, request: web.Request) -> tuple[int, str]:
        app_id = _int(request.match_info["application_id"], rules.not_found(rules.UNKNOWN_WEBHOOK, "Webhook"))
        return app_id, request.match_info["token"]

    async def _followup(self, request: web.Request) -> web.StreamResponse:
        interaction = self.interactions.for_webhook(*self._webhook(request))
        message = self.interactions.followup(interaction, *await read_message_body(request))
        return json_response(payloads.message(self.store, message)) if _flag(request, "wait") else no_content()

    async def _webhook_message(self, request: web.Request) -> web.StreamResponse:
        interaction = self.interactions.for_webhook(*self._webhook(request))
        message = self.interactions.webhook_message(interaction, request.match_info.get("message_id", "@original"))
        return await self._message_method(request, message)

    async def _message_method(self, request: web.Request, message: Message) -> web.StreamResponse:
        if request.method == "DELETE":
            self.store.delete(message)
            return no_content()
        if request.method == "PATCH":
            body, uploads = await read_message_body(request)
            rules.check_message({"flags": message.flags, **body})
            kept = self.store.cdn.after_edit(message.channel_id, body, uploads, message.attachments)
            self.store.edit_message(message, body, attachments=kept)
        return json_response(payloads.message(self.store, message))

    # Channels and messages, with the bot token

    def _channel(self, request: web.Request) -> Channel:
        unknown = rules.not_found(rules.UNKNOWN_CHANNEL, "Channel")
        channel = self.store.channels.get(_int(request.match_info["channel_id"], unknown))
        if channel is None:
            raise unknown
        return channel

    async def _open_dm(self, request: web.Request) -> web.StreamResponse:
        body = await read_body(request)
        unknown = rules.not_found(rules.UNKNOWN_USER, "User")
        user_id = _int(str(body.get("recipient_id")), unknown)
        if user_id not in self.store.users or user_id == self.store.identity.bot_user_id:
            raise unknown
        # Opening a DM channel succeeds even when the user accepts no DMs: Discord refuses the message itself.
        return json_response(payloads.channel(self.store, self.store.dm_channel(user_id)))

    async def _get_channel(self, request: web.Request) -> web.StreamResponse:
        return json_response(payloads.channel(self.store, self._channel(request)))

    async def _create_message(self, request: web.Request) -> web.StreamResponse:
        channel = self._channel(request)
        body, uploads = await read_message_body(request)
        if channel.type == DM and channel.recipient_id in self.store.closed_dms:
            raise DiscordError(403, rules.CANNOT_SEND_TO_USER, "Cannot send messages to this user")
        rules.check_message(body, creating=True, files=len(uploads))
        author = self.store.identity.bot_user_id
        # Discord's idempotency: with enforce_nonce, a second message of one author with the same nonce within a
        # few minutes is not created; the first is returned.
        nonce = str(body["nonce"]) if body.get("nonce") is not None and body.get("enforce_nonce") else None
        if nonce is not None:
            rules.check_nonce(nonce)
            earlier = self.store.sent_with_nonce(author, nonce)
            if earlier is not None:
                return json_response(payloads.message(self.store, earlier))
        # Only interaction responses can be ephemeral; Discord drops the flag on a channel message.
        flags = int(body.get("flags") or 0) & ~64
        attachments = self.store.cdn.for_new_message(channel.id, body, uploads)
        message = self.store.create_message(channel, body, author_id=author, flags=flags, attachments=attachments)
        if nonce is not None:
            self.store.remember_nonce(author, nonce, message)
        return json_response(payloads.message(self.store, message))

    async def _channel_message(self, request: web.Request) -> web.StreamResponse:
        channel = self._channel(request)
        unknown = rules.not_found(rules.UNKNOWN_MESSAGE, "Message")
        message = self.store.messages.get(_int(request.match_info["message_id"], unknown))
        # An ephemeral message exists only for its interaction's token; the bot token cannot reach it.
        if message is None or message.channel_id != channel.id or message.deleted or message.ephemeral:
            raise unknown
        if request.method == "PATCH" and message.author_id != self.store.identity.bot_user_id:
            raise DiscordError(403, 50005, "Cannot edit a message authored by another user")
        return await self._message_method(request, message)
