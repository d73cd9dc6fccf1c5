"""Discord's limits on what a bot may send, and the error bodies Discord answers with when one is broken.

The bot under test must meet these before it meets Discord, so every limit here is one Discord enforces and
every refusal has the status, code and message Discord gives (discord.py turns the `errors` object into the
"In components.0.components.0.custom_id: ..." text a developer sees).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from typing import Any

from .models import JSON
from .spec import locales

# Error codes, as in Discord's documentation.
UNKNOWN_CHANNEL = 10003
UNKNOWN_GUILD = 10004
UNKNOWN_MESSAGE = 10008
UNKNOWN_USER = 10013
UNKNOWN_WEBHOOK = 10015
UNKNOWN_INTERACTION = 10062
CANNOT_SEND_TO_USER = 50007
INVALID_WEBHOOK_TOKEN = 50027
CANNOT_SEND_EMPTY = 50006
INVALID_FORM_BODY = 50035
INVALID_JSON = 50109
ALREADY_ACKNOWLEDGED = 40060
MAX_ATTACHMENTS_REACHED = 30015
REQUEST_TOO_LARGE = 40005

# How long things last.
FIRST_RESPONSE_S = 3.0
TOKEN_LIFETIME_S = 15 * 60.0

MAX_CONTENT = 2000
# Files (Reference -> Uploading Files; Message -> Create Message -> Limitations): each file at most 10 MiB, the
# default for users and apps alike (an interaction's `attachment_size_limit` says so), the whole request at most
# 25 MiB, and at most 10 attachments on a message (error 30015).
MAX_FILE_SIZE = 10 * 1024 * 1024
MAX_REQUEST_SIZE = 25 * 1024 * 1024
MAX_ATTACHMENTS = 10
MAX_NONCE = 25
MAX_EMBEDS = 10
MAX_EMBED_TOTAL = 6000
EMBED_LIMITS = {"title": 256, "description": 4096}
MAX_EMBED_FIELDS = 25
MAX_FIELD_NAME = 256
MAX_FIELD_VALUE = 1024
MAX_FOOTER = 2048
MAX_AUTHOR_NAME = 256
MAX_ROWS = 5
MAX_ROW_WIDTH = 5
MAX_CUSTOM_ID = 100
MAX_BUTTON_LABEL = 80
MAX_SELECT_OPTIONS = 25
MAX_OPTION_TEXT = 100
MAX_PLACEHOLDER = 150
SELECT_TYPES = (3, 5, 6, 7, 8)
LINK_STYLE = 5
PREMIUM_STYLE = 6
COMPONENTS_V2 = 1 << 15

MAX_COMMANDS = 100
MAX_COMMAND_OPTIONS = 25
MAX_COMMAND_DESCRIPTION = 100
MAX_CHOICE_NAME = 100


class DiscordError(Exception):
    """A refusal in Discord's words; the server turns it into the JSON error body."""

    def __init__(self, status: int, code: int, message: str, errors: JSON | None = None) -> None:
        super().__init__(f"{status} {code} {message}")
        self.status = status
        self.code = code
        self.message = message
        self.errors = errors

    def body(self) -> JSON:
        body: JSON = {"code": self.code, "message": self.message}
        if self.errors is not None:
            body["errors"] = self.errors
        return body


def not_found(code: int, what: str) -> DiscordError:
    return DiscordError(404, code, f"Unknown {what}")


class FormErrors:
    """Collects field errors into Discord's nested shape: {"embeds": {"0": {"title": {"_errors": [...]}}}}."""

    def __init__(self, prefix: tuple[str | int, ...] = ()) -> None:
        self._prefix = prefix
        self.tree: JSON = {}

    def add(self, path: tuple[str | int, ...], code: str, message: str) -> None:
        node = self.tree
        for key in (*self._prefix, *path):
            node = node.setdefault(str(key), {})
        node.setdefault("_errors", []).append({"code": code, "message": message})

    def max_length(self, path: tuple[str | int, ...], value: object, limit: int) -> None:
        if isinstance(value, str) and len(value) > limit:
            self.add(path, "BASE_TYPE_MAX_LENGTH", f"Must be {limit} or fewer in length.")

    def raise_if_any(self) -> None:
        if self.tree:
            raise DiscordError(400, INVALID_FORM_BODY, "Invalid Form Body", self.tree)


def _is_object(value: object, path: tuple[str | int, ...], errors: FormErrors) -> bool:
    if isinstance(value, dict):
        return True
    errors.add(path, "MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType")
    return False


def _embed_size(embed: JSON) -> int:
    size = sum(len(str(embed.get(key) or "")) for key in ("title", "description"))
    for embed_field in embed.get("fields") or []:
        size += len(str(embed_field.get("name") or "")) + len(str(embed_field.get("value") or ""))
    size += len(str((embed.get("footer") or {}).get("text") or ""))
    size += len(str((embed.get("author") or {}).get("name") or ""))
    return size


def _check_embeds(embeds: Any, errors: FormErrors) -> None:
    if not isinstance(embeds, list):
        errors.add(("embeds",), "BASE_TYPE_ARRAY", "Must be an array.")
        return
    if len(embeds) > MAX_EMBEDS:
        errors.add(("embeds",), "BASE_TYPE_MAX_LENGTH", f"Must be {MAX_EMBEDS} or fewer in length.")
    for i, embed in enumerate(embeds):
        if not _is_object(embed, ("embeds", i), errors):
            continue
        for key, limit in EMBED_LIMITS.items():
            errors.max_length(("embeds", i, key), embed.get(key), limit)
        fields = embed.get("fields") or []
        if len(fields) > MAX_EMBED_FIELDS:
            message = f"Must be {MAX_EMBED_FIELDS} or fewer in length."
            errors.add(("embeds", i, "fields"), "BASE_TYPE_MAX_LENGTH", message)
        for j, embed_field in enumerate(fields):
            if not _is_object(embed_field, ("embeds", i, "fields", j), errors):
                continue
            for key, limit in (("name", MAX_FIELD_NAME), ("value", MAX_FIELD_VALUE)):
                value = embed_field.get(key)
                if not value:
                    errors.add(("embeds", i, "fields", j, key), "BASE_TYPE_REQUIRED", "This field is required")
                errors.max_length(("embeds", i, "fields", j, key), value, limit)
        errors.max_length(("embeds", i, "footer", "text"), (embed.get("footer") or {}).get("text"), MAX_FOOTER)
        errors.max_length(("embeds", i, "author", "name"), (embed.get("author") or {}).get("name"), MAX_AUTHOR_NAME)
    if sum(_embed_size(e) for e in embeds if isinstance(e, dict)) > MAX_EMBED_TOTAL:
        errors.add(("embeds",), "MAX_EMBED_SIZE_EXCEEDED", f"Embed size exceeds maximum size of {MAX_EMBED_TOTAL}")


def _check_custom_id(component: JSON, path: tuple[str | int, ...], seen: set[str], errors: FormErrors) -> None:
    custom_id = component.get("custom_id")
    if not isinstance(custom_id, str) or not 1 <= len(custom_id) <= MAX_CUSTOM_ID:
        errors.add((*path, "custom_id"), "BASE_TYPE_BAD_LENGTH", f"Must be between 1 and {MAX_CUSTOM_ID} in length.")
        return
    if custom_id in seen:
        errors.add((*path, "custom_id"), "COMPONENT_CUSTOM_ID_DUPLICATED", "Component custom id cannot be duplicated")
    seen.add(custom_id)


def _check_button(button: JSON, path: tuple[str | int, ...], seen: set[str], errors: FormErrors) -> None:
    style = button.get("style")
    if style == LINK_STYLE:
        if not button.get("url"):
            errors.add((*path, "url"), "BASE_TYPE_REQUIRED", "This field is required")
        if "custom_id" in button:
            message = "A link button cannot have a custom id"
            errors.add((*path, "custom_id"), "BUTTON_COMPONENT_CUSTOM_ID_NOT_ALLOWED", message)
    elif style != PREMIUM_STYLE:
        _check_custom_id(button, path, seen, errors)
    errors.max_length((*path, "label"), button.get("label"), MAX_BUTTON_LABEL)


def _check_select(select: JSON, path: tuple[str | int, ...], seen: set[str], errors: FormErrors) -> None:
    _check_custom_id(select, path, seen, errors)
    errors.max_length((*path, "placeholder"), select.get("placeholder"), MAX_PLACEHOLDER)
    options = select.get("options") or []
    if select.get("type") == 3:
        if not 1 <= len(options) <= MAX_SELECT_OPTIONS:
            errors.add(
                (*path, "options"), "BASE_TYPE_BAD_LENGTH", f"Must be between 1 and {MAX_SELECT_OPTIONS} in length."
            )
        values: set[str] = set()
        for k, option in enumerate(options):
            if not _is_object(option, (*path, "options", k), errors):
                continue
            for key in ("label", "value"):
                if not option.get(key):
                    errors.add((*path, "options", k, key), "BASE_TYPE_REQUIRED", "This field is required")
                errors.max_length((*path, "options", k, key), option.get(key), MAX_OPTION_TEXT)
            errors.max_length((*path, "options", k, "description"), option.get("description"), MAX_OPTION_TEXT)
            if option.get("value") in values:
                errors.add(
                    (*path, "options", k, "value"),
                    "SELECT_COMPONENT_OPTION_VALUE_DUPLICATED",
                    "Component select option value cannot be duplicated",
                )
            values.add(option.get("value"))
    min_values = select.get("min_values", 1)
    max_values = select.get("max_values", 1)
    for key, value, low in (("min_values", min_values, 0), ("max_values", max_values, 1)):
        if not isinstance(value, int) or value < low:
            errors.add((*path, key), "NUMBER_TYPE_MIN", f"int value should be greater than or equal to {low}.")
        elif value > MAX_SELECT_OPTIONS:
            message = f"int value should be less than or equal to {MAX_SELECT_OPTIONS}."
            errors.add((*path, key), "NUMBER_TYPE_MAX", message)
    if select.get("type") == 3 and isinstance(max_values, int) and max_values > len(options):
        errors.add((*path, "max_values"), "BASE_TYPE_MAX", f"int value should be less than or equal to {len(options)}.")
    if isinstance(min_values, int) and isinstance(max_values, int) and min_values > max_values:
        errors.add((*path, "min_values"), "BASE_TYPE_MAX", f"int value should be less than or equal to {max_values}.")


def _check_components(components: Any, flags: int, errors: FormErrors) -> None:
    if not isinstance(components, list):
        errors.add(("components",), "BASE_TYPE_ARRAY", "Must be an array.")
        return
    seen: set[str] = set()
    if flags & COMPONENTS_V2:
        # Layout components: only the ids are checked; the bot under test uses action rows.
        _check_nested_ids(components, ("components",), seen, errors)
        return
    if len(components) > MAX_ROWS:
        errors.add(("components",), "BASE_TYPE_MAX_LENGTH", f"Must be {MAX_ROWS} or fewer in length.")
    for i, row in enumerate(components):
        path: tuple[str | int, ...] = ("components", i)
        if not _is_object(row, path, errors):
            continue
        if row.get("type") != 1:
            errors.add((*path, "type"), "UNION_TYPE_CHOICES", 'Value of field "type" must be one of (1,).')
            continue
        children = [
            c for j, c in enumerate(row.get("components") or []) if _is_object(c, (*path, "components", j), errors)
        ]
        if not 1 <= len(children) <= MAX_ROW_WIDTH:
            errors.add(
                (*path, "components"), "BASE_TYPE_BAD_LENGTH", f"Must be between 1 and {MAX_ROW_WIDTH} in length."
            )
        has_select = any(c.get("type") in SELECT_TYPES for c in children)
        if has_select and len(children) > 1:
            errors.add(
                (*path, "components"),
                "COMPONENT_LAYOUT_WIDTH_EXCEEDED",
                "The specified component exceeds the maximum width",
            )
        for j, child in enumerate(children):
            child_path = (*path, "components", j)
            if child.get("type") == 2:
                _check_button(child, child_path, seen, errors)
            elif child.get("type") in SELECT_TYPES:
                _check_select(child, child_path, seen, errors)
            else:
                errors.add((*child_path, "type"), "UNION_TYPE_CHOICES", 'Value of field "type" is not valid here.')


def _check_nested_ids(components: list[JSON], path: tuple[str | int, ...], seen: set[str], errors: FormErrors) -> None:
    for i, component in enumerate(components):
        if not _is_object(component, (*path, i), errors):
            continue
        if "custom_id" in component:
            _check_custom_id(component, (*path, i), seen, errors)
        _check_nested_ids(component.get("components") or [], (*path, i, "components"), seen, errors)


def check_message(payload: JSON, *, prefix: tuple[str | int, ...] = (), creating: bool = False, files: int = 0) -> None:
    """The limits on a message body (create or edit); `prefix` is "data" inside an interaction callback, `files`
    the number of `files[n]` parts the request carried (a file alone is a message)."""
    keys = ("content", "embeds", "components", "attachments", "poll")
    if creating and not files and not any(payload.get(key) for key in keys):
        raise DiscordError(400, CANNOT_SEND_EMPTY, "Cannot send an empty message")
    errors = FormErrors(prefix)
    content = payload.get("content")
    if content is not None and not isinstance(content, str):
        errors.add(("content",), "BASE_TYPE_STRING", "Must be a string.")
    errors.max_length(("content",), content, MAX_CONTENT)
    if payload.get("embeds") is not None:
        _check_embeds(payload["embeds"], errors)
    if payload.get("components") is not None:
        _check_components(payload["components"], int(payload.get("flags") or 0), errors)
    errors.raise_if_any()


def request_too_large() -> DiscordError:
    """A file over the upload limit, or a request over 25 MiB. The error table also lists 50045 ("File uploaded
    exceeds the maximum size"), but what Discord answers an app's oversized file with is 413 and 40005, in these
    words (discord/discord-api-docs#8572, a file over 10 MiB, with discord.py's traceback; Rapptz/discord.py#1733)."""
    return DiscordError(413, REQUEST_TOO_LARGE, "Request entity too large")


def too_many_attachments() -> DiscordError:
    # The code and message of Discord's error table; discord/discord-api-docs#1486 shows it for an 11th file.
    return DiscordError(
        400, MAX_ATTACHMENTS_REACHED, f"Maximum number of attachments in a message reached ({MAX_ATTACHMENTS})"
    )


def attachment_not_found(path: tuple[str | int, ...]) -> DiscordError:
    """An `attachments` entry naming neither a file of the request nor an attachment the message keeps: Discord's
    answer as seen in the wild (Cogmasters/concord#78)."""
    errors = FormErrors()
    errors.add(path, "ATTACHMENT_NOT_FOUND", "Attachment data not found")
    return DiscordError(400, INVALID_FORM_BODY, "Invalid Form Body", errors.tree)


# An autocomplete answer: at most 25 suggestions, each named in 1 to 100 characters with a value of at most 100.
MAX_CHOICES = 25


def check_choices(choices: Any) -> None:
    errors = FormErrors(("data",))
    if not isinstance(choices, list):
        errors.add(("choices",), "BASE_TYPE_REQUIRED", "This field is required")
    elif len(choices) > MAX_CHOICES:
        errors.add(("choices",), "BASE_TYPE_MAX_LENGTH", f"Must be {MAX_CHOICES} or fewer in length.")
    else:
        for i, choice in enumerate(choices):
            if not _is_object(choice, ("choices", i), errors):
                continue
            name = choice.get("name")
            if not isinstance(name, str) or not 1 <= len(name) <= 100:
                errors.add(("choices", i, "name"), "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length.")
            errors.max_length(("choices", i, "value"), choice.get("value"), 100)
    errors.raise_if_any()


def check_nonce(nonce: str) -> None:
    """A nonce is an integer or a string of at most 25 characters."""
    if len(nonce) > MAX_NONCE:
        errors = FormErrors()
        errors.add(("nonce",), "BASE_TYPE_MAX_LENGTH", f"Must be {MAX_NONCE} or fewer in length.")
        errors.raise_if_any()


def check_commands(commands: Any) -> None:
    """The checks Discord makes when commands are overwritten, so a bad registration fails here as it would there."""
    errors = FormErrors()
    if not isinstance(commands, list):
        errors.add((), "BASE_TYPE_ARRAY", "Must be an array.")
        errors.raise_if_any()
    if len(commands) > MAX_COMMANDS:
        errors.add((), "BASE_TYPE_MAX_LENGTH", f"Must be {MAX_COMMANDS} or fewer in length.")
    names: set[tuple[str, int]] = set()
    for i, command in enumerate(commands):
        kind = int(command.get("type", 1))
        name = command.get("name")
        if not isinstance(name, str) or not valid_command_name(name, chat_input=kind == 1):
            errors.add((i, "name"), "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid")
        elif (name, kind) in names:
            errors.add((i, "name"), "APPLICATION_COMMANDS_DUPLICATE_NAME", "Application command names must be unique")
        names.add((str(name), kind))
        _check_localizations(command, (i,), errors, chat_input=kind == 1)
        if kind == 1:
            description = command.get("description")
            if not isinstance(description, str) or not 1 <= len(description) <= MAX_COMMAND_DESCRIPTION:
                errors.add((i, "description"), "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length.")
            _check_options(command.get("options") or [], (i, "options"), errors)
    errors.raise_if_any()


def valid_command_name(name: str, *, chat_input: bool = True) -> bool:
    """Discord's naming rule for slash commands and their options: `^[-_'\\p{L}\\p{N}\\p{sc=Deva}\\p{sc=Thai}]{1,32}$`
    (unicode), and a letter that has a lower-case form must be in it. Other command types may mix case and
    hold spaces."""
    if not 1 <= len(name) <= 32:
        return False
    if not chat_input:
        return True
    return name == name.lower() and all(_name_character(ch) for ch in name)


def _name_character(ch: str) -> bool:
    if ch in "-_'":
        return True
    category = unicodedata.category(ch)
    if category[0] in "LN":
        return True
    # Devanagari and Thai carry their vowel signs as marks.
    return category in ("Mn", "Mc") and unicodedata.name(ch, "").startswith(("DEVANAGARI", "THAI"))


def _check_localizations(
    item: JSON, path: tuple[str | int, ...], errors: FormErrors, *, chat_input: bool, names_are_labels: bool = False
) -> None:
    """`name_localizations` and `description_localizations`: keyed by Discord's own locales, each value held to
    the rule of the field it translates."""

    def name_ok(value: str) -> bool:
        if names_are_labels:
            return 1 <= len(value) <= MAX_CHOICE_NAME
        return valid_command_name(value, chat_input=chat_input)

    checks: dict[str, tuple[Callable[[str], bool], str, str]] = {
        "name_localizations": (name_ok, "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid"),
        "description_localizations": (
            lambda value: 1 <= len(value) <= MAX_COMMAND_DESCRIPTION,
            "BASE_TYPE_BAD_LENGTH",
            "Must be between 1 and 100 in length.",
        ),
    }
    for field, (ok, code, message) in checks.items():
        localized = item.get(field)
        if localized is None:
            continue
        if not isinstance(localized, dict):
            errors.add((*path, field), "DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType")
            continue
        for locale, value in localized.items():
            if locale not in locales():
                errors.add((*path, field, locale), "BASE_TYPE_CHOICES", f"Value must be one of {sorted(locales())}.")
            elif not isinstance(value, str) or not ok(value):
                errors.add((*path, field, locale), code, message)


def _check_options(options: list[JSON], path: tuple[str | int, ...], errors: FormErrors) -> None:
    if len(options) > MAX_COMMAND_OPTIONS:
        errors.add(path, "BASE_TYPE_MAX_LENGTH", f"Must be {MAX_COMMAND_OPTIONS} or fewer in length.")
    optional_seen = False
    for k, option in enumerate(options):
        name = option.get("name")
        if not isinstance(name, str) or not valid_command_name(name):
            errors.add((*path, k, "name"), "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid")
        _check_localizations(option, (*path, k), errors, chat_input=True)
        for c, choice in enumerate(option.get("choices") or []):
            choice_name = choice.get("name")
            if not isinstance(choice_name, str) or not 1 <= len(choice_name) <= MAX_CHOICE_NAME:
                errors.add(
                    (*path, k, "choices", c, "name"), "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length."
                )
            _check_localizations(choice, (*path, k, "choices", c), errors, chat_input=True, names_are_labels=True)
        description = option.get("description")
        if not isinstance(description, str) or not 1 <= len(description) <= MAX_COMMAND_DESCRIPTION:
            errors.add((*path, k, "description"), "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length.")
        if len(option.get("choices") or []) > MAX_COMMAND_OPTIONS:
            errors.add((*path, k, "choices"), "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
        if option.get("type") in (1, 2):
            _check_options(option.get("options") or [], (*path, k, "options"), errors)
            continue
        if option.get("required"):
            if optional_seen:
                errors.add(
                    (*path, k, "required"),
                    "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID",
                    "Required options must be placed before non-required options",
                )
        else:
            optional_seen = True
