"""The check that holds the bot's requests and the stand-in's answers to Discord's OpenAPI description catches a
known-bad payload of each kind, and names the operation, the JSON path and who sent it."""

from __future__ import annotations

from typing import Any

from sandbox.discord_standin.conformance import (
    BOT,
    STANDIN,
    body_violations,
    operation,
    query_violations,
    response_violations,
)

CREATE_MESSAGE = operation("POST", "/channels/{channel_id}/messages")
EDIT_ORIGINAL = operation("PATCH", "/webhooks/{application_id}/{token}/messages/@original")


def _message(**changes: Any) -> dict[str, Any]:
    """A channel message as Discord answers it."""
    return {
        "id": "1", "channel_id": "2", "type": 0, "content": "hi", "mentions": [], "mention_roles": [],
        "attachments": [], "embeds": [], "timestamp": "2026-11-29T15:00:00+00:00", "edited_timestamp": None,
        "flags": 0, "components": [], "pinned": False, "mention_everyone": False, "tts": False,
        "author": {"id": "3", "username": "bot", "avatar": None, "discriminator": "0", "public_flags": 0,
                   "flags": 0, "global_name": None, "primary_guild": None},
        **changes,
    }  # fmt: skip


def test_operations_are_found_by_path_and_method_whatever_the_parameters_are_called() -> None:
    assert CREATE_MESSAGE is not None and CREATE_MESSAGE.name == "create_message"
    assert EDIT_ORIGINAL is not None and EDIT_ORIGINAL.name == "update_original_webhook_message"
    assert operation("PATCH", "/webhooks/1/abc/messages/77") is not None
    assert operation("GET", "/channels/{channel_id}/no-such-thing") is None


def test_a_request_body_that_breaks_the_schema_is_the_bots_violation_with_its_path() -> None:
    assert CREATE_MESSAGE is not None
    button = {"type": 2, "style": 7, "label": "Join", "custom_id": "join"}
    found = body_violations(CREATE_MESSAGE, "application/json", {"components": [{"type": 1, "components": [button]}]})
    assert [(v.side, v.where) for v in found] == [(BOT, "$.components[0].components[0].style")]
    assert "create_message (POST /channels/{channel_id}/messages)" in str(found[0])
    colour = body_violations(CREATE_MESSAGE, "application/json", {"embeds": [{"color": 0x1000000}]})
    assert [v.where for v in colour] == ["$.embeds[0].color"]


def test_a_good_request_body_passes_and_snowflakes_may_be_integers() -> None:
    assert CREATE_MESSAGE is not None
    assert body_violations(CREATE_MESSAGE, "application/json", {"content": "hi", "nonce": "n1"}) == []
    dm = operation("POST", "/users/@me/channels")
    assert dm is not None and body_violations(dm, "application/json", {"recipient_id": 1234}) == []


def test_a_query_parameter_of_the_wrong_type_or_unknown_is_a_violation() -> None:
    callback = operation("POST", "/interactions/{interaction_id}/{token}/callback")
    assert callback is not None
    assert query_violations(callback, {"with_response": "true"}) == []
    assert [v.where for v in query_violations(callback, {"with_response": "maybe", "x": "1"})] == [
        "query.with_response",
        "query.x",
    ]


def test_an_answer_missing_a_required_field_is_the_standins_violation() -> None:
    assert CREATE_MESSAGE is not None
    assert response_violations(CREATE_MESSAGE, 200, _message()) == []
    without_id = _message()
    del without_id["id"]
    found = response_violations(CREATE_MESSAGE, 200, without_id)
    assert [(v.side, v.status, v.where) for v in found] == [(STANDIN, 200, "$")]
    assert "'id' is a required property" in found[0].message


def test_a_status_the_operation_does_not_return_is_a_violation() -> None:
    assert CREATE_MESSAGE is not None
    found = response_violations(CREATE_MESSAGE, 302, None)
    assert [(v.side, v.where) for v in found] == [(STANDIN, "status")]
    too_long = {"_errors": [{"code": "BASE_TYPE_MAX_LENGTH", "message": "Too long."}]}
    refusal = {"code": 50035, "message": "Invalid Form Body", "errors": {"content": too_long}}
    assert response_violations(CREATE_MESSAGE, 400, refusal) == []
    assert [v.where for v in response_violations(CREATE_MESSAGE, 400, {"message": "no code"})] == ["$"]


def test_timestamps_and_urls_are_held_to_their_formats_both_ways() -> None:
    assert CREATE_MESSAGE is not None
    good = {"embeds": [{"title": "Match found", "timestamp": "2026-11-29T15:00:00+00:00", "url": "https://x.gg/m/1"}]}
    assert body_violations(CREATE_MESSAGE, "application/json", good) == []
    bad = {"embeds": [{"title": "Match found", "timestamp": "yesterday", "url": "not a link"}]}
    found = body_violations(CREATE_MESSAGE, "application/json", bad)
    assert sorted((v.side, v.where) for v in found) == [(BOT, "$.embeds[0].timestamp"), (BOT, "$.embeds[0].url")]
    answered = response_violations(CREATE_MESSAGE, 200, _message(timestamp="29/11/2026 15:00"))
    assert [(v.side, v.where) for v in answered] == [(STANDIN, "$.timestamp")]
