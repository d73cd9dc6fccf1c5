"""A replay against its match: each check that needs the match, and who won, by race or by a known handle."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from db.ladder import LADDERS_DIR, load_ladder
from workers.replays.facts import ReplayFacts, ReplayPlayer
from workers.replays.verdict import MatchFacts, MatchSide, game_name, judge

STARCRAFT = load_ladder(LADDERS_DIR / "starcraft.toml")
PLAIN = load_ladder(LADDERS_DIR / "plain.toml")
FOUND = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
UPLOADED = FOUND + timedelta(minutes=40)


def _replay(a: tuple[str, str | None], b: tuple[str, str | None], **more: object) -> ReplayFacts:
    players = (
        ReplayPlayer("Kim", a[0], a[1], True, "kr", "3-S2-1-111"),
        ReplayPlayer("Ivan", b[0], b[1], True, "eu", "2-S2-1-222"),
    )
    facts = ReplayFacts(readable=True, players=players, map="[SC:Evo] Radeon (라데온)",
                        ended_at=FOUND + timedelta(minutes=25), lobby={"Game Speed": "Faster"})  # fmt: skip
    return replace(facts, **more)  # type: ignore[arg-type]


MATCH = MatchFacts("Radeon", FOUND, (MatchSide("sc2_terran"), MatchSide("bw_zerg")))


def _codes(facts: ReplayFacts, match: MatchFacts = MATCH) -> list[str]:
    return [p.code for p in judge(facts, match, STARCRAFT, UPLOADED).problems]


def test_the_races_tell_the_players_apart_and_the_winner_settles_it() -> None:
    # Player 1 played SC2 Terran (a Korean client writes 테란) and lost; player 2's BW Zerg won.
    verdict = judge(_replay(("스1 저그", "win"), ("테란", "loss")), MATCH, STARCRAFT, UPLOADED)
    assert verdict.verified and verdict.result == "player2"
    assert verdict.handles == {1: "2-S2-1-222", 2: "3-S2-1-111"}
    assert judge(_replay(("Terran", "win"), ("BW Zerg", "loss")), MATCH, STARCRAFT, UPLOADED).result == "player1"


def test_each_check_against_the_match() -> None:
    assert _codes(_replay(("Terran", "win"), ("BW Zerg", "loss"), map="Khione SEL")) == ["wrong_map"]
    assert _codes(_replay(("Terran", "win"), ("BW Protoss", "loss"))) == ["wrong_races"]
    early = FOUND - timedelta(hours=2)
    assert _codes(_replay(("Terran", "win"), ("BW Zerg", "loss"), ended_at=early)) == ["played_before_match"]
    late = UPLOADED + timedelta(hours=1)
    assert _codes(_replay(("Terran", "win"), ("BW Zerg", "loss"), ended_at=late)) == ["ended_after_upload"]
    slow = _replay(("Terran", "win"), ("BW Zerg", "loss"), lobby={"Game Speed": "Normal"})
    assert _codes(slow) == ["lobby_setting"]
    failed = judge(slow, MATCH, STARCRAFT, UPLOADED)
    assert failed.result is None and not failed.verified


def test_no_winner_settles_nothing() -> None:
    verdict = judge(_replay(("Terran", None), ("BW Zerg", None)), MATCH, STARCRAFT, UPLOADED)
    assert not verdict.verified and [p.code for p in verdict.problems] == ["no_winner"]


def test_the_same_race_on_both_sides_needs_a_known_handle() -> None:
    race = PLAIN.races[0]
    facts = _replay((race.name, "win"), (race.name, "loss"), map="Arabia", lobby={})
    unknown = MatchFacts(None, FOUND, (MatchSide(race.code), MatchSide(race.code)))
    verdict = judge(facts, unknown, PLAIN, UPLOADED)
    assert verdict.result is None and [p.code for p in verdict.problems] == ["players_not_told_apart"]
    known = MatchFacts(None, FOUND, (MatchSide(race.code), MatchSide(race.code, frozenset({"3-S2-1-111"}))))
    assert judge(facts, known, PLAIN, UPLOADED).result == "player2"  # Kim, known as player 2, won


def test_an_unreadable_file_says_why() -> None:
    verdict = judge(ReplayFacts(readable=False), MATCH, STARCRAFT, UPLOADED)
    assert verdict.result is None and not verdict.verified


def test_a_one_player_lobby_is_no_match_and_every_problem_carries_what_the_bot_words() -> None:
    alone = _replay(("Terran", "win"), ("BW Zerg", "loss"))
    alone = replace(alone, players=alone.players[:1])
    assert _codes(alone) == ["not_one_v_one", "players_unknown"]
    assert judge(alone, MATCH, STARCRAFT, UPLOADED).problems[0].params == {"count": 1}
    elsewhere = judge(_replay(("Terran", "win"), ("BW Zerg", "loss"), map="Khione SEL"), MATCH, STARCRAFT, UPLOADED)
    assert elsewhere.problems[0].params == {"played": "Khione", "wanted": "Radeon"}


def test_players_who_set_in_game_names_must_have_played_under_them() -> None:
    won = _replay(("Terran", "win"), ("BW Zerg", "loss"))  # Ivan's BW Zerg lost to Kim's Terran
    named = MatchFacts("Radeon", FOUND, (MatchSide("sc2_terran", names=frozenset({game_name("[KR] KIM")})),
                                         MatchSide("bw_zerg", names=frozenset({"ivan", "ivanalt"}),
                                                   names_shown=("Ivan", "IvanAlt"))))  # fmt: skip
    assert judge(won, named, STARCRAFT, UPLOADED).result == "player1"
    # A friend with the right race played in Ivan's place: nothing is settled, and the problem says who played.
    friend = replace(won, players=(won.players[0], replace(won.players[1], name="Friend", handle="2-S2-1-999")))
    verdict = judge(friend, named, STARCRAFT, UPLOADED)
    assert verdict.result is None and [p.code for p in verdict.problems] == ["not_the_players"]
    assert verdict.problems[0].params == {"name": "Friend", "known": "Ivan, IvanAlt"}  # as Ivan typed them
    # A handle Ivan's verified replays showed stands for him under any name; a side without names is not checked.
    known = MatchFacts(
        "Radeon", FOUND, (named.sides[0], MatchSide("bw_zerg", frozenset({"2-S2-1-999"}), named.sides[1].names))
    )
    assert judge(friend, known, STARCRAFT, UPLOADED).result == "player1"
    assert judge(friend, MATCH, STARCRAFT, UPLOADED).result == "player1"


def test_in_game_names_tell_the_same_race_apart() -> None:
    race = PLAIN.races[0]
    facts = _replay((race.name, "win"), (race.name, "loss"), map="Arabia", lobby={})
    by_name = MatchFacts(None, FOUND, (MatchSide(race.code, names=frozenset({"ivan"})),
                                       MatchSide(race.code, names=frozenset({"kim"}))))  # fmt: skip
    assert judge(facts, by_name, PLAIN, UPLOADED).result == "player2"  # Kim, player 2, won


def test_names_are_compared_as_the_game_shows_them() -> None:
    full_width = "\uff2b\uff49\uff4d"  # Kim in full-width letters, as an East Asian keyboard may type it
    assert game_name(f"[KR] {full_width} ") == game_name("<KR>kim") == "kim"  # a clan tag, the letters, case
    assert game_name("") == "" and game_name("   ") == "" and game_name("[") == "["  # nothing to read is no crash
    nameless = replace(_replay(("Terran", "win"), ("BW Zerg", "loss")), players=(
        replace(_replay(("Terran", "win"), ("BW Zerg", "loss")).players[0], name=""),
        _replay(("Terran", "win"), ("BW Zerg", "loss")).players[1]))  # fmt: skip
    named = MatchFacts("Radeon", FOUND, (MatchSide("sc2_terran", names=frozenset({"kim"})), MatchSide("bw_zerg")))
    assert _codes(nameless, named) == ["not_the_players"]
