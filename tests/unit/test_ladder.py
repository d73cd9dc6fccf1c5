"""The ladder file: the shipped ones load, and each kind of mistake stops start-up naming the key."""

from __future__ import annotations

import csv
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
    assert (ladder.matchmaking.window_base, ladder.matchmaking.window_growth) == (100, 50)
    assert ladder.server_for("EUW", "NAE") == ladder.server_for("NAE", "EUW") == "USE"
    assert ladder.server_for(None, None) == "USE"  # both default to NAE
    assert ladder.server_by_code["USE"].short_name == "US East"


FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "starcraft-ladder"


def _tsv(name: str) -> list[dict[str, str]]:
    return list(csv.DictReader((FIXTURES / name).open(encoding="utf-8"), delimiter="\t"))


def test_the_starcraft_ladder_is_the_communitys_own_data() -> None:
    ladder = load_ladder(LADDERS_DIR / "starcraft.toml")
    assert [(r.code, r.name) for r in ladder.regions] == [(r["code"], r["name"]) for r in _tsv("regions.tsv")]
    servers = {s["code"]: s for s in _tsv("servers.tsv")}
    assert {e.code: (e.name, e.short_name, e.game_region) for e in ladder.servers.entries} == {
        code: (s["name"], s["short_name"], s["game_region"]) for code, s in servers.items()
    }
    by_short = {s["short_name"]: code for code, s in servers.items()}
    table = {frozenset((p["region_1"], p["region_2"])): by_short[p["server"]] for p in _tsv("cross_table.tsv")}
    assert len(table) == 136 and dict(ladder.server_table) == table and ladder.servers.fallback is None
    season = [m for m in _tsv("maps.tsv") if m["season"] == "season_1"]
    assert ladder.maps.pool == [m["short_name"] for m in season]
    for m in season:
        info = ladder.maps.info[m["short_name"]]
        assert info.author == m["author"]
        assert info.links == {"AM": m["am_link"], "EU": m["eu_link"], "AS": m["as_link"]}
        assert m["name_in_replays"] in ladder.maps.replay_names[m["short_name"]]
    mod = {r["field"]: r["value"] for r in _tsv("mod.tsv") if not r["field"].endswith("handles")}
    assert ladder.mod is not None and (ladder.mod.name, ladder.mod.author) == (mod["name"], mod["author"])
    assert ladder.mod.links == {"AM": mod["am_link"], "EU": mod["eu_link"], "AS": mod["as_link"]}
    # A match's players get the map and the mod of their server's game region.
    assert ladder.map_link("Radeon", "KOR") == "battlenet:://starcraft/map/3/184703"
    assert ladder.mod_link("EUC") == mod["eu_link"]


def test_a_server_table_missing_pairs_needs_a_fallback() -> None:
    data = _starcraft()
    data["servers"]["pairs"] = data["servers"]["pairs"][1:]
    assert "servers.fallback: missing; the pairs list 135 of 136 pairs" in _error(data)
    data["servers"]["fallback"] = "MARS"
    assert "'MARS' is not a server of the list" in _error(data)


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
