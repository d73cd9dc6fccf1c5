"""Attachments: their files, kept by id, and the stand-in's CDN that serves them at signed URLs that expire.

Discord's attachment URLs look like `https://cdn.discordapp.com/attachments/{channel_id}/{attachment_id}/{filename}
?ex=..&is=..&hm=..` (Reference -> Signed Attachment CDN URLs: `ex` the expiry and `is` the issue time as hex
timestamps, `hm` a signature). The stand-in's have the same shape under its own address
(`http://127.0.0.1:<port>/cdn/attachments/...`), so discord.py's `Attachment.read()`, a plain GET with its HTTP
session, fetches the bytes from here; an unknown file, a forged signature or an expired link is a 404, as from
Discord's CDN. The CDN is not part of the REST API: no OpenAPI operation describes it.

Which files a message keeps follows Reference -> Uploading Files: `files[n]` parts, referred to from the body's
`attachments` by `id: n`; on an edit, `attachments` lists everything the message keeps, and the rest goes.
"""

from __future__ import annotations

import hashlib
import hmac
import mimetypes
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from urllib.parse import quote

from aiohttp import web

from . import rules
from .clock import Clock
from .ids import Snowflakes
from .models import JSON

CDN_PATH = "/cdn/attachments"
ROUTE = CDN_PATH + "/{channel_id}/{attachment_id}/{filename}"
# How long a signed URL works. Discord's documentation does not say; its links last about a day, and Discord signs
# them afresh in every payload it sends, as the stand-in does (payloads.message).
URL_LIFETIME_S = 24 * 3600.0
# What Discord's CDN answers for a link that is expired or not its own.
GONE = "This content is no longer available."
# discord.py sends every file as this: it says nothing of what the file is.
UNKNOWN_TYPE = "application/octet-stream"


@dataclass(frozen=True)
class Upload:
    """A `files[n]` part of a multipart request: its n, the filename of its Content-Disposition, its bytes, and the
    media type it was sent as."""

    index: int
    filename: str
    data: bytes = field(repr=False)
    content_type: str | None = None


@dataclass(frozen=True)
class StoredFile:
    id: int
    channel_id: int
    filename: str
    content_type: str | None
    data: bytes = field(repr=False)


def media_type(filename: str, declared: str | None) -> str | None:
    """The attachment's `content_type`: what the sender said, unless it said nothing useful; else what the name
    tells (Discord works it out from the file); else none, and the field is left out."""
    if declared and declared != UNKNOWN_TYPE:
        return declared
    return mimetypes.guess_type(filename)[0]


def _safe_name(filename: str) -> str:
    # A path separator would end the URL's last segment; Discord keeps only the name.
    return filename.replace("/", "_").replace("\\", "_") or "unknown"


class Cdn:
    def __init__(self, clock: Clock, snowflakes: Snowflakes) -> None:
        self.clock = clock
        self.snowflakes = snowflakes
        self.base = ""  # "http://127.0.0.1:<port>", set when the server has its port
        self.files: dict[int, StoredFile] = {}
        self._key = secrets.token_bytes(32)

    # Files and their URLs

    def store(self, channel_id: int, filename: str, data: bytes, content_type: str | None = None) -> StoredFile:
        name = _safe_name(filename)
        stored = StoredFile(self.snowflakes.next(), channel_id, name, media_type(name, content_type), bytes(data))
        self.files[stored.id] = stored
        return stored

    def data(self, attachment_id: int | str) -> bytes:
        stored = self.files.get(int(attachment_id))
        if stored is None:
            raise LookupError(f"no attachment {attachment_id}")
        return stored.data

    def attachment(self, stored: StoredFile, *, ephemeral: bool = False, description: str | None = None) -> JSON:
        """The attachment object, as Discord returns it (MessageAttachmentResponse: id, filename, size, url and
        proxy_url are required)."""
        url = self.url(stored)
        shown: JSON = {"id": str(stored.id), "filename": stored.filename, "size": len(stored.data), "url": url,
                       "proxy_url": url}  # fmt: skip
        if stored.content_type is not None:
            shown["content_type"] = stored.content_type
        if description is not None:
            shown["description"] = description
        if ephemeral:
            shown["ephemeral"] = True
        return shown

    def refreshed(self, attachment: JSON) -> JSON:
        """The attachment with its URLs signed afresh, as every payload of Discord's carries them."""
        stored = self.files.get(int(attachment["id"]))
        if stored is None:
            return attachment
        url = self.url(stored)
        return {**attachment, "url": url, "proxy_url": url}

    def url(self, stored: StoredFile) -> str:
        issued = int(self.clock.now())
        expires = int(issued + URL_LIFETIME_S)
        path = f"{CDN_PATH}/{stored.channel_id}/{stored.id}/{quote(stored.filename, safe='')}"
        signature = self._signature(stored, expires, issued)
        return f"{self.base}{path}?ex={expires:x}&is={issued:x}&hm={signature}&"

    def _signature(self, stored: StoredFile, expires: int, issued: int) -> str:
        signed = f"{stored.channel_id}/{stored.id}/{stored.filename}?ex={expires:x}&is={issued:x}".encode()
        return hmac.new(self._key, signed, hashlib.sha256).hexdigest()

    def find(self, channel_id: str, attachment_id: str, filename: str, query: Mapping[str, str]) -> StoredFile | None:
        """The file a URL names, if the URL is one this CDN signed and it has not expired."""
        try:
            stored = self.files.get(int(attachment_id))
            expires, issued = int(query.get("ex", ""), 16), int(query.get("is", ""), 16)
        except ValueError:
            return None
        if stored is None or str(stored.channel_id) != channel_id or stored.filename != filename:
            return None
        if not hmac.compare_digest(self._signature(stored, expires, issued), query.get("hm", "")):
            return None
        return stored if self.clock.now() < expires else None

    async def serve(self, request: web.Request) -> web.Response:
        info = request.match_info
        stored = self.find(info["channel_id"], info["attachment_id"], info["filename"], request.query)
        if stored is None:
            return web.Response(status=404, text=GONE)
        return web.Response(body=stored.data, headers={"Content-Type": stored.content_type or UNKNOWN_TYPE})

    # Which files a message carries

    def for_new_message(
        self, channel_id: int, body: JSON, uploads: Sequence[Upload], prefix: tuple[str | int, ...] = ()
    ) -> list[JSON]:
        """A new message's attachments: every file of the request, with the name and description its `attachments`
        entry gives it."""
        return self._compose(channel_id, body.get("attachments"), uploads, [], True, prefix)

    def after_edit(
        self,
        channel_id: int,
        body: JSON,
        uploads: Sequence[Upload],
        kept: list[JSON],
        prefix: tuple[str | int, ...] = (),
    ) -> list[JSON] | None:
        """An edited message's attachments, None where the edit leaves them alone. Without `attachments`, new files
        are appended; with it, the message keeps exactly what it lists, old and new (Message -> Edit Message: "the
        `attachments` array must contain all attachments that should be present after edit")."""
        if "attachments" not in body:
            return self._compose(channel_id, None, uploads, kept, True, prefix) if uploads else None
        return self._compose(channel_id, body["attachments"] or [], uploads, kept, False, prefix)

    def _compose(
        self,
        channel_id: int,
        entries: object,
        uploads: Sequence[Upload],
        kept: list[JSON],
        keep_unlisted_uploads: bool,
        prefix: tuple[str | int, ...],
    ) -> list[JSON]:
        """Checked in full before a file is stored, so a refused request leaves nothing behind."""
        chosen: list[JSON | tuple[Upload, JSON]] = []
        listed: set[int] = set()
        if isinstance(entries, list):
            by_index = {upload.index: upload for upload in uploads}
            by_id = {str(attachment["id"]): attachment for attachment in kept}
            for i, entry in enumerate(entries):
                ref = str(entry.get("id")) if isinstance(entry, dict) else ""
                if ref in by_id:
                    chosen.append(_described(by_id[ref], entry))
                elif ref.isdigit() and int(ref) in by_index:
                    chosen.append((by_index[int(ref)], entry))
                    listed.add(int(ref))
                else:
                    raise rules.attachment_not_found((*prefix, "attachments", i))
        else:
            chosen += kept
        if keep_unlisted_uploads:
            chosen += [(upload, {}) for upload in uploads if upload.index not in listed]
        if len(chosen) > rules.MAX_ATTACHMENTS:
            raise rules.too_many_attachments()
        return [item if isinstance(item, dict) else self._stored(channel_id, *item) for item in chosen]

    def _stored(self, channel_id: int, upload: Upload, entry: JSON) -> JSON:
        stored = self.store(channel_id, entry.get("filename") or upload.filename, upload.data, upload.content_type)
        return self.attachment(stored, description=entry.get("description"))


def _described(attachment: JSON, entry: JSON) -> JSON:
    """A kept attachment: an edit may change its description, nothing else."""
    if entry.get("description") is None:
        return attachment
    return {**attachment, "description": entry["description"]}
