"""Interactions from dispatch to the end of their token: the first response, then the webhook that edits and follows up.

Discord's two clocks live here: the first response must arrive within 3 s of real time (the user is watching
a spinner), and the token works for 15 minutes of the stand-in's clock (tests skip ahead instead of waiting).
"""

from __future__ import annotations

import asyncio
import secrets
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

from . import payloads, rules
from .cdn import Upload
from .models import EPHEMERAL, JSON, LOADING, Message
from .rules import DiscordError
from .store import Channel, Store

APPLICATION_COMMAND = 2
COMPONENT = 3
AUTOCOMPLETE = 4
MODAL_SUBMIT = 5

CHANNEL_MESSAGE = 4
DEFERRED_CHANNEL_MESSAGE = 5
DEFERRED_UPDATE = 6
UPDATE_MESSAGE = 7
AUTOCOMPLETE_RESULT = 8
MODAL = 9


@dataclass
class Interaction:
    id: int
    token: str
    kind: int
    user_id: int
    channel: Channel
    created_at: float  # the stand-in's clock: the 15-minute token limit
    dispatched_at: float  # monotonic wall time: the 3-second first-response limit
    answered: asyncio.Future[None]
    source_message_id: int | None = None  # the message a component is on
    response_type: int | None = None
    responded_at: float | None = None
    response: JSON | None = None  # the callback body, as the bot sent it (a modal is only recorded)
    original_message_id: int | None = None
    followups: list[int] = field(default_factory=list)
    expired: bool = False


@dataclass(frozen=True)
class OpenModal:
    """A form the bot showed a user in answer to their interaction: its custom id, title and inputs."""

    opened_by: Interaction
    data: JSON


class Interactions:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.by_id: dict[int, Interaction] = {}
        self.by_token: dict[str, Interaction] = {}
        self.failed: list[int] = []
        self.open_modals: dict[int, OpenModal] = {}  # user -> the form they are looking at
        self.submitted_modals: dict[int, OpenModal] = {}  # user -> the form they submitted last

    def new(self, kind: int, user_id: int, channel: Channel, source_message_id: int | None = None) -> Interaction:
        interaction = Interaction(
            id=self.store.snowflakes.next(),
            token=f"aW50ZXJhY3Rpb246{secrets.token_urlsafe(48)}",
            kind=kind,
            user_id=user_id,
            channel=channel,
            created_at=self.store.clock.now(),
            dispatched_at=time.monotonic(),
            answered=asyncio.get_running_loop().create_future(),
            source_message_id=source_message_id,
        )
        self.by_id[interaction.id] = interaction
        self.by_token[interaction.token] = interaction
        return interaction

    def tokens(self) -> list[str]:
        return list(self.by_token)

    def expire(self, interaction: Interaction) -> None:
        """The user saw "This interaction failed"; Discord forgets the interaction."""
        if interaction.response_type is None and not interaction.expired:
            interaction.expired = True
            self.failed.append(interaction.id)

    # The first response

    def callback(
        self, interaction_id: int, token: str, body: JSON, uploads: Sequence[Upload] = ()
    ) -> tuple[Interaction, JSON]:
        """`uploads`: the request's files; a response that makes or changes a message carries them."""
        interaction = self.by_id.get(interaction_id)
        if interaction is None or interaction.token != token:
            raise rules.not_found(rules.UNKNOWN_INTERACTION, "interaction")
        if interaction.response_type is not None:
            raise DiscordError(400, rules.ALREADY_ACKNOWLEDGED, "Interaction has already been acknowledged.")
        if interaction.expired or time.monotonic() - interaction.dispatched_at > rules.FIRST_RESPONSE_S:
            self.expire(interaction)
            raise rules.not_found(rules.UNKNOWN_INTERACTION, "interaction")

        kind = body.get("type")
        data: JSON = body.get("data") or {}
        store = self.store
        message: Message | None = None
        # An autocomplete interaction takes its suggestions and nothing else; nothing else takes suggestions.
        if (kind == AUTOCOMPLETE_RESULT) != (interaction.kind == AUTOCOMPLETE):
            raise _bad_type("Interaction callback type is not valid for this interaction type")
        if kind == AUTOCOMPLETE_RESULT:
            rules.check_choices(data.get("choices"))
        elif kind == CHANNEL_MESSAGE:
            rules.check_message(data, prefix=("data",), creating=True, files=len(uploads))
            attachments = store.cdn.for_new_message(interaction.channel.id, data, uploads, prefix=("data",))
            ephemeral = bool(int(data.get("flags") or 0) & EPHEMERAL)
            message = self._new_response(interaction, data, ephemeral=ephemeral, attachments=attachments)
        elif kind == DEFERRED_CHANNEL_MESSAGE:
            ephemeral = bool(int(data.get("flags") or 0) & EPHEMERAL)
            message = self._new_response(interaction, {}, ephemeral=ephemeral, flags=LOADING)
        elif kind in (DEFERRED_UPDATE, UPDATE_MESSAGE):
            # A component's message, or the message of the component that opened the submitted form.
            if interaction.kind not in (COMPONENT, MODAL_SUBMIT) or interaction.source_message_id is None:
                raise _bad_type("Interaction callback type is not valid for this interaction type")
            message = store.messages[interaction.source_message_id]
            if message.deleted:
                raise rules.not_found(rules.UNKNOWN_MESSAGE, "Message")
            if kind == UPDATE_MESSAGE:
                rules.check_message({"flags": message.flags, **data}, prefix=("data",))
                kept = store.cdn.after_edit(message.channel_id, data, uploads, message.attachments, prefix=("data",))
                store.edit_message(message, data, attachments=kept)
        elif kind == MODAL:
            if interaction.kind == MODAL_SUBMIT:
                raise _bad_type("Interaction callback type is not valid for this interaction type")
            # The user now sees the form, until they submit it (or close it: nothing reaches the bot then).
            self.open_modals[interaction.user_id] = OpenModal(interaction, data)
        else:
            raise _bad_type("Value must be one of {4, 5, 6, 7, 8, 9}.")

        interaction.response_type = kind
        interaction.responded_at = time.monotonic()
        interaction.response = body
        interaction.original_message_id = message.id if message is not None else None
        if not interaction.answered.done():
            interaction.answered.set_result(None)
        return interaction, self._callback_response(interaction, kind, message)

    def _new_response(
        self, interaction: Interaction, data: JSON, *, ephemeral: bool, flags: int = 0, attachments: Sequence[JSON] = ()
    ) -> Message:
        return self.store.create_message(
            interaction.channel,
            data,
            author_id=self.store.identity.bot_user_id,
            ephemeral=ephemeral,
            for_user=interaction.user_id,
            interaction_token=interaction.token,
            flags=flags,
            attachments=list(attachments),
        )

    def _callback_response(self, interaction: Interaction, kind: int, message: Message | None) -> JSON:
        """The body of `?with_response=1`: discord.py reads the response message's id from it to route views."""
        about: JSON = {"id": str(interaction.id), "type": interaction.kind}
        answer: JSON = {"interaction": about}
        if message is not None:
            about.update(
                response_message_id=str(message.id),
                response_message_loading=message.loading,
                response_message_ephemeral=message.ephemeral,
            )
            # Only a response that made or changed a message has a resource (a deferred one has none yet).
            if kind in (CHANNEL_MESSAGE, UPDATE_MESSAGE):
                answer["resource"] = {"type": kind, "message": payloads.message(self.store, message)}
        return answer

    # The webhook behind the token

    def for_webhook(self, application_id: int, token: str) -> Interaction:
        if application_id != self.store.identity.application_id:
            raise rules.not_found(rules.UNKNOWN_WEBHOOK, "Webhook")
        interaction = self.by_token.get(token)
        if interaction is None or self.store.clock.now() - interaction.created_at > rules.TOKEN_LIFETIME_S:
            raise DiscordError(401, rules.INVALID_WEBHOOK_TOKEN, "Invalid Webhook Token")
        if interaction.response_type is None:
            # Not acknowledged (yet, or ever): Discord has no webhook for it.
            raise rules.not_found(rules.UNKNOWN_WEBHOOK, "Webhook")
        return interaction

    def webhook_message(self, interaction: Interaction, message_id: str) -> Message:
        """A message this token may touch: its response (or the component's message), its follow-ups, and any
        other non-ephemeral message the application's interaction webhook sent. An ephemeral message belongs
        to its own interaction's token alone."""
        if message_id == "@original":
            wanted = interaction.original_message_id
        else:
            try:
                wanted = int(message_id)
            except ValueError:
                raise rules.not_found(rules.UNKNOWN_MESSAGE, "Message") from None
        message = self.store.messages.get(wanted) if wanted is not None else None
        if message is None or message.deleted:
            raise rules.not_found(rules.UNKNOWN_MESSAGE, "Message")
        own = message.id == interaction.original_message_id or message.id in interaction.followups
        if not own and (message.ephemeral or message.interaction_token is None):
            raise rules.not_found(rules.UNKNOWN_MESSAGE, "Message")
        return message

    def followup(self, interaction: Interaction, body: JSON, uploads: Sequence[Upload] = ()) -> Message:
        rules.check_message(body, creating=True, files=len(uploads))
        attachments = self.store.cdn.for_new_message(interaction.channel.id, body, uploads)
        original = self.store.messages.get(interaction.original_message_id or 0)
        if interaction.response_type == DEFERRED_CHANNEL_MESSAGE and original is not None and original.loading:
            # Discord's rule: the first follow-up after a "thinking" defer replaces the thinking message, and
            # keeps the defer's ephemerality whatever the follow-up's flags say.
            return self.store.edit_message(original, body, attachments=attachments)
        ephemeral = bool(int(body.get("flags") or 0) & EPHEMERAL)
        message = self._new_response(interaction, body, ephemeral=ephemeral, attachments=attachments)
        interaction.followups.append(message.id)
        return message


def _bad_type(message: str) -> DiscordError:
    return DiscordError(
        400,
        rules.INVALID_FORM_BODY,
        "Invalid Form Body",
        {"type": {"_errors": [{"code": "INTERACTION_CALLBACK_TYPE_INVALID", "message": message}]}},
    )
