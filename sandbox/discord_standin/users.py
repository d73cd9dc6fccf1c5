"""Simulated users: what they can do (run a command, press a button, pick from a select) and what they see.

A user can only act on what their Discord client would show them, so acting on an invisible message or a
component that is not on it raises here rather than reaching the bot; `forged=True` skips the component check
to test a bot against crafted payloads.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from . import payloads, rules
from .commands import Commands
from .gateway import Gateway, NotConnected
from .interactions import APPLICATION_COMMAND, AUTOCOMPLETE, COMPONENT, MODAL_SUBMIT, Interaction, Interactions
from .models import JSON, InteractionResult, Message, iter_components
from .store import Channel, Store

BUTTON = 2
STRING_SELECT = 3
TEXT_INPUT = 4
LABEL = 18
SELECT_TYPES = (3, 5, 6, 7, 8)


class SimulatedUsers:
    def __init__(self, store: Store, interactions: Interactions, gateway: Gateway, commands: Commands) -> None:
        self.store = store
        self.interactions = interactions
        self.gateway = gateway
        self.commands = commands

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
        self._require_bot()
        user = self.store.user(user_id)
        channel = self.store.dm_channel(user_id) if in_dm else self.store.channel_of(user)
        command = self.commands.find(name, in_dm=in_dm, guild_id=self.store.guild_id_of(channel))
        data = self.commands.invocation(command, options, subcommand, channel, forged=forged)
        interaction = self.interactions.new(APPLICATION_COMMAND, user_id, channel)
        return await self._dispatch(interaction, data)

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
        """The user types `typed` into an autocomplete option of /name [subcommand]: Discord asks the bot for
        suggestions with the options filled in so far, the typed one marked focused (its text not checked: it is
        being typed)."""
        self._require_bot()
        user = self.store.user(user_id)
        command = self.commands.find(name, in_dm=False, guild_id=user.guild_id)
        schema: list[JSON] = command.get("options") or []
        for part in (subcommand or "").split():
            schema = next((o.get("options") or [] for o in schema if o.get("name") == part), [])
        focus = next((o for o in schema if o.get("name") == option), None)
        if focus is None or not focus.get("autocomplete"):
            raise LookupError(f"/{name} {subcommand or ''} has no autocomplete option {option!r}")
        channel = self.store.channel_of(user)
        data = self.commands.invocation(command, options, subcommand, channel, partial=True)
        leaf = data
        for _ in (subcommand or "").split():
            leaf = leaf["options"][0]
        leaf["options"] = [o for o in leaf["options"] if o["name"] != option]
        leaf["options"].append({"name": option, "type": focus["type"], "value": typed[:100], "focused": True})
        interaction = self.interactions.new(AUTOCOMPLETE, user_id, channel)
        return await self._dispatch(interaction, data)

    async def press_button(
        self, user_id: int, message_id: int, custom_id: str, *, forged: bool = False
    ) -> InteractionResult:
        message, _ = self._component(user_id, message_id, custom_id, BUTTON, forged)
        return await self._component_interaction(user_id, message, {"custom_id": custom_id, "component_type": BUTTON})

    async def pick(
        self, user_id: int, message_id: int, custom_id: str, values: list[str], *, forged: bool = False
    ) -> InteractionResult:
        message, component = self._component(user_id, message_id, custom_id, STRING_SELECT, forged)
        kind = STRING_SELECT
        if component is not None:
            kind = component["type"]
            low, high = component.get("min_values", 1), component.get("max_values", 1)
            if not forged and not low <= len(values) <= high:
                raise ValueError(f"select {custom_id!r} takes {low}..{high} values, not {len(values)}")
            offered = [o["value"] for o in component.get("options") or []]
            if not forged and kind == STRING_SELECT and not set(values) <= set(offered):
                raise ValueError(f"select {custom_id!r} offers {offered}, not {values}")
        data = {"custom_id": custom_id, "component_type": kind, "values": list(values)}
        return await self._component_interaction(user_id, message, data)

    async def submit_modal(
        self, user_id: int, values: dict[str, str], *, forged: bool = False, again: bool = False
    ) -> InteractionResult:
        """Fills in the form the bot showed the user (text inputs by custom id) and submits it, as a MODAL_SUBMIT
        interaction; the client checks what Discord's client checks (required inputs, lengths) unless forged.
        `again`: the form the user last submitted, sent once more (a client resending it)."""
        self._require_bot()
        if again:
            modal = self.interactions.submitted_modals.get(user_id)
        else:
            modal = self.interactions.open_modals.pop(user_id, None)
        if modal is None:
            raise LookupError(f"user {user_id} has no form open")
        self.interactions.submitted_modals[user_id] = modal
        if not forged:
            _check_form(modal.data, values)
        data = {"custom_id": modal.data.get("custom_id"), "components": _submitted(modal.data, values)}
        opened = modal.opened_by
        interaction = self.interactions.new(MODAL_SUBMIT, user_id, opened.channel, opened.source_message_id)
        message = None
        if opened.source_message_id is not None:
            message = payloads.message(self.store, self.store.messages[opened.source_message_id])
        return await self._dispatch(interaction, data, message)

    def _component(
        self, user_id: int, message_id: int, custom_id: str, wanted: int, forged: bool
    ) -> tuple[Message, JSON | None]:
        self._require_bot()
        self.store.user(user_id)
        message = self.store.messages.get(message_id)
        if message is None or not self.store.visible(message, user_id):
            raise LookupError(f"user {user_id} cannot see message {message_id} (unknown, deleted or not theirs)")
        component = message.component(custom_id)
        if forged:
            return message, component
        if component is None:
            raise LookupError(f"message {message_id} has no component {custom_id!r}; it has {message.custom_ids()}")
        is_wanted = component["type"] == BUTTON if wanted == BUTTON else component["type"] in SELECT_TYPES
        if not is_wanted:
            raise LookupError(f"component {custom_id!r} on message {message_id} is of type {component['type']}")
        if component.get("disabled"):
            raise ValueError(f"component {custom_id!r} on message {message_id} is disabled")
        return message, component

    async def _component_interaction(self, user_id: int, message: Message, data: JSON) -> InteractionResult:
        channel = self.store.channels[message.channel_id]
        interaction = self.interactions.new(COMPONENT, user_id, channel, source_message_id=message.id)
        return await self._dispatch(interaction, data, payloads.message(self.store, message))

    def _require_bot(self) -> None:
        if not self.gateway.connected:
            raise NotConnected("no bot is connected to the stand-in's gateway")

    async def _dispatch(self, interaction: Interaction, data: JSON, message: JSON | None = None) -> InteractionResult:
        payload = self._interaction_payload(interaction, data)
        if message is not None:
            payload["message"] = message
        interaction.dispatched_at = time.monotonic()
        await self.gateway.dispatch("INTERACTION_CREATE", payload)
        remaining = rules.FIRST_RESPONSE_S - (time.monotonic() - interaction.dispatched_at)
        try:
            await asyncio.wait_for(asyncio.shield(interaction.answered), max(remaining, 0))
        except TimeoutError:
            self.interactions.expire(interaction)
        return self._result(interaction)

    def _interaction_payload(self, interaction: Interaction, data: JSON) -> JSON:
        store = self.store
        ident = store.identity
        channel: Channel = interaction.channel
        user = store.user(interaction.user_id)
        payload: JSON = {
            "id": str(interaction.id),
            "application_id": str(ident.application_id),
            "type": interaction.kind,
            "token": interaction.token,
            "version": 1,
            "locale": user.locale,
            "channel_id": str(channel.id),
            "channel": payloads.channel(store, channel),
            "app_permissions": payloads.BOT_PERMISSIONS,
            "entitlements": [],
            "attachment_size_limit": payloads.ATTACHMENT_SIZE_LIMIT,
            "data": data,
        }
        guild_id = store.guild_id_of(channel)
        if guild_id is None:
            payload.update(user=payloads.user(user), context=1, authorizing_integration_owners={"0": "0"})
        else:
            payload.update(
                guild_id=str(guild_id),
                guild_locale="en-US",
                guild={"id": str(guild_id), "locale": "en-US", "features": []},
                member=payloads.member(store, user, with_permissions=True),
                context=0,
                authorizing_integration_owners={"0": str(guild_id)},
            )
        return payload

    def _result(self, interaction: Interaction) -> InteractionResult:
        answered = interaction.response_type is not None
        message: Message | None = None
        if interaction.original_message_id is not None:
            message = self.store.messages[interaction.original_message_id].snapshot()
        latency = None
        if interaction.responded_at is not None:
            latency = interaction.responded_at - interaction.dispatched_at
        return InteractionResult(
            interaction_id=interaction.id,
            token=interaction.token,
            answered=answered,
            failed=not answered,
            response_type=interaction.response_type,
            latency_s=latency,
            message=message,
            ephemeral=message.ephemeral if message is not None else False,
            choices=(interaction.response or {}).get("data", {}).get("choices") if interaction.kind == AUTOCOMPLETE
            else None,
        )  # fmt: skip

    # What users see

    def messages_seen_by(self, user_id: int) -> list[Message]:
        return [m.snapshot() for m in self.store.seen_by(user_id)]

    async def wait_for_message(
        self, user_id: int, predicate: Callable[[Message], bool], timeout: float = 10.0
    ) -> Message:
        """The oldest message the user can see that satisfies the predicate, as soon as there is one.

        The predicate sees the live message and must not change it; the caller gets a snapshot. After a first
        look at everything, only messages changed since the last look are tested again, so a demo's hundreds
        of waiting users do not each rescan every message on every change.
        """
        store = self.store
        looked: int | None = None  # how much of the message log has been looked at

        def probe() -> Message | None:
            nonlocal looked
            if looked is None:
                candidates = store.seen_by(user_id)
            else:
                changed = {i: store.messages[i] for i in store.message_log[looked:]}
                candidates = [m for m in changed.values() if store.visible(m, user_id)]
            looked = len(store.message_log)
            matches = [m for m in candidates if predicate(m)]
            return min(matches, key=lambda m: m.id).snapshot() if matches else None

        try:
            return await self.store.changes.wait_for(probe, timeout)
        except TimeoutError:
            raise TimeoutError(f"user {user_id} saw no matching message within {timeout} s") from None

    def close_dms(self, user_id: int) -> None:
        self.store.user(user_id)
        self.store.closed_dms.add(user_id)

    def open_dms(self, user_id: int) -> None:
        self.store.closed_dms.discard(user_id)

    def delete_message(self, message_id: int) -> None:
        message = self.store.messages.get(message_id)
        if message is None:
            raise LookupError(f"no message {message_id}")
        self.store.delete(message)


def _check_form(modal: JSON, values: dict[str, str]) -> None:
    """What Discord's client refuses to submit: an input the form lacks, a required one empty, a wrong length."""
    inputs = {c["custom_id"]: c for c in iter_components(modal.get("components") or []) if c.get("type") == TEXT_INPUT}
    unknown = set(values) - set(inputs)
    if unknown:
        raise LookupError(f"the form has no inputs {sorted(unknown)}; it has {sorted(inputs)}")
    for custom_id, field_ in inputs.items():
        value = values.get(custom_id, field_.get("value") or "")
        low, high = field_.get("min_length", 0), field_.get("max_length", 4000)
        if field_.get("required", True) and not value:
            raise ValueError(f"the form's input {custom_id!r} is required")
        if value and not low <= len(value) <= high:
            raise ValueError(f"the form's input {custom_id!r} takes {low}..{high} characters")


def _submitted(modal: JSON, values: dict[str, str]) -> list[JSON]:
    """The form's inputs as a submit carries them, in the form's own layout: action rows of text inputs, or
    labels each holding one."""
    submitted: list[JSON] = []
    for top in modal.get("components") or []:
        if top.get("type") == LABEL:
            inner = top.get("component") or {}
            submitted.append({"type": LABEL, "id": top.get("id", 0), "component": _input(inner, values)})
        else:
            submitted.append({"type": 1, "id": top.get("id", 0),
                              "components": [_input(c, values) for c in top.get("components") or []]})  # fmt: skip
    return submitted


def _input(component: JSON, values: dict[str, str]) -> JSON:
    custom_id = component.get("custom_id", "")
    value = values.get(custom_id, component.get("value") or "")
    return {"type": component.get("type", TEXT_INPUT), "id": component.get("id", 0), "custom_id": custom_id,
            "value": value}  # fmt: skip
