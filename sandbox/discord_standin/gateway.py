"""The gateway websocket: HELLO, IDENTIFY -> READY + GUILD_CREATE, heartbeats, and the dispatches tests cause.

A RESUME is answered with INVALID_SESSION (not resumable) unless the test dropped the connection as resumable:
Discord does both, and a bot must survive the fresh IDENTIFY (which discord.py delays by 5 s) as well as the
RESUMED. Nothing is dispatched while no session is open, so a resumed session has nothing to replay.
"""

from __future__ import annotations

import json
import logging
import secrets
import zlib
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

from . import payloads
from .latency import Latency
from .models import JSON
from .store import Store

log = logging.getLogger(__name__)

DISPATCH = 0
HEARTBEAT = 1
IDENTIFY = 2
RESUME = 6
INVALID_SESSION = 9
HELLO = 10
HEARTBEAT_ACK = 11

HEARTBEAT_INTERVAL_MS = 41250

# Close codes Discord uses.
UNKNOWN_ERROR = 4000
DECODE_ERROR = 4002
NOT_AUTHENTICATED = 4003
AUTHENTICATION_FAILED = 4004
ALREADY_AUTHENTICATED = 4005


class NotConnected(RuntimeError):
    """No bot session is open on the gateway, so nothing can be dispatched to a bot."""


@dataclass(eq=False)
class Session:
    ws: web.WebSocketResponse
    compressor: Any = None  # zlib's compress object; one per connection, as the stream is continuous
    seq: int = 0
    session_id: str = field(default_factory=lambda: secrets.token_hex(16))
    identified: bool = False
    intents: int | None = None
    dropped: bool = False

    @property
    def open(self) -> bool:
        return not self.ws.closed and not self.dropped

    async def send(self, op: int, d: object, t: str | None = None) -> None:
        s: int | None = None
        if op == DISPATCH:
            self.seq += 1
            s = self.seq
        text = json.dumps({"op": op, "d": d, "s": s, "t": t})
        if self.compressor is None:
            await self.ws.send_str(text)
        else:
            data = self.compressor.compress(text.encode()) + self.compressor.flush(zlib.Z_SYNC_FLUSH)
            await self.ws.send_bytes(data)


class Gateway:
    def __init__(self, store: Store, latency: Latency | None = None) -> None:
        self.store = store
        self.latency = latency or Latency()
        self.url = ""  # set when the server has its port
        self.sessions: set[Session] = set()
        self.active: Session | None = None  # the newest identified session: it gets the dispatches
        self.identify_count = 0
        self._resumable: Session | None = None  # the dropped session a RESUME may take over

    @property
    def connected(self) -> bool:
        return self.active is not None and self.active.open

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        session = Session(ws)
        if request.query.get("compress") == "zlib-stream":
            session.compressor = zlib.compressobj()
        # Any other compression (zstd-stream) is answered uncompressed: discord.py reads text frames as plain JSON.
        self.sessions.add(session)
        try:
            if request.query.get("encoding", "json") != "json":
                await ws.close(code=DECODE_ERROR, message=b"Only JSON encoding is supported.")
                return ws
            await session.send(HELLO, {"heartbeat_interval": HEARTBEAT_INTERVAL_MS})
            async for msg in ws:
                if msg.type not in (WSMsgType.TEXT, WSMsgType.BINARY):
                    break
                try:
                    frame = json.loads(msg.data)
                    op = frame["op"]
                except (ValueError, KeyError, TypeError):
                    await ws.close(code=DECODE_ERROR, message=b"Error while decoding payload.")
                    break
                await self._received(session, op, frame.get("d"))
        finally:
            self.sessions.discard(session)
            if self.active is session:
                self.active = None
            self.store.changes.changed()
        return ws

    async def _received(self, session: Session, op: int, d: Any) -> None:
        if op == HEARTBEAT:
            # Over the network like everything else; an instant ACK can also overtake discord.py's own record of
            # the heartbeat it just sent, which it then logs as a connection 41 s behind.
            await self.latency.dispatch()
            await session.send(HEARTBEAT_ACK, None)
        elif op == IDENTIFY:
            await self._identify(session, d or {})
        elif op == RESUME:
            await self._resume(session, d or {})
        elif not session.identified:
            await session.ws.close(code=NOT_AUTHENTICATED, message=b"Not authenticated.")
        # Presence updates, member requests and the like need no answer here.

    async def _identify(self, session: Session, d: JSON) -> None:
        if session.identified:
            await session.ws.close(code=ALREADY_AUTHENTICATED, message=b"Already authenticated.")
            return
        token = str(d.get("token", "")).removeprefix("Bot ")
        if token != self.store.identity.bot_token:
            await session.ws.close(code=AUTHENTICATION_FAILED, message=b"Authentication failed.")
            return
        self.identify_count += 1
        session.identified = True
        session.intents = d.get("intents")
        await session.send(DISPATCH, payloads.ready(self.store, session.session_id, self.url), "READY")
        # The guild is "unavailable" in READY and arrives whole right after, as from Discord.
        await session.send(DISPATCH, payloads.guild_create(self.store), "GUILD_CREATE")
        self.active = session
        self.store.changes.changed()

    async def _resume(self, session: Session, d: JSON) -> None:
        old, self._resumable = self._resumable, None
        token = str(d.get("token", "")).removeprefix("Bot ")
        if old is None or d.get("session_id") != old.session_id or token != self.store.identity.bot_token:
            await session.send(INVALID_SESSION, False)
            return
        session.session_id, session.seq, session.intents = old.session_id, old.seq, old.intents
        session.identified = True
        await session.send(DISPATCH, {}, "RESUMED")
        self.active = session
        self.store.changes.changed()

    async def dispatch(self, event: str, d: JSON) -> None:
        if self.active is None or not self.active.open:
            raise NotConnected("no bot is connected to the stand-in's gateway")
        await self.latency.dispatch()
        session = self.active
        if session is None or not session.open:
            raise NotConnected("no bot is connected to the stand-in's gateway")
        try:
            await session.send(DISPATCH, d, event)
        except ConnectionResetError:  # the connection was closing (the bot died or is reconnecting)
            raise NotConnected("the bot's gateway connection was closing") from None

    async def drop(self, *, resumable: bool = False) -> None:
        """Cut the bot's connection as a network failure would (not a clean 1000 close)."""
        session = self.active
        if session is None:
            return
        session.dropped = True
        self.active = None
        self._resumable = session if resumable else None
        self.store.changes.changed()
        await session.ws.close(code=UNKNOWN_ERROR, message=b"Dropped by the stand-in.")

    async def close_all(self) -> None:
        for session in list(self.sessions):
            session.dropped = True
            await session.ws.close(code=1001, message=b"Stand-in stopping.")
        self.active = None
