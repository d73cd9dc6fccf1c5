"""The ladder file: the shipped ones load, and each kind of mistake stops start-up naming the key."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

from db.ladder import LADDERS_DIR, LadderConfigError, load_ladder, parse_ladder


def _starcraft() -> dict[str, Any]:
    return tomllib.loads((LADDERS_DIR / "starcraft.toml").read_text())


def test_starcraft_ladder_has_two_sides_of_three_races() -> None:
    ladder = load_ladder(LADDERS_DIR / "starcraft.toml")
    assert [s.code for s in ladder.sides] == ["bw", "sc2"]
    assert [r.code for r in ladder.races_of_side("bw")] == ["bw_terran", "bw_zerg", "bw_protoss"]
    assert len(ladder.races_of_side("sc2")) == 3
    assert ladder.matchmaking.wave_interval_s == 45
    assert (ladder.matchmaking.window_base, ladder.matchmaking.window_growth) == (40, 60)
    assert ladder.server_for("EU", "NAE") == ladder.server_for("NAE", "EU") == "US East"
    assert ladder.server_for(None, None) == "US East"  # both default to NAE


def test_plain_ladder_has_no_sides() -> None:
    ladder = load_ladder(LADDERS_DIR / "plain.toml")
    assert not ladder.has_sides
    assert [r.side for r in ladder.races] == [None]
    assert ladder.server_for("AS", "EU") == "India"


def test_default_ladder_is_starcraft() -> None:
    assert load_ladder(None).ladder.name.startswith("StarCraft")


def _error(data: dict[str, Any]) -> str:
    with pytest.raises(LadderConfigError) as info:
        parse_ladder(data, "test.toml")
    return str(info.value)


def test_unknown_key_is_named() -> None:
    data = _starcraft()
    data["matchmaking"]["windw_base"] = 100
    assert "matchmaking.windw_base: unknown key" in _error(data)


def test_missing_key_is_named() -> None:
    data = _starcraft()
    del data["rating"]["k_factor"]
    assert "rating.k_factor: missing" in _error(data)


def test_wrong_type_is_named() -> None:
    data = _starcraft()
    data["matchmaking"]["window_base"] = "wide"
    assert "matchmaking.window_base" in _error(data)


def test_negative_number_is_refused() -> None:
    data = _starcraft()
    data["matchmaking"]["window_growth"] = -5
    assert "matchmaking.window_growth" in _error(data)


def test_race_of_an_unknown_side() -> None:
    data = _starcraft()
    data["races"][2]["side"] = "sc3"
    message = _error(data)
    assert "races[2].side: 'sc3' is not a side" in message
    assert "bw, sc2" in message


def test_race_without_side_on_a_ladder_with_sides() -> None:
    data = _starcraft()
    del data["races"][0]["side"]
    assert "races[0].side: missing" in _error(data)


def test_one_side_is_not_a_ladder() -> None:
    data = _starcraft()
    data["sides"] = data["sides"][:1]
    assert "sides: a 1v1 ladder has two sides or none" in _error(data)


def test_duplicate_race_code() -> None:
    data = _starcraft()
    data["races"][1]["code"] = "bw_terran"
    assert "races: code 'bw_terran' is used twice" in _error(data)


def test_too_many_vetoes_for_the_pool() -> None:
    data = _starcraft()
    data["maps"]["vetoes"] = 5
    assert "maps" in _error(data) and "would leave no map" in _error(data)


def test_server_table_names_an_unknown_region() -> None:
    data = _starcraft()
    data["servers"]["pairs"][0]["regions"] = ["NAW", "MARS"]
    assert "servers.pairs[0].regions: 'MARS' is not a region" in _error(data)


def test_default_region_must_exist() -> None:
    data = _starcraft()
    data["servers"]["default_region"] = "MOON"
    assert "servers.default_region: 'MOON' is not a region" in _error(data)


def test_broken_toml_names_the_line(tmp_path: Path) -> None:
    file = tmp_path / "broken.toml"
    file.write_text("[ladder]\nname = = 'x'\n")
    with pytest.raises(LadderConfigError, match=r"not valid TOML.*line 2"):
        load_ladder(file)


def test_missing_file_is_reported(tmp_path: Path) -> None:
    with pytest.raises(LadderConfigError, match="cannot be read"):
        load_ladder(tmp_path / "nope.toml")


def test_every_problem_is_listed_at_once() -> None:
    data = _starcraft()
    data["races"][0]["side"] = "x"
    data["servers"]["default_region"] = "MOON"
    message = _error(data)
    assert "races[0].side" in message and "servers.default_region" in message
