from __future__ import annotations

import pytest

from db.events import MATCH_FOUND, Event, MalformedEvent


def test_an_event_survives_the_stream_format() -> None:
    event = Event(7, MATCH_FOUND, (11, 12), {"match_id": 3, "map": "Pylon", "players": [{"name": "Ünïcødé"}]})
    fields = {k.encode(): v.encode() for k, v in event.to_fields().items()}
    assert Event.from_fields(fields) == event


def test_an_event_carries_when_it_was_written() -> None:
    """Where the bot's delivery latency starts; an entry written before the field existed still reads."""
    event = Event(7, MATCH_FOUND, (11, 12), {}, created_at=1_700_000_000.25)
    assert Event.from_fields(event.to_fields()).created_at == 1_700_000_000.25
    assert "created_at" not in Event(7, MATCH_FOUND, (11, 12), {}).to_fields()
    assert Event.from_fields(Event(7, MATCH_FOUND, (11, 12), {}).to_fields()).created_at is None


@pytest.mark.parametrize(
    "fields",
    [
        {},
        {"event_id": "x", "type": "match_found", "players": "1", "payload": "{}"},
        {"event_id": "1", "type": "match_found", "players": "1", "payload": "[1]"},
        {"event_id": "1", "type": "match_found", "players": "a,b", "payload": "{}"},
        {"event_id": "1", "type": "match_found", "players": "1", "payload": "{not json"},
    ],
)
def test_a_malformed_entry_is_refused(fields: dict[str, str]) -> None:
    with pytest.raises(MalformedEvent):
        Event.from_fields(fields)
