"""Every reason a service may give for a "no" has words for the player, with its parameters filled in."""

from __future__ import annotations

from bot.drawing.refusals import refusal_text
from db.refusals import Refusal, Why

PARAMS: dict[Why, dict[str, str | int | float]] = {
    Why.ALREADY_REPORTED: {"report": "draw"},
    Why.MATCH_MOVED_ON: {"state": "completed"},
    Why.UNKNOWN_RACE: {"race": "bw_ultralisk"},
    Why.TWO_RACES_ON_A_SIDE: {"side": "Brood War", "count": 2},
    Why.UNKNOWN_MAP: {"map": "Nowhere"},
    Why.TOO_MANY_VETOES: {"most": 4, "chosen": 5},
    Why.BANNED_FROM_QUEUE: {"reason": ""},
    Why.ON_COOLDOWN: {"until": 1_800_000_000},
    Why.IN_UNFINISHED_MATCH: {"match_id": 77},
    Why.UNKNOWN_REGION: {"regions": "eu (Europe), na (North America)"},
}


def test_every_refusal_is_worded() -> None:
    for why in Why:
        text = refusal_text(Refusal(why, PARAMS.get(why, {})))
        assert text and "{" not in text, why
    assert refusal_text(Refusal(Why.ALREADY_REPORTED, {"report": "draw"})) == "You have already reported a draw."
    assert refusal_text(Refusal(Why.MATCH_MOVED_ON, {"state": "completed"})).startswith("This match is over")
    assert refusal_text(Refusal(Why.BANNED_FROM_QUEUE, {"reason": "smurfing"})).endswith("Reason: smurfing")
    assert refusal_text(Refusal(Why.BANNED_FROM_QUEUE, {"reason": ""})) == "You are banned from this ladder."
    # A state this version does not know still gets a sentence, not an error.
    assert refusal_text(Refusal(Why.MATCH_MOVED_ON, {"state": "archived"})) == "This match cannot take that any more."
