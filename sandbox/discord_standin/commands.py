"""Application commands as the bot registered them, and the `data` a user's invocation of one carries.

A user can only run what the bot registered, with options the registration allows: the Discord client refuses
anything else before it reaches the bot, so `run_command` raises instead of dispatching it. That includes a file
over the upload limit for an attachment option: the client will not upload it.
"""

from __future__ import annotations

import copy
from typing import Any

from . import payloads, rules
from .models import JSON, AttachedFile
from .store import Channel, Store

SUB_COMMAND = 1
SUB_COMMAND_GROUP = 2
STRING, INTEGER, BOOLEAN, USER, CHANNEL, ROLE, MENTIONABLE, NUMBER, ATTACHMENT = 3, 4, 5, 6, 7, 8, 9, 10, 11
GUILD_CONTEXT, BOT_DM_CONTEXT = 0, 1
GUILD_INSTALL = 0


class Commands:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.global_commands: list[JSON] = []
        self.by_guild: dict[int, list[JSON]] = {}
        self.sync_count = 0
        self._ids: dict[tuple[str, int, int | None], int] = {}

    def overwrite(self, commands: Any, guild_id: int | None) -> list[JSON]:
        """Bulk overwrite: a command keeps its id across syncs while its name and type stay the same."""
        rules.check_commands(commands)
        stored: list[JSON] = []
        for command in commands:
            kind = int(command.get("type", 1))
            key = (command["name"], kind, guild_id)
            if key not in self._ids:
                self._ids[key] = self.store.snowflakes.next()
            entry: JSON = {
                "default_member_permissions": None,
                "dm_permission": True,
                "nsfw": False,
                "options": [],
                **copy.deepcopy(command),
                "id": str(self._ids[key]),
                "application_id": str(self.store.identity.application_id),
                "type": kind,
                "version": str(self.store.snowflakes.next()),
            }
            # What Discord answers, not what it was sent: permissions as a string, the install types filled in.
            if entry["default_member_permissions"] is not None:
                entry["default_member_permissions"] = str(entry["default_member_permissions"])
            if entry.get("integration_types") is None:
                entry["integration_types"] = [GUILD_INSTALL]
            if guild_id is not None:
                entry["guild_id"] = str(guild_id)
            stored.append(entry)
        if guild_id is None:
            self.global_commands = stored
        else:
            self.by_guild[guild_id] = stored
        self.sync_count += 1
        self.store.changes.changed()
        return stored

    @property
    def guild_commands(self) -> list[JSON]:
        """Every guild's own commands."""
        return [command for stored in self.by_guild.values() for command in stored]

    def find(self, name: str, *, in_dm: bool, guild_id: int | None = None) -> JSON:
        """The command a user runs in a DM, or in a guild (the home guild unless told): that guild's own commands
        first, then the global ones."""
        if not in_dm:
            guild = str(guild_id or self.store.identity.guild_id)
            for command in self.guild_commands:
                if command["name"] == name and command["type"] == 1 and command.get("guild_id") == guild:
                    return command
        for command in self.global_commands:
            if command["name"] == name and command["type"] == 1:
                if in_dm and not _allowed_in_dm(command):
                    raise LookupError(f"/{name} is registered, but not for DMs (contexts / dm_permission)")
                if not in_dm and command.get("contexts") is not None and GUILD_CONTEXT not in command["contexts"]:
                    raise LookupError(f"/{name} is registered, but not for guilds (contexts)")
                return command
        where = "in DMs (global commands)" if in_dm else "in the guild (guild or global commands)"
        known = sorted({c["name"] for c in self.guild_commands + self.global_commands})
        raise LookupError(f"no slash command /{name} is registered {where}; registered: {known}")

    def invocation(
        self,
        command: JSON,
        options: dict[str, object] | None,
        subcommand: str | None,
        channel: Channel,
        *,
        forged: bool = False,
        partial: bool = False,
    ) -> JSON:
        """The interaction's `data` for /name [group] [subcommand] option:value... (`partial`: as typed so far, the
        required options not all there yet, as an autocomplete interaction carries them).

        `forged`: values outside the registered lengths, ranges and choices go through (Discord itself would
        refuse them), and so does a file over the upload limit, to test a bot's own defences against what it was
        promised would never come."""
        schema: list[JSON] = command.get("options") or []
        chain: list[JSON] = []
        for part in (subcommand or "").split():
            nested = (SUB_COMMAND, SUB_COMMAND_GROUP)
            found = next((o for o in schema if o["name"] == part and o["type"] in nested), None)
            if found is None:
                raise LookupError(f"/{command['name']} has no subcommand {part!r}")
            chain.append(found)
            schema = found.get("options") or []
        if any(o["type"] in (SUB_COMMAND, SUB_COMMAND_GROUP) for o in schema):
            raise LookupError(f"/{command['name']} needs a subcommand: {[o['name'] for o in schema]}")

        resolved: JSON = {}
        qualified = " ".join([command["name"], *(link["name"] for link in chain)])
        values = self._values(qualified, schema, options or {}, resolved, channel, forged, partial)
        for link in reversed(chain):
            values = [{"name": link["name"], "type": link["type"], "options": values}]
        data: JSON = {"id": command["id"], "name": command["name"], "type": 1, "options": values}
        if resolved:
            data["resolved"] = resolved
        if "guild_id" in command:
            data["guild_id"] = command["guild_id"]
        return data

    def _values(
        self,
        name: str,
        schema: list[JSON],
        given: dict[str, object],
        resolved: JSON,
        channel: Channel,
        forged: bool,
        partial: bool = False,
    ) -> list[JSON]:
        by_name = {o["name"]: o for o in schema}
        unknown = set(given) - set(by_name)
        if unknown:
            raise ValueError(f"/{name} has no option(s) {sorted(unknown)}; it has {sorted(by_name)}")
        missing = [o["name"] for o in schema if o.get("required") and o["name"] not in given]
        if missing and not partial:
            raise ValueError(f"/{name} requires option(s) {missing}")
        values: list[JSON] = []
        for option_name, raw in given.items():
            option = by_name[option_name]
            value = self._value(name, option, raw, resolved, channel, forged)
            values.append({"name": option_name, "type": option["type"], "value": value})
        return values

    def _value(
        self, name: str, option: JSON, raw: object, resolved: JSON, channel: Channel, forged: bool = False
    ) -> object:
        kind = option["type"]
        where = f"/{name} option {option['name']!r}"
        value: object
        if kind == STRING:
            value = str(raw)
            if not forged and not option.get("min_length", 0) <= len(value) <= option.get("max_length", 6000):
                raise ValueError(f"{where}: length {len(value)} is outside the registered bounds")
        elif kind == INTEGER:
            value = int(str(raw))
        elif kind == NUMBER:
            value = float(str(raw))
        elif kind == BOOLEAN:
            value = bool(raw)
        elif kind in (USER, MENTIONABLE):
            user_id = _snowflake(raw)
            self._resolve_user(user_id, resolved, channel)
            return str(user_id)
        elif kind == CHANNEL:
            channel_id = _snowflake(raw)
            target = self.store.channels.get(channel_id)
            if target is None:
                raise ValueError(f"{where}: no channel {channel_id}")
            shown = payloads.channel(self.store, target)
            shown["permissions"] = payloads.EVERYONE_PERMISSIONS
            resolved.setdefault("channels", {})[str(channel_id)] = shown
            return str(channel_id)
        elif kind == ATTACHMENT:
            return self._resolve_attachment(where, raw, resolved, channel, forged)
        else:
            raise NotImplementedError(f"{where}: option type {kind} is not simulated")
        if forged:
            return value
        if isinstance(value, int | float) and not isinstance(value, bool):
            low, high = option.get("min_value"), option.get("max_value")
            if (low is not None and value < low) or (high is not None and value > high):
                raise ValueError(f"{where}: {value} is outside [{low}, {high}]")
        choices = option.get("choices")
        if choices and value not in [c["value"] for c in choices]:
            raise ValueError(f"{where}: {value!r} is not one of the choices {[c['value'] for c in choices]}")
        return value

    def _resolve_attachment(self, where: str, raw: object, resolved: JSON, channel: Channel, forged: bool) -> str:
        """The user's client uploads the file first (to the channel the command runs in); the invocation carries
        its id as the value and the attachment object, marked ephemeral, in `resolved.attachments`."""
        if not isinstance(raw, AttachedFile):
            raise TypeError(f"{where}: an attachment option takes an AttachedFile, not {type(raw).__name__}")
        limit = payloads.ATTACHMENT_SIZE_LIMIT
        if not forged and raw.size > limit:
            raise ValueError(f"{where}: {raw.size} bytes is over the upload limit of {limit}; the client refuses it")
        stored = self.store.cdn.store(channel.id, raw.filename, raw.data, raw.content_type)
        resolved.setdefault("attachments", {})[str(stored.id)] = self.store.cdn.attachment(stored, ephemeral=True)
        return str(stored.id)

    def _resolve_user(self, user_id: int, resolved: JSON, channel: Channel) -> None:
        user = self.store.user(user_id)
        resolved.setdefault("users", {})[str(user_id)] = payloads.user(user)
        if self.store.guild_id_of(channel) is not None:
            shown = payloads.member(self.store, user, with_permissions=True)
            del shown["user"]
            resolved.setdefault("members", {})[str(user_id)] = shown


def _allowed_in_dm(command: JSON) -> bool:
    contexts = command.get("contexts")
    if contexts is not None:
        return BOT_DM_CONTEXT in contexts
    return command.get("dm_permission") is not False


def _snowflake(raw: object) -> int:
    """An id given as an int, a numeric string, or anything with an `id` (a discord.py object)."""
    ident = getattr(raw, "id", raw)
    if isinstance(ident, int | str):
        return int(ident)
    raise TypeError(f"cannot read an id from {raw!r}")
