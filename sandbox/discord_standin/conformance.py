"""Every request the bot sends and every answer the stand-in gives, held to Discord's OpenAPI description.

A request is matched to its operation (path and method), then its query and its JSON body (or the multipart
form's `payload_json`) are validated against the operation's request schema; an answer against the schema of
the response the operation declares for its status. A status the operation does not declare is a violation too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any
from urllib.parse import quote

import jsonschema_rs
from jsonschema import Draft202012Validator, FormatChecker

from .spec import SPEC_URI, cause, registry, request_spec, spec

BOT = "the bot sent"
STANDIN = "the stand-in answered"
JSON_TYPE = "application/json"
MULTIPART = "multipart/form-data"
# The spec's string formats that carry meaning for Discord (its own `snowflake`, `nonce`, `int32` are left to
# the types): a timestamp Discord cannot read and a URL that is none are refused.
FORMATS = FormatChecker(formats=("date-time", "uri"))


@dataclass(frozen=True)
class Violation:
    side: str  # BOT or STANDIN
    operation: str  # "create_message (POST /channels/{channel_id}/messages)"
    status: int | None  # the answer's status, for an answer
    where: str  # the JSON path (or "query.<name>", "status", "path")
    message: str
    parts: tuple[str | int, ...] = ()  # the JSON path as keys, for Discord's nested form errors

    def __str__(self) -> str:
        status = f" {self.status}" if self.status is not None else ""
        return f"{self.side}{status} on {self.operation}: {self.where}: {self.message}"


@dataclass(frozen=True)
class Operation:
    name: str
    method: str
    template: str
    pointer: str  # the JSON pointer of the operation in the spec

    def label(self) -> str:
        return f"{self.name} ({self.method} {self.template})"


@cache
def operation(method: str, route: str) -> Operation | None:
    """The spec's operation for a request's route under /api/v10 (a path, or a template of one)."""
    for pattern, template in _templates():
        if pattern.fullmatch(route):
            found = spec()["paths"][template].get(method.lower())
            if found is None:
                continue
            pointer = f"/paths/{_escape(template)}/{method.lower()}"
            return Operation(found.get("operationId", "?"), method.upper(), template, pointer)
    return None


def unknown(method: str, path: str) -> Violation:
    return Violation(BOT, f"{method} {path}", None, "path", "no such operation in Discord's API")


def query_violations(found: Operation, query: dict[str, str]) -> list[Violation]:
    return [Violation(BOT, found.label(), None, where, text) for where, text in _query_errors(found, query)]


def body_violations(found: Operation, content_type: str, body: object) -> list[Violation]:
    """`body`: the parsed JSON, or a multipart form's `payload_json`."""
    kind = MULTIPART if content_type.startswith("multipart/") else JSON_TYPE
    pointer = f"{found.pointer}/requestBody/content/{_escape(kind)}/schema"
    if _resolve(pointer) is None:
        return [Violation(BOT, found.label(), None, "body", f"the operation takes no {kind} body")]
    return [Violation(BOT, found.label(), None, _json_path(p), t, p) for p, t in _errors(pointer, body, True)]


def response_violations(found: Operation, status: int, body: object | None) -> list[Violation]:
    """`body`: the parsed JSON answer, None for an empty one."""
    responses = _resolve(f"{found.pointer}/responses") or {}
    declared = next((key for key in (str(status), f"{str(status)[0]}XX", "default") if key in responses), None)
    if declared is None:
        return [Violation(STANDIN, found.label(), status, "status", f"{status} is not a status this operation returns")]
    content = _dereferenced(responses[declared]).get("content") or {}
    if body is None:
        if JSON_TYPE in content:
            return [Violation(STANDIN, found.label(), status, "body", "an empty answer where a JSON body is due")]
        return []
    if JSON_TYPE not in content:
        return [Violation(STANDIN, found.label(), status, "body", "a body where the operation returns none")]
    pointer = f"{found.pointer}/responses/{declared}"
    if "$ref" in responses[declared]:
        pointer = responses[declared]["$ref"].removeprefix("#")
    return [
        Violation(STANDIN, found.label(), status, _json_path(p), t, p)
        for p, t in _errors(f"{pointer}/content/{_escape(JSON_TYPE)}/schema", body)
    ]


def _json_path(parts: tuple[str | int, ...]) -> str:
    return "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in parts)


def _query_errors(found: Operation, query: dict[str, str]) -> list[tuple[str, str]]:
    declared = {p["name"]: (where, p) for where, p in _parameters(found) if p.get("in") == "query"}
    errors = []
    for name, raw in query.items():
        if name not in declared:
            errors.append((f"query.{name}", "not a query parameter of this operation"))
            continue
        where, parameter = declared[name]
        value = _query_value(raw, _dereferenced(parameter.get("schema") or {}))
        errors += [(f"query.{name}", e.message[:300]) for e in _validator(f"{where}/schema", True).iter_errors(value)]
    return errors


@cache
def _parameters(found: Operation) -> list[tuple[str, dict[str, Any]]]:
    """Each parameter of the operation (the path's own first) with the JSON pointer where it is defined."""
    located = []
    for owner in (f"/paths/{_escape(found.template)}", found.pointer):
        for n, _ in enumerate(_resolve(f"{owner}/parameters") or []):
            where = f"{owner}/parameters/{n}"
            node = _resolve(where)
            while isinstance(raw := _resolve(where, follow=False), dict) and "$ref" in raw:
                where = raw["$ref"].removeprefix("#")
            located.append((where, node))
    return located


def _query_value(raw: str, schema: dict[str, Any]) -> object:
    """A query string's text as the type its schema names (what Discord parses it as)."""
    kinds = schema.get("type")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    if "boolean" in kinds and raw.lower() in ("true", "false", "1", "0"):
        return raw.lower() in ("true", "1")
    if "integer" in kinds and re.fullmatch(r"-?\d+", raw):
        return int(raw)
    return raw


def _errors(pointer: str, instance: object, request: bool = False) -> list[tuple[tuple[str | int, ...], str]]:
    if _quick_validator(pointer, request).is_valid(instance):
        return []
    found = []
    for error in _validator(pointer, request).iter_errors(instance):
        best = cause(error)
        found.append((tuple(best.absolute_path), best.message[:300]))
    return found


@cache
def _quick_validator(pointer: str, request: bool) -> jsonschema_rs.Draft202012Validator:
    """The same schema compiled by jsonschema-rs: it tells a conforming payload (nearly all of them) in
    microseconds where jsonschema takes milliseconds, which in a demo, a benchmark or the chaos run would load
    the stand-in more than the bot it measures. jsonschema still finds and names each violation."""
    document = request_spec() if request else spec()
    return jsonschema_rs.Draft202012Validator(
        {**document, "$ref": "#" + quote(pointer, safe="/~")}, validate_formats=True
    )


@cache
def _validator(pointer: str, request: bool) -> Draft202012Validator:
    return Draft202012Validator(
        {"$ref": f"{SPEC_URI}#{pointer}"}, registry=registry(for_requests=request), format_checker=FORMATS
    )


@cache
def _resolve(pointer: str, *, follow: bool = True) -> Any:
    """The node at the JSON pointer; with `follow`, every $ref on the way (and at the end) is followed.
    Remembered: the spec never changes, and every request asks for the same few pointers."""
    node: Any = spec()
    for part in pointer.lstrip("/").split("/"):
        key = part.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and key in node:
            node = node[key]
        elif isinstance(node, list) and key.isdigit() and int(key) < len(node):
            node = node[int(key)]
        else:
            return None
        if follow:
            node = _dereferenced(node)
    return node


def _dereferenced(node: Any) -> Any:
    while isinstance(node, dict) and set(node) == {"$ref"}:
        node = _resolve(node["$ref"].removeprefix("#"))
    return node


def _escape(part: str) -> str:
    return part.replace("~", "~0").replace("/", "~1")


@cache
def _templates() -> list[tuple[re.Pattern[str], str]]:
    """The spec's path templates as patterns, the literal ones first (`@original` before `{message_id}`)."""
    templates = sorted(spec()["paths"], key=lambda t: (t.count("{"), -len(t)))
    return [(re.compile(re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(t))), t) for t in templates]
