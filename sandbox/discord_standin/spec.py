"""Discord's published OpenAPI description, as validators: what Discord accepts and answers is checked against
Discord's own schemas (`sandbox/discord_api_spec/`), not against what we remember of them."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SPEC_PATH = Path(__file__).resolve().parent.parent / "discord_api_spec" / "openapi.json"
_SPEC_URI = "urn:discord:openapi"


@cache
def spec() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(SPEC_PATH.read_text())
    return loaded


@cache
def _registry() -> Registry[Any]:
    resource: Resource[Any] = Resource.from_contents(spec(), default_specification=DRAFT202012)
    registry: Registry[Any] = Registry().with_resource(_SPEC_URI, resource)
    return registry


@cache
def schema_validator(name: str) -> Draft202012Validator:
    """A validator for one of the spec's named schemas (`components/schemas/<name>`)."""
    if name not in spec()["components"]["schemas"]:
        raise KeyError(f"Discord's spec has no schema {name!r}")
    return Draft202012Validator({"$ref": f"{_SPEC_URI}#/components/schemas/{name}"}, registry=_registry())


def violations(name: str, instance: object) -> list[str]:
    """Each way `instance` breaks the named schema, as `JSON path: message` (empty when it conforms)."""
    return [_describe(error) for error in schema_validator(name).iter_errors(instance)]


def _describe(error: ValidationError) -> str:
    return f"{_cause(error).json_path}: {_cause(error).message[:300]}"


def _cause(error: ValidationError) -> ValidationError:
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
    return _cause(min(meant, key=lambda e: len(e.context)))
