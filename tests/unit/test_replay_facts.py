"""Reading real replays: what each one says, as its README tells; the checks that need no match; and bad files,
each a clear reason and never an exception."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from db.ladder import LADDERS_DIR, load_ladder
from db.settings import PROJECT_DIR
from workers.replays.checks import ladder_map, problems, race_code
from workers.replays.facts import ReplayFacts, ReplayPlayer, read_replay

REPLAYS = Path(__file__).resolve().parent.parent / "fixtures" / "replays"
LADDER = load_ladder(LADDERS_DIR / "starcraft.toml")
LOTV = (REPLAYS / "lotv_lotv1.SC2Replay").read_bytes()


def _read(name: str) -> ReplayFacts:
    return read_replay((REPLAYS / name).read_bytes())


def _codes(facts: ReplayFacts) -> set[str]:
    return {p.code for p in problems(facts)}


def test_a_ladder_1v1() -> None:
    facts = _read("lotv_lotv1.SC2Replay")
    assert facts.readable and facts.one_v_one and facts.category == "Ladder"
    assert [(p.name, p.race, p.result, p.human) for p in facts.players] == [
        ("Zenchii", "Terran", "loss", True),
        ("Benkei", "Zerg", "win", True),
    ]
    assert facts.map == "Orbital Shipyard" and facts.observers == 0
    assert facts.ended_at == datetime(2015, 9, 12, 20, 37, 55, tzinfo=UTC)
    assert 16 * 60 <= (facts.game_length_s or 0) < 17 * 60
    assert _codes(facts) == set()


def test_a_non_ascii_name_and_its_region() -> None:
    facts = _read("3.14.0.54518_1.SC2Replay")
    assert [p.name for p in facts.players] == ["Eäril", "Kogoro"]
    assert {p.region for p in facts.players} == {"eu"} and facts.map == "Odyssey LE"
    assert facts.one_v_one and _codes(facts) == set()


def test_observers_make_it_no_ladder_game() -> None:
    facts = _read("3.16_AbyssalReef.SC2Replay")
    assert facts.observers == 5 and not facts.one_v_one and facts.category == "Private"
    assert _codes(facts) == {"observers"}


def test_a_game_against_the_computer() -> None:
    facts = _read("4.4.0.65895_1.SC2Replay")
    assert [(p.name, p.human) for p in facts.players] == [("Gemini", True), ("A.I. 1 (Very Easy)", False)]
    assert not facts.one_v_one and _codes(facts) == {"ai_player"}


def test_a_co_op_game_is_not_a_1v1() -> None:
    facts = _read("4.11.0.77379_Oblivion_Express.SC2Replay")
    assert len(facts.humans) == 2 and len(facts.players) > 2 and not facts.one_v_one
    assert {"ai_player", "not_one_v_one"} <= _codes(facts)


def test_the_ladder_reads_races_and_maps_as_replays_write_them() -> None:
    assert race_code(LADDER, "스1 테란") == "bw_terran" and race_code(LADDER, "Терраны") == "sc2_terran"
    assert race_code(LADDER, "terran") == "sc2_terran" and race_code(LADDER, "Amon's Forces") is None
    assert ladder_map(LADDER, "[SC:Evo] Radeon (라데온)") == "Radeon" and ladder_map(LADDER, "Odyssey LE") is None


def test_the_checks_against_the_ladder() -> None:
    def side(name: str, race: str, result: str | None) -> ReplayPlayer:
        return ReplayPlayer(name, race, result, True, "kr", f"3-S2-1-{len(name)}")

    good = ReplayFacts(readable=True, players=(side("a", "스1 저그", "win"), side("b", "Protoss", "loss")),
                       map="Khione SEL", lobby={"Game Speed": "Faster"})  # fmt: skip
    assert problems(good, LADDER) == []
    odd = ReplayFacts(readable=True, players=(side("a", "Zergling", "win"), side("b", "Protoss", None)),
                      map="Odyssey LE", lobby={"Game Speed": "Normal"})  # fmt: skip
    assert {p.code for p in problems(odd, LADDER)} == {"unknown_race", "unknown_map", "lobby_setting"}
    undecided = ReplayFacts(readable=True, players=(side("a", "Zerg", None), side("b", "Zerg", None)))
    assert "no_winner" in {p.code for p in problems(undecided)}


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "empty"),
        (b"hello, this is not a replay", "not_a_replay"),
        ((REPLAYS / "LICENSE-sc2reader.txt").read_bytes(), "not_a_replay"),
        (LOTV[: len(LOTV) // 2], "unreadable"),
        (LOTV[:100], "unreadable"),
        (b"MPQ\x1a" + bytes(4000), "unreadable"),
    ],
)
def test_a_bad_file_is_unreadable_with_a_reason(data: bytes, code: str) -> None:
    facts = read_replay(data)
    assert not facts.readable and facts.error is not None and facts.error.code == code
    assert problems(facts) == []


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, len(LOTV) - 1), st.integers(0, 255)), min_size=1, max_size=30))
def test_an_altered_replay_never_raises(changes: list[tuple[int, int]]) -> None:
    data = bytearray(LOTV)
    for at, value in changes:
        data[at] = value
    facts = read_replay(bytes(data))
    assert facts.readable or facts.error is not None


def test_the_command_prints_one_object_per_file_and_says_if_any_was_unreadable(tmp_path: Path) -> None:
    broken = tmp_path / "broken.SC2Replay"
    broken.write_bytes(LOTV[:500])

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "workers.replays", *args], cwd=PROJECT_DIR,
                              capture_output=True, text=True, timeout=120)  # fmt: skip

    replays = sorted(str(p) for p in REPLAYS.glob("*.SC2Replay"))
    done = run(*replays, "--ladder", str(LADDERS_DIR / "starcraft.toml"))
    assert done.returncode == 0 and "Traceback" not in done.stderr
    printed = [json.loads(line) for line in done.stdout.splitlines()]
    assert [p["file"] for p in printed] == replays
    lotv = next(p for p in printed if p["file"].endswith("lotv_lotv1.SC2Replay"))
    assert lotv["one_v_one"] is True and lotv["ended_at"] == "2015-09-12T20:37:55+00:00"
    assert [(p["race"], p["race_code"], p["result"]) for p in lotv["players"]] == [
        ("Terran", "sc2_terran", "loss"),
        ("Zerg", "sc2_zerg", "win"),
    ]
    assert lotv["ladder_map"] is None and [p["code"] for p in lotv["problems"]] == ["unknown_map"]
    failed = run(replays[0], str(broken), str(tmp_path / "missing.SC2Replay"))
    assert failed.returncode == 1 and "Traceback" not in failed.stderr
    errors = [json.loads(line)["error"] for line in failed.stdout.splitlines()]
    assert errors[0] is None and errors[1]["code"] == "unreadable" and errors[2]["code"] == "no_file"
