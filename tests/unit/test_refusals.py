"""Every reason a service may give for a "no", and every admin note, has words, with its parameters filled in."""

from __future__ import annotations

import pytest

from bot.catalogs import load_catalogs
from bot.drawing.admin_notes import admin_summary
from bot.drawing.refusals import refusal_text
from bot.languages import LANGUAGES
from db.admin import Done, Note
from db.ladder import load_ladder
from db.refusals import Refusal, Why

CATALOGS = load_catalogs(load_ladder())
ENGLISH = CATALOGS.words("en-US")

PARAMS: dict[Why, dict[str, str | int | float]] = {
    Why.ALREADY_REPORTED: {"report": "draw"},
    Why.MATCH_MOVED_ON: {"state": "completed"},
    Why.UNKNOWN_RACE: {"race": "bw_ultralisk"},
    Why.TWO_RACES_ON_A_SIDE: {"side": "bw", "count": 2},
    Why.UNKNOWN_MAP: {"map": "Nowhere"},
    Why.TOO_MANY_VETOES: {"most": 4, "chosen": 5},
    Why.BANNED_FROM_QUEUE: {"reason": ""},
    Why.ON_COOLDOWN: {"until": 1_800_000_000},
    Why.IN_UNFINISHED_MATCH: {"match_id": 77},
    Why.UNKNOWN_REGION: {"region": "Mars"},
}


@pytest.mark.parametrize("code", LANGUAGES)
def test_every_refusal_is_worded_in_every_language(code: str) -> None:
    words = CATALOGS.words(code)
    for why in Why:
        text = refusal_text(words, Refusal(why, PARAMS.get(why, {})))
        assert text and "{" not in text, why
        if code != "en-US":
            assert text != refusal_text(ENGLISH, Refusal(why, PARAMS.get(why, {}))), (code, why)


def test_every_refusal_is_worded() -> None:
    assert (
        refusal_text(ENGLISH, Refusal(Why.ALREADY_REPORTED, {"report": "draw"})) == "You have already reported a draw."
    )
    assert refusal_text(ENGLISH, Refusal(Why.MATCH_MOVED_ON, {"state": "completed"})).startswith("This match is over")
    assert refusal_text(ENGLISH, Refusal(Why.BANNED_FROM_QUEUE, {"reason": "smurfing"})).endswith("Reason: smurfing")
    assert refusal_text(ENGLISH, Refusal(Why.BANNED_FROM_QUEUE, {"reason": ""})) == "You are banned from this ladder."
    # A state this version does not know still gets a sentence, not an error.
    assert (
        refusal_text(ENGLISH, Refusal(Why.MATCH_MOVED_ON, {"state": "archived"}))
        == "This match cannot take that any more."
    )


def test_every_admin_note_is_worded() -> None:
    params: dict[str, str | int | float] = {"player": 5, "count": 3, "resolutions": "player1, draw", "match": 7,
                                            "state": "awaiting_confirmation", "resolution": "draw", "race": "bw_zerg",
                                            "old": "none", "new": "1600", "left_queue": 1, "changes": "set, add",
                                            "most": 500, "was": "completed player1"}  # fmt: skip
    for note in Note:
        text = admin_summary(Done(False, note, params))
        assert text and "{" not in text, note
    assert admin_summary(Done(False, Note.NOT_DISPUTED, {"match": 7, "state": "awaiting_confirmation"})) == (
        "Match #7 is awaiting confirmation, not disputed: nothing to resolve."
    )
    assert admin_summary(Done(True, Note.BANNED, {"player": 5, "left_queue": 0})) == "Player 5 is banned."
