"""What tests read back: messages as a user sees them, interaction outcomes, and the stand-in's request log."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any, NamedTuple

JSON = dict[str, Any]

EPHEMERAL = 1 << 6
LOADING = 1 << 7


def _embed_text(embed: JSON) -> list[str]:
    parts = [embed.get("title"), embed.get("description")]
    for embed_field in embed.get("fields") or []:
        parts += [embed_field.get("name"), embed_field.get("value")]
    parts.append((embed.get("footer") or {}).get("text"))
    parts.append((embed.get("author") or {}).get("name"))
    return [str(p) for p in parts if p]


def render_text(content: str | None, embeds: list[JSON]) -> str:
    parts = [content] if content else []
    for embed in embeds:
        parts += _embed_text(embed)
    return "\n".join(parts)


def iter_components(components: list[JSON]) -> list[JSON]:
    """Every component at any depth: rows hold buttons and selects; layout components of v2 nest further."""
    found: list[JSON] = []
    for component in components:
        found.append(component)
        found += iter_components(component.get("components") or [])
        accessory = component.get("accessory")
        if isinstance(accessory, dict):
            found += iter_components([accessory])
    return found


@dataclass(frozen=True)
class AttachedFile:
    """A file a simulated user attaches to a slash command's attachment option (type 11), as their Discord client
    uploads it: its name, its bytes and, when the client knows it, its media type."""

    filename: str
    data: bytes = field(repr=False)  # a replay or a screenshot would flood a failing test's report
    content_type: str | None = None

    @property
    def size(self) -> int:
        return len(self.data)


@dataclass(frozen=True)
class MessageVersion:
    """One state the message was in; the first is the message as created."""

    content: str | None
    embeds: list[JSON]
    components: list[JSON]
    at: float
    attachments: list[JSON] = field(default_factory=list)

    def text(self) -> str:
        return render_text(self.content, self.embeds)


@dataclass
class Message:
    """A message as stored by the stand-in. Tests get copies (snapshots), so later edits do not change them."""

    id: int
    channel_id: int
    author_id: int
    content: str | None
    embeds: list[JSON]
    components: list[JSON]
    ephemeral: bool
    visible_to: int | None
    interaction_token: str | None
    created_at: float
    edited_at: float | None = None
    edits: int = 0
    deleted: bool = False
    flags: int = 0
    # The attachment objects as Discord returns them (id, filename, size, url, proxy_url, ...); the bytes are the
    # stand-in's CDN's (StandIn.attachment_bytes).
    attachments: list[JSON] = field(default_factory=list)
    versions: list[MessageVersion] = field(default_factory=list)
    # The roles the message pinged: those mentioned in its content that its allowed_mentions let through.
    mention_roles: list[int] = field(default_factory=list)
    # The allowed_mentions the message was created with, as sent (None: none sent, Discord's defaults apply).
    allowed_mentions: JSON | None = None

    def text(self) -> str:
        """Content plus embed titles, descriptions, fields, footers and authors: what a reader would search."""
        return render_text(self.content, self.embeds)

    @property
    def loading(self) -> bool:
        """A deferred response still showing "Bot is thinking..."."""
        return bool(self.flags & LOADING)

    def component(self, custom_id: str) -> JSON | None:
        for component in iter_components(self.components):
            if component.get("custom_id") == custom_id:
                return component
        return None

    def custom_ids(self) -> list[str]:
        return [c["custom_id"] for c in iter_components(self.components) if "custom_id" in c]

    def snapshot(self) -> Message:
        return copy.deepcopy(self)


@dataclass(frozen=True)
class InteractionResult:
    interaction_id: int
    token: str
    answered: bool
    failed: bool
    response_type: int | None
    latency_s: float | None
    message: Message | None
    ephemeral: bool
    # What an autocomplete interaction was answered with: the suggestions the user sees under the option.
    choices: list[JSON] | None = None


class Refusal(NamedTuple):
    """A request Discord would have refused. `errors` is the Invalid Form Body detail, when there is one."""

    method: str
    path: str
    status: int
    code: int
    message: str
    errors: JSON | None = None


class Received(NamedTuple):
    method: str
    route: str
    status: int
    at: float


class ReceivedBody(NamedTuple):
    """A request's body as the bot sent it (JSON, or a multipart form's `payload_json`)."""

    method: str
    path: str
    text: str
