"""The queue choice checks: every rule refuses with a message a player can act on."""

from __future__ import annotations

import pytest

from bot.catalogs import load_catalogs
from bot.drawing.refusals import refusal_text
from bot.queue_choice import check_choice
from bot.queue_errors import NoRaceChosen, QueueError, TooManyVetoes, TwoRacesOnOneSide, UnknownMap, UnknownRace
from db.ladder import LADDERS_DIR, load_ladder

STARCRAFT = load_ladder(LADDERS_DIR / "starcraft.toml")
PLAIN = load_ladder(LADDERS_DIR / "plain.toml")
ENGLISH = load_catalogs(STARCRAFT).words("en-US")


def test_a_race_of_each_side_and_vetoes_are_accepted_in_ladder_order() -> None:
    choice = check_choice(STARCRAFT, ["sc2_zerg", "bw_protoss"], ["Pylon", "Death Valley"])
    assert choice.races == ("bw_protoss", "sc2_zerg")
    assert choice.vetoes == ("Death Valley", "Pylon")


def test_duplicates_count_once() -> None:
    choice = check_choice(STARCRAFT, ["bw_zerg", "bw_zerg"], ["Pylon"] * 6)
    assert choice.races == ("bw_zerg",) and choice.vetoes == ("Pylon",)


@pytest.mark.parametrize(
    ("races", "vetoes", "error", "words"),
    [
        ([], [], NoRaceChosen, "Pick a race"),
        (["bw_ultralisk"], [], UnknownRace, "“bw_ultralisk” is not a race"),
        (["bw_zerg", "bw_terran"], [], TwoRacesOnOneSide, "one Brood War race"),
        (["bw_zerg"], ["Nowhere"], UnknownMap, "“Nowhere” is not in this ladder's map pool"),
        (["bw_zerg"], ["Death Valley", "Khione", "Pylon", "Radeon", "Sylphid"], TooManyVetoes, "at most 4"),
    ],
)
def test_each_rule_refuses_clearly(races: list[str], vetoes: list[str], error: type[QueueError], words: str) -> None:
    with pytest.raises(error) as refused:
        check_choice(STARCRAFT, races, vetoes)
    assert words in refusal_text(ENGLISH, refused.value.refusal)


def test_a_huge_name_is_not_echoed_whole() -> None:
    with pytest.raises(UnknownRace) as info:
        check_choice(STARCRAFT, ["x" * 100_000], [])
    assert len(refusal_text(ENGLISH, info.value.refusal)) < 100


def test_plain_ladder_takes_one_race() -> None:
    assert check_choice(PLAIN, ["aoe2"], ["Arena"]).races == ("aoe2",)
    with pytest.raises(UnknownRace):
        check_choice(PLAIN, ["bw_zerg"], [])
