"""The gateway websocket: HELLO, IDENTIFY -> READY + GUILD_CREATE, heartbeats, and the dispatches tests cause.

A bot may run as several shards (IDENTIFY's `shard: [id, count]`), each its own connection, perhaps in its own
process: each receives the guilds Discord's rule gives it (`(guild_id >> 22) % count`) and their dispatches; DM
interactions go to shard 0, as on Discord.

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
INVALID_SHARD = 4010


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
    shard: tuple[int, int] = (0, 1)  # (shard id, shard count), as identified

    @property
    def open(self) -> bool:
        return not self.ws.closed and not self.dropped

    def holds(self, guild_id: int | None) -> bool:
        """Whether this shard receives the guild's events (a DM's, with no guild: shard 0)."""
        shard_id, count = self.shard
        return shard_id == (0 if guild_id is None else (guild_id >> 22) % count)

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
        # The newest identified session of each shard id: it gets that shard's dispatches.
        self.shards: dict[int, Session] = {}
        self.identify_count = 0
        self._resumable: Session | None = None  # the dropped session a RESUME may take over

    @property
    def connected(self) -> bool:
        """Every guild's events (and DMs') reach an open session: no shard the bot needs is missing."""
        return all(self.holder(guild_id) is not None for guild_id in [None, *self.store.guilds])

    @property
    def connected_shards(self) -> list[tuple[int, int]]:
        return sorted(s.shard for s in self.shards.values() if s.open)

    def holder(self, guild_id: int | None) -> Session | None:
        return next((s for s in self.shards.values() if s.open and s.holds(guild_id)), None)

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
            if self.shards.get(session.shard[0]) is session:
                del self.shards[session.shard[0]]
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
        shard = d.get("shard") or [0, 1]
        if not (
            isinstance(shard, list)
            and len(shard) == 2
            and all(isinstance(n, int) for n in shard)
            and 0 <= shard[0] < shard[1]
        ):
            await session.ws.close(code=INVALID_SHARD, message=b"Invalid shard.")
            return
        self.identify_count += 1
        session.identified = True
        session.intents = d.get("intents")
        session.shard = (shard[0], shard[1])
        guilds = [g for g in self.store.guilds.values() if session.holds(g.id)]
        ready = payloads.ready(self.store, session.session_id, self.url, guilds, session.shard)
        await session.send(DISPATCH, ready, "READY")
        # Each guild is "unavailable" in READY and arrives whole right after, as from Discord.
        for guild in guilds:
            await session.send(DISPATCH, payloads.guild_create(self.store, guild), "GUILD_CREATE")
        self.shards[session.shard[0]] = session
        self.store.changes.changed()

    async def _resume(self, session: Session, d: JSON) -> None:
        old, self._resumable = self._resumable, None
        token = str(d.get("token", "")).removeprefix("Bot ")
        if old is None or d.get("session_id") != old.session_id or token != self.store.identity.bot_token:
            await session.send(INVALID_SESSION, False)
            return
        session.session_id, session.seq, session.intents = old.session_id, old.seq, old.intents
        session.shard = old.shard
        session.identified = True
        await session.send(DISPATCH, {}, "RESUMED")
        self.shards[session.shard[0]] = session
        self.store.changes.changed()

    async def dispatch(self, event: str, d: JSON) -> None:
        """To the shard that holds the event's guild (DMs: shard 0)."""
        guild_id = int(d["guild_id"]) if d.get("guild_id") else None
        if self.holder(guild_id) is None:
            raise NotConnected(f"no bot shard holding {_where(guild_id)} is connected to the stand-in's gateway")
        await self.latency.dispatch()
        session = self.holder(guild_id)
        if session is None:
            raise NotConnected(f"no bot shard holding {_where(guild_id)} is connected to the stand-in's gateway")
        try:
            await session.send(DISPATCH, d, event)
        except ConnectionResetError:  # the connection was closing (the bot died or is reconnecting)
            raise NotConnected("the bot's gateway connection was closing") from None

    async def drop(self, *, resumable: bool = False) -> None:
        """Cut the connection of the shard holding the home guild as a network failure would (not a clean 1000
        close)."""
        session = self.holder(self.store.identity.guild_id)
        if session is None:
            return
        session.dropped = True
        del self.shards[session.shard[0]]
        self._resumable = session if resumable else None
        self.store.changes.changed()
        await session.ws.close(code=UNKNOWN_ERROR, message=b"Dropped by the stand-in.")

    async def close_all(self) -> None:
        for session in list(self.sessions):
            session.dropped = True
            await session.ws.close(code=1001, message=b"Stand-in stopping.")
        self.shards.clear()


def _where(guild_id: int | None) -> str:
    return "direct messages" if guild_id is None else f"guild {guild_id}"
