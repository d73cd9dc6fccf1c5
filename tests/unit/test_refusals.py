"""Every reason a service may give for a "no" has words for the player, with its parameters filled in."""

from __future__ import annotations

from bot.drawing.refusals import refusal_text
from db.refusals import Refusal, Why

PARAMS = {Why.ALREADY_REPORTED: {"report": "draw"}, Why.MATCH_MOVED_ON: {"state": "completed"}}


def test_every_refusal_is_worded() -> None:
    for why in Why:
        text = refusal_text(Refusal(why, PARAMS.get(why, {})))
        assert text and "{" not in text, why
    assert refusal_text(Refusal(Why.ALREADY_REPORTED, {"report": "draw"})) == "You have already reported a draw."
    assert refusal_text(Refusal(Why.MATCH_MOVED_ON, {"state": "completed"})).startswith("This match is over")
    # A state this version does not know still gets a sentence, not an error.
    assert refusal_text(Refusal(Why.MATCH_MOVED_ON, {"state": "archived"})) == "This match cannot take that any more."
