"""Discord's published OpenAPI description, as validators: what Discord accepts and answers is checked against
Discord's own schemas (`sandbox/discord_api_spec/`), not against what we remember of them."""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SPEC_PATH = Path(__file__).resolve().parent.parent / "discord_api_spec" / "openapi.json"
SPEC_URI = "urn:discord:openapi"


@cache
def spec() -> dict[str, Any]:
    """The description answers are held to.

    Where Discord's published description is stricter than Discord itself, it is patched here, each deviation
    with its evidence: the stand-in holds the bot to what Discord does, and to nothing looser."""
    loaded: dict[str, Any] = json.loads(SPEC_PATH.read_text())
    # Form errors carry string codes ("BASE_TYPE_REQUIRED", "BASE_TYPE_MAX_LENGTH"), as Discord's own error
    # examples, discord.py's and discord.js's error texts all show (`name[BASE_TYPE_REQUIRED]`); the spec's
    # shared Error schema says integer, which only holds for the top-level code (50035).
    inner = loaded["components"]["schemas"]["InnerErrors"]["properties"]["_errors"]
    inner["items"] = {
        "type": "object",
        "properties": {"code": {"type": ["string", "integer"]}, "message": {"type": "string"}},
        "required": ["code", "message"],
    }
    # A 429's body is {"message", "retry_after", "global"}; Discord documents its `code` as present only "for some
    # limits" (Rate Limits → Exceeding A Rate Limit), where the spec's shared Error schema requires it.
    limited = loaded["components"]["schemas"]["RatelimitedResponse"]
    limited["allOf"][0] = {
        "type": "object",
        "properties": {"code": {"type": "integer"}, "message": {"type": "string"}},
        "required": ["message"],
    }
    return loaded


@cache
def request_spec() -> dict[str, Any]:
    """The description requests are held to: also, Discord parses a snowflake sent as a JSON integer as well as
    a string (discord.py sends the recipient of a DM channel and the ids of attachments as integers, and every
    discord.py bot depends on it)."""
    loaded = copy.deepcopy(spec())
    schemas = loaded["components"]["schemas"]
    schemas["SnowflakeType"] = {"anyOf": [schemas["SnowflakeType"], {"type": "integer", "minimum": 0}]}
    return loaded


@cache
def registry(for_requests: bool = False) -> Registry[Any]:
    contents = request_spec() if for_requests else spec()
    resource: Resource[Any] = Resource.from_contents(contents, default_specification=DRAFT202012)
    loaded: Registry[Any] = Registry().with_resource(SPEC_URI, resource)
    return loaded


@cache
def locales() -> frozenset[str]:
    """Discord's locales (`AvailableLocalesEnum`): the only keys a command's localizations may have."""
    branches = spec()["components"]["schemas"]["AvailableLocalesEnum"]["oneOf"]
    return frozenset(str(branch["const"]) for branch in branches)


@cache
def schema_validator(name: str) -> Draft202012Validator:
    """A validator for one of the spec's named schemas (`components/schemas/<name>`)."""
    if name not in spec()["components"]["schemas"]:
        raise KeyError(f"Discord's spec has no schema {name!r}")
    return Draft202012Validator({"$ref": f"{SPEC_URI}#/components/schemas/{name}"}, registry=registry())


def violations(name: str, instance: object) -> list[str]:
    """Each way `instance` breaks the named schema, as `JSON path: message` (empty when it conforms)."""
    return [_describe(error) for error in schema_validator(name).iter_errors(instance)]


def _describe(error: ValidationError) -> str:
    return f"{cause(error).json_path}: {cause(error).message[:300]}"


def cause(error: ValidationError) -> ValidationError:
    """A oneOf failure's own message names no branch: the cause is in the branch meant for this value, the one
    whose `type` discriminator matched (Discord's unions are told apart by it), then the one with fewest errors,
    then one whose value was at least of the right type."""
    if not error.context:
        return error
    branches: dict[Any, list[ValidationError]] = {}
    for sub in error.context:
        branches.setdefault(sub.relative_schema_path[0], []).append(sub)

    def wrong_kind(errors: list[ValidationError]) -> bool:
        return any(e.validator in ("enum", "const") and list(e.relative_path)[-1:] == ["type"] for e in errors)

    def only_type(errors: list[ValidationError]) -> bool:
        return all(e.validator == "type" for e in errors)

    meant = min(branches.values(), key=lambda errors: (wrong_kind(errors), len(errors), only_type(errors)))
    return cause(min(meant, key=lambda e: len(e.context)))
