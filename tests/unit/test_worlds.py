"""The family of simulated worlds (bench/worlds.py, bench/simulation.py) and the family's verdict
(bench/family.py): the worlds are what they say, lose no player, and the verdict is the issue's."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from bench import simulation
from bench.algorithms import ours
from bench.family import judge
from bench.greedy import greedy
from bench.matches import Match
from bench.pools import starcraft
from bench.worlds import HELD_OUT_SEEDS, TUNING_SEEDS, World, family, peak_rate
from workers.pairing import PairingRules, Seeker


def never(seekers: Sequence[Seeker], rules: PairingRules) -> list[Match]:
    return []


def test_tuning_and_held_out_seeds_do_not_overlap() -> None:
    assert TUNING_SEEDS and HELD_OUT_SEEDS and not set(TUNING_SEEDS) & set(HELD_OUT_SEEDS)


def test_the_family_has_every_kind_size_side_and_rating() -> None:
    worlds = family()
    assert {(w.kind, w.size) for w in worlds} >= {
        ("arrivals", 2), ("arrivals", 10), ("arrivals", 60),
        ("returning", 40), ("returning", 150), ("returning", 600), ("peak", 10),
    }  # fmt: skip
    assert {w.sides for w in worlds} == {"even", "skewed"}
    assert {w.ratings for w in worlds} == {"normal", "bimodal"}
    assert len({w.key for w in worlds}) == len(worlds)


@pytest.mark.parametrize(("sides", "shares"), [("even", (0.4, 0.4, 0.2)), ("skewed", (0.65, 0.25, 0.10))])
def test_sides_come_in_the_worlds_shares(sides: str, shares: tuple[float, float, float]) -> None:
    world = World("returning", 4000, sides)  # type: ignore[arg-type]
    players = simulation.community(world.community_size, 1, starcraft(), world)
    kinds = [frozenset(r.side for r in p.races) for p in players]
    got = (kinds.count(frozenset({"bw"})), kinds.count(frozenset({"sc2"})), kinds.count(frozenset({"bw", "sc2"})))
    for n, share in zip(got, shares, strict=True):
        assert abs(n / len(players) - share) < 0.025


def test_bimodal_ratings_have_two_clusters_and_normal_one() -> None:
    ladder = starcraft()

    def skills(ratings: str) -> list[float]:
        world = World("returning", 4000, "even", ratings)  # type: ignore[arg-type]
        return [s for p in simulation.community(world.community_size, 2, ladder, world) for s in p.skill.values()]

    def share_near(values: list[float], centre: float) -> float:
        return sum(abs(v - centre) < 150 for v in values) / len(values)

    bimodal, normal = skills("bimodal"), skills("normal")
    assert share_near(bimodal, 1500) < 0.15 and share_near(normal, 1500) > 0.3
    assert share_near(bimodal, 1150) > 0.3 and share_near(bimodal, 1850) > 0.3
    assert share_near(normal, 1150) < 0.25


def test_the_daily_peak_is_busiest_at_midday() -> None:
    day = 24 * 3600.0
    times = simulation.arrival_times(10, day, 5, peak=True)
    middle = sum(day / 4 <= t < 3 * day / 4 for t in times)
    assert middle > 3 * (len(times) - middle)
    assert abs(len(times) / (24 * 60) - 10) < 0.5  # the day's mean rate
    assert peak_rate(10, 0, day) == pytest.approx(2) and peak_rate(10, day / 2, day) == pytest.approx(18)


@pytest.mark.parametrize("name", ["ours", "greedy", "never"])
@pytest.mark.parametrize("kind", ["returning", "peak"])
def test_a_world_loses_no_player(name: str, kind: str) -> None:
    matchmaker = {"ours": ours, "greedy": greedy, "never": never}[name]
    world = World(kind, 40 if kind == "returning" else 10, "skewed", hours=1.5)  # type: ignore[arg-type]
    out = simulation.simulate_world(matchmaker, world, seed=4)
    assert out.arrived > 0
    assert out.arrived == out.matched + out.timed_out + out.still_waiting
    assert out.matched == 2 * out.matches == len(out.waits)
    if name == "never":
        assert out.matches == 0 and out.timed_out > 0


def test_a_returning_population_comes_back() -> None:
    world = World("returning", 40, "even", hours=3)
    out = simulation.simulate_world(ours, world, seed=5)
    # 40 players, three hours: most queue several times (after a game three times in four).
    assert out.arrived > 2 * 40
    assert out.dropped_arrivals == 0


def test_the_mean_wait_counts_who_gave_up_at_the_longest_wait() -> None:
    out = simulation.Outcome(matched=2, timed_out=2, waits=[10.0, 20.0])
    assert out.figures(900)["wait_mean_with_timeouts_s"] == pytest.approx((10 + 20 + 900 + 900) / 4)


def figures(matches: int = 1000, wait: float = 100.0, gap: float = 50.0, rematch: float = 0.01) -> dict[str, float]:
    return {"matches": matches, "wait_mean_with_timeouts_s": wait, "gap_mean": gap, "rematch_rate": rematch}


def test_the_verdict_allows_one_percent_and_asks_fewer_rematches() -> None:
    greedy_f = figures(rematch=0.02)
    assert judge(figures(matches=991, wait=100.9, gap=50.4), greedy_f).passes
    assert judge(figures(matches=989), greedy_f).failed() == ["matches"]
    assert judge(figures(wait=101.5), greedy_f).failed() == ["wait"]
    assert judge(figures(gap=50.6), greedy_f).failed() == ["gap"]
    assert judge(figures(rematch=0.02), greedy_f).failed() == ["rematches"]
    assert not judge(figures(gap=46), greedy_f).aspiration
    assert judge(figures(gap=45), greedy_f).aspiration and judge(figures(wait=90), greedy_f).aspiration


def test_a_verdict_within_the_seeds_spread_of_its_line_is_marked_undecided() -> None:
    def seeds(matches: list[int], gap: list[float]) -> dict[str, object]:
        per_seed = {"matches": matches, "wait_mean_with_timeouts_s": [100.0] * len(gap), "gap_mean": gap}
        return {**figures(matches=sum(matches), gap=sum(gap) / len(gap), rematch=0.0), "per_seed": per_seed}

    greedy_f = {**seeds([500, 500], [50.0, 50.0]), "rematch_rate": 0.01}
    # Matches 0.985 of the greedy's pooled, but 0.95 and 1.02 seed by seed: the seeds do not decide it.
    close = judge(seeds([475, 510], [40.0, 40.0]), greedy_f)
    assert close.failed() == ["matches"] and close.undecided == ("matches",)
    # The same shortfall on both seeds is decided; so is a gap far below the line.
    clear = judge(seeds([492, 493], [40.0, 41.0]), greedy_f)
    assert clear.failed() == ["matches"] and clear.undecided == ()
    # One seed has no spread to judge by.
    assert judge(figures(matches=989), figures(rematch=0.02)).undecided == ()


def test_the_front_keeps_only_points_no_other_beats_on_both() -> None:
    from bench.plots import _pareto

    points = [(100.0, 50.0), (90.0, 60.0), (120.0, 40.0), (110.0, 55.0), (95.0, 70.0)]
    assert _pareto(points) == [(90.0, 60.0), (100.0, 50.0), (120.0, 40.0)]


def test_the_policy_search_tunes_and_reports_on_other_seeds(tmp_path: object) -> None:
    from bench import policy
    from bench.family_report import goals

    worlds = [World("returning", 40, "even", hours=0.75)]
    tried = [
        {"window_base": 40.0, "window_growth": 60.0, "wait_weight": 2.0},
        {"window_base": 100.0, "wait_weight": 0.0},
    ]
    tuned = policy.evaluate(tried, worlds, (101,), jobs=1, greedy_front=False)
    assert [p["policy"] for p in tuned["policies"]] == tried
    assert tuned["chosen"] in tried
    best = min(tuned["policies"], key=lambda p: (-p["passes"], p["relative_to_greedy"]))
    assert tuned["chosen"] == best["policy"]
    checked = policy.held_out({"chosen": tuned["chosen"]}, worlds, (201,), jobs=1)["chosen"]
    assert set(checked["figures"][worlds[0].key]) == {"ours", "greedy", "assignment"}
    # Other seeds, other figures: the held-out check is not the tuning run again.
    assert checked["figures"][worlds[0].key]["greedy"] != tuned["greedy"][worlds[0].key]
    assert goals(None)[0].verdict == "not measured"


def test_the_report_tells_each_sections_time_and_which_were_never_timed() -> None:
    from bench.report import _section_times

    run = {"sections": ["family", "notify", "speed"], "section_seconds": {"speed": 90, "family": 270}}
    told = _section_times(run)
    assert "speed 1.5" in told and "family 4.5" in told
    assert "add up to 6 minutes" in told
    assert "not timed yet: notify" in told
    assert _section_times({"sections": ["speed"]}) == ""


def test_a_tie_on_the_tuning_seeds_is_broken_on_other_seeds() -> None:
    from bench import policy

    worlds = [World("returning", 40, "even", hours=0.75)]
    wide = {"window_base": 400.0, "window_growth": 100.0, "wait_weight": 0.0}
    close = {"window_base": 40.0, "window_growth": 20.0, "wait_weight": 0.0}
    alone = {"policies": [{"policy": wide, "passes": 1}, {"policy": close, "passes": 0}]}
    assert policy.choose(alone, worlds, (201,), jobs=1) == (wide, None)
    tied = {"policies": [{"policy": wide, "passes": 1}, {"policy": close, "passes": 1}]}
    chosen, tie = policy.choose(tied, worlds, (201,), jobs=1)
    assert tie is not None and tie["seeds"] == [201]
    assert [p["policy"] for p in tie["policies"]] == [wide, close]
    best = min(tie["policies"], key=lambda p: (-p["passes"], p["relative_to_greedy"]))
    assert chosen == best["policy"]
    # The two windows are far apart: the tie-break run tells them apart.
    assert tie["policies"][0]["relative_to_greedy"] != tie["policies"][1]["relative_to_greedy"]
