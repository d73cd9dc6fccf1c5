"""Each event's payload is held to its type's contract as the listener reads it; a newer type passes unchecked."""

from __future__ import annotations

import pytest

from db.events import MATCH_COMPLETED, MATCH_FOUND, QUEUE_EXPIRED, SOMEONE_WAITING, Event, MalformedEvent
from db.payloads import payload_problem, read_event

SIDE = {"player_id": 11, "display_name": "Ünïcødé", "race": "bw_zerg", "race_name": "Zerg", "rating": 1500,
        "region": "eu", "confirmed": False, "report": None, "rating_change": None}  # fmt: skip
MATCH = {"match_id": 3, "state": "completed", "players": [SIDE, {**SIDE, "player_id": 12}], "map": None,
         "server": "Europe", "confirm_by": "2026-11-29T21:00:00+00:00", "report_by": None, "result": "player1",
         "end_reason": None, "aborted_by": None, "resolved_by": None, "new_ratings": {"11": 1520, "12": 1480},
         "message_refs": {"11": {"token": "t", "application_id": 1}, "12": None}}  # fmt: skip


def test_the_payloads_the_workers_write_follow_the_contract() -> None:
    assert payload_problem(MATCH_COMPLETED, MATCH) is None
    assert payload_problem(QUEUE_EXPIRED, {"entry_id": 1, "player_id": 11, "waited_s": 900.5, "waves_waited": 20,
                                           "message_refs": {"11": None}}) is None  # fmt: skip
    assert payload_problem(SOMEONE_WAITING, {"waiting": 3, "races": ["bw_zerg"], "languages": {"11": "ko"}}) is None
    assert payload_problem("a_type_from_a_newer_worker", {"anything": [1, {"x": None}]}) is None


@pytest.mark.parametrize(
    ("type_", "payload", "where"),
    [
        (MATCH_FOUND, {"state": "awaiting_confirmation"}, "match_id"),
        (MATCH_FOUND, {"match_id": "3"}, "match_id"),
        (MATCH_FOUND, {"match_id": 3, "players": {"11": SIDE}}, "players"),
        (MATCH_FOUND, {"match_id": 3, "players": [{**SIDE, "rating": "high"}]}, "players.0.rating"),
        (MATCH_COMPLETED, {**MATCH, "new_ratings": {"11": "1520"}}, "new_ratings.11"),
        (QUEUE_EXPIRED, {"waited_s": "long"}, "waited_s"),
        (SOMEONE_WAITING, {"races": "bw_zerg"}, "races"),
    ],
)
def test_a_payload_off_contract_is_named_where(type_: str, payload: dict[str, object], where: str) -> None:
    problem = payload_problem(type_, payload)
    assert problem is not None and f"{type_} payload: {where}:" in problem
    with pytest.raises(MalformedEvent, match=where):
        read_event(Event(1, type_, (11,), payload).to_fields())


def test_a_payload_on_contract_reads_back_as_written() -> None:
    event = Event(7, MATCH_COMPLETED, (11, 12), MATCH)
    assert read_event(event.to_fields()) == event
