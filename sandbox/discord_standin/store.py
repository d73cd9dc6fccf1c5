"""The stand-in's world: the bot's guilds (the home one first), each with a text channel, the bot, simulated users
(each acting in one guild), their DM channels, messages.

Who sees a message is decided here and only here, so the REST routes and the simulated users agree on it.
"""

from __future__ import annotations

import asyncio
import copy
import itertools
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from .cdn import Cdn
from .clock import Clock
from .ids import Snowflakes
from .models import EPHEMERAL, JSON, LOADING, Message, MessageVersion, iter_components

T = TypeVar("T")

GUILD_TEXT = 0
DM = 1
# How long Discord remembers a message's nonce for enforce_nonce ("the past few minutes").
NONCE_WINDOW_S = 300.0


@dataclass(frozen=True)
class Identity:
    bot_token: str
    application_id: int
    bot_user_id: int
    guild_id: int
    channel_id: int
    bot_name: str = "LadderBot"
    guild_name: str = "Ladder Sandbox"
    channel_name: str = "ladder"


@dataclass(frozen=True)
class Guild:
    id: int
    name: str
    channel_id: int  # its first text channel, where its members use the bot


@dataclass
class User:
    id: int
    name: str
    bot: bool = False
    # The language of the user's Discord client: every interaction of theirs carries it (`locale`).
    locale: str = "en-US"
    guild_id: int | None = None  # the guild where the user runs commands (None: the home guild)


@dataclass
class Channel:
    id: int
    type: int
    recipient_id: int | None = None  # the user of a DM channel
    name: str | None = None  # a guild channel's, when not the guild's first channel
    guild_id: int | None = None  # a guild channel's guild


@dataclass
class Changes:
    """Wakes whoever waits on the world whenever it changes.

    A fresh Event per change rather than an asyncio.Condition: the mutations are plain method calls (some from
    synchronous test helpers), and an Event can be set without holding a lock.
    """

    _event: asyncio.Event = field(default_factory=asyncio.Event)

    def changed(self) -> None:
        self._event.set()
        self._event = asyncio.Event()

    async def wait_for(self, probe: Callable[[], T | None], timeout: float) -> T:
        deadline = time.monotonic() + timeout
        while True:
            found = probe()
            if found is not None:
                return found
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"nothing matched within {timeout} s")
            event = self._event
            try:
                await asyncio.wait_for(event.wait(), remaining)
            except TimeoutError:
                continue


def numbered(components: list[JSON]) -> list[JSON]:
    """The components as Discord stores them: each given an `id`, numbered in order from 1 where the sender
    gave none (Discord's responses always carry one)."""
    copied = copy.deepcopy(components)
    taken = {c["id"] for c in iter_components(copied) if isinstance(c.get("id"), int)}
    free = (n for n in itertools.count(1) if n not in taken)
    for component in iter_components(copied):
        if not isinstance(component.get("id"), int):
            component["id"] = next(free)
        for holder in [component, *(component.get("options") or [])]:
            _stored_emoji(holder)
    return copied


def _stored_emoji(holder: JSON) -> None:
    """A Unicode emoji is stored by its name alone: the `"id": null` a sender may give is not echoed (the spec's
    ComponentEmojiResponse has no null id)."""
    emoji = holder.get("emoji")
    if isinstance(emoji, dict) and emoji.get("id") is None:
        emoji.pop("id", None)


def pinged_roles(body: JSON) -> list[int]:
    """Discord's rule: without allowed_mentions every role mentioned in the content is pinged; with it, only
    all of them (`parse` holds "roles") or those it lists."""
    mentioned = [int(r) for r in re.findall(r"<@&(\d+)>", str(body.get("content") or ""))]
    allowed = body.get("allowed_mentions")
    if not isinstance(allowed, dict) or "roles" in (allowed.get("parse") or []):
        return mentioned
    listed = {int(r) for r in allowed.get("roles") or []}
    return [r for r in mentioned if r in listed]


def _version(message: Message, at: float) -> MessageVersion:
    return MessageVersion(message.content, message.embeds, message.components, at, list(message.attachments))


class Store:
    def __init__(self, identity: Identity, clock: Clock) -> None:
        self.identity = identity
        self.clock = clock
        self.snowflakes = Snowflakes(clock)
        self.cdn = Cdn(clock, self.snowflakes)  # the files of every attachment, users' and the bot's
        self.changes = Changes()
        self.users: dict[int, User] = {identity.bot_user_id: User(identity.bot_user_id, identity.bot_name, bot=True)}
        home = Guild(identity.guild_id, identity.guild_name, identity.channel_id)
        self.guilds: dict[int, Guild] = {home.id: home}
        self.channels: dict[int, Channel] = {
            identity.channel_id: Channel(identity.channel_id, GUILD_TEXT, name=identity.channel_name, guild_id=home.id)
        }
        self.dm_channels: dict[int, int] = {}  # user id -> DM channel id
        self.closed_dms: set[int] = set()
        self.admins: set[int] = set()  # users with Manage Server in the guild
        self.messages: dict[int, Message] = {}
        self.message_log: list[int] = []  # the id of every message created, edited or deleted, in that order
        self._nonces: dict[tuple[int, str], Message] = {}  # (author, nonce) -> the message it created

    # Users and channels

    def user(
        self, user_id: int, name: str | None = None, locale: str | None = None, guild_id: int | None = None
    ) -> User:
        """The simulated user with this id, created on first mention."""
        user = self.users.get(user_id)
        if user is None:
            user = self.users[user_id] = User(user_id, name or f"user{user_id}")
        elif name is not None:
            user.name = name
        if locale is not None:
            user.locale = locale
        if guild_id is not None:
            if guild_id not in self.guilds:
                raise LookupError(f"the stand-in has no guild {guild_id}")
            user.guild_id = guild_id
        return user

    def add_guild(self, name: str) -> Guild:
        """Another guild the bot is in, with one text channel. Its id's timestamp is one millisecond past the
        newest guild's, so with any shard count the guilds fall on consecutive shards (Discord's rule is
        `(guild_id >> 22) % shard_count`)."""
        newest = max(self.guilds)
        guild_id = (((newest >> 22) + 1) << 22) | (newest & ((1 << 22) - 1))
        channel = Channel(self.snowflakes.next(), GUILD_TEXT, name=name.lower().replace(" ", "-"), guild_id=guild_id)
        self.channels[channel.id] = channel
        guild = self.guilds[guild_id] = Guild(guild_id, name, channel.id)
        return guild

    def channel_of(self, user: User) -> Channel:
        """The text channel where the user runs commands."""
        return self.channels[self.guilds[user.guild_id or self.identity.guild_id].channel_id]

    def sent_with_nonce(self, author_id: int, nonce: str) -> Message | None:
        """The message this author created with this nonce within Discord's few minutes, if any."""
        message = self._nonces.get((author_id, nonce))
        if message is None or self.clock.now() - message.created_at > NONCE_WINDOW_S:
            return None
        return message

    def remember_nonce(self, author_id: int, nonce: str, message: Message) -> None:
        self._nonces[(author_id, nonce)] = message

    def text_channel(self, name: str) -> Channel:
        """Another text channel in the home guild (the match log, say)."""
        channel = Channel(self.snowflakes.next(), GUILD_TEXT, name=name, guild_id=self.identity.guild_id)
        self.channels[channel.id] = channel
        return channel

    def guild_channels(self, guild_id: int | None = None) -> list[Channel]:
        """The text channels of a guild (the home guild's by default)."""
        wanted = guild_id or self.identity.guild_id
        return [c for c in self.channels.values() if c.type == GUILD_TEXT and c.guild_id == wanted]

    def dm_channel(self, user_id: int) -> Channel:
        channel_id = self.dm_channels.get(user_id)
        if channel_id is None:
            channel_id = self.dm_channels[user_id] = self.snowflakes.next()
            self.channels[channel_id] = Channel(channel_id, DM, recipient_id=user_id)
        return self.channels[channel_id]

    # Messages

    def create_message(
        self,
        channel: Channel,
        body: JSON,
        *,
        author_id: int,
        ephemeral: bool = False,
        for_user: int | None = None,
        interaction_token: str | None = None,
        flags: int = 0,
        attachments: list[JSON] | None = None,
    ) -> Message:
        """`for_user` is the interacting user, who alone sees an ephemeral message; `attachments` are the
        attachment objects of its files, already on the CDN (Cdn.for_new_message)."""
        visible_to = for_user if ephemeral else channel.recipient_id
        now = self.clock.now()
        message = Message(
            id=self.snowflakes.next(),
            channel_id=channel.id,
            author_id=author_id,
            content=body.get("content"),
            embeds=list(body.get("embeds") or []),
            components=numbered(body.get("components") or []),
            ephemeral=ephemeral,
            visible_to=visible_to,
            interaction_token=interaction_token,
            created_at=now,
            flags=flags | (EPHEMERAL if ephemeral else 0),
            attachments=list(attachments or []),
            mention_roles=pinged_roles(body),
            allowed_mentions=copy.deepcopy(body.get("allowed_mentions")),
        )
        message.versions.append(_version(message, now))
        self.messages[message.id] = message
        self._message_changed(message)
        return message

    def edit_message(
        self, message: Message, body: JSON, *, finish_loading: bool = True, attachments: list[JSON] | None = None
    ) -> Message:
        """Fields absent from the body stay as they were; present ones (null included) replace them. `attachments`:
        the message's attachments after the edit (Cdn.after_edit), None to leave them as they are."""
        if "content" in body:
            message.content = body["content"]
        if "embeds" in body:
            message.embeds = list(body["embeds"] or [])
        if "components" in body:
            message.components = numbered(body["components"] or [])
        if attachments is not None:
            message.attachments = list(attachments)
        if finish_loading:
            message.flags &= ~LOADING
        now = self.clock.now()
        message.edited_at = now
        message.edits += 1
        message.versions.append(_version(message, now))
        self._message_changed(message)
        return message

    def attachment_bytes(self, attachment_id: int | str) -> bytes:
        """The bytes of an attachment, a user's or the bot's, as the CDN serves them."""
        return self.cdn.data(attachment_id)

    def delete(self, message: Message) -> None:
        message.deleted = True
        self._message_changed(message)

    def _message_changed(self, message: Message) -> None:
        self.message_log.append(message.id)
        self.changes.changed()

    def visible(self, message: Message, user_id: int) -> bool:
        if message.deleted:
            return False
        return message.visible_to is None or message.visible_to == user_id

    def seen_by(self, user_id: int) -> list[Message]:
        # Ids rise with creation, so the dict's insertion order is already oldest first.
        return [m for m in self.messages.values() if self.visible(m, user_id)]

    def guild_id_of(self, channel: Channel) -> int | None:
        return channel.guild_id if channel.type == GUILD_TEXT else None
