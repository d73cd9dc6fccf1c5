"""`window_neighbours` in the ladder file: where many wait, a player's window is no wider than the gap to their
k-th nearest partner on the other side plus the growth, so a far pair waits a wave; where few wait, nothing
changes; a player on last call keeps an unbounded window."""

from __future__ import annotations

import dataclasses
import random
import tomllib

import pytest

from bench.exact import eligible_pairs, exact
from bench.pools import draw_pool
from db.ladder import LADDERS_DIR, LadderConfigError, load_ladder, parse_ladder
from workers.pairing import PairingRules, RaceRating, Seeker, pair_seekers, windows_of
from workers.wave import pairing_rules

OPEN = PairingRules(sides=("bw", "sc2"), window_base=100, window_growth=30, maps=("m",))
CAPPED = dataclasses.replace(OPEN, window_neighbours=1)


def seeker(player: int, side: str, rating: float, waited: int = 0) -> Seeker:
    return Seeker(player, player, (RaceRating(f"{side}_x", side, rating),), waves_waited=waited)


# Two clusters 90-100 apart. Matching everyone takes a pair across them (gap 90); capped, each player's window
# reaches only their nearest partner, so the far pair waits a wave.
CLUSTERS = [
    seeker(1, "bw", 1400), seeker(2, "bw", 1405), seeker(3, "sc2", 1410),
    seeker(4, "bw", 1500), seeker(5, "sc2", 1495), seeker(6, "sc2", 1502),
]  # fmt: skip


def test_a_crowded_pool_holds_a_far_pair_back() -> None:
    open_pairs = pair_seekers(CLUSTERS, OPEN, random.Random(0))
    capped_pairs = pair_seekers(CLUSTERS, CAPPED, random.Random(0))
    assert len(open_pairs) == 3 and max(p.gap for p in open_pairs) >= 90
    assert len(capped_pairs) == 2 and max(p.gap for p in capped_pairs) <= 10


def test_the_cap_grows_with_the_waves_waited() -> None:
    # Player 2's nearest partner is 5 away: capped at 5 fresh, 5 + 3 x 30 = 95 after three waves.
    windows = windows_of(CLUSTERS, CAPPED)
    assert windows[1] == 5
    waited = [dataclasses.replace(s, waves_waited=3) if s.player_id == 2 else s for s in CLUSTERS]
    assert windows_of(waited, CAPPED)[1] == 95
    assert list(windows_of(CLUSTERS, OPEN)) == [100.0] * 6


def test_a_sparse_pool_is_not_capped() -> None:
    # Each has a single partner, 80 away: the nearest is the only one, and the window stays what it was.
    pool = [seeker(1, "bw", 1400), seeker(2, "sc2", 1480)]
    assert len(pair_seekers(pool, dataclasses.replace(OPEN, window_neighbours=2), random.Random(0))) == 1


def test_last_call_is_not_capped() -> None:
    last = dataclasses.replace(CAPPED, last_call_waves=5)
    on_last_call = [dataclasses.replace(s, waves_waited=5) if s.player_id == 1 else s for s in CLUSTERS]
    assert windows_of(on_last_call, last)[0] == float("inf")


@pytest.mark.parametrize("seed", range(3))
def test_the_exact_yardstick_pairs_under_the_same_cap(seed: int) -> None:
    pool = draw_pool(150, seed)
    rules = dataclasses.replace(OPEN, window_neighbours=2)
    assert len(pair_seekers(pool, rules, random.Random(0))) == len(exact(pool, rules))
    # The yardstick knows the cap: fewer pairs are eligible under it.
    assert len(eligible_pairs(pool, rules)[0]) < len(eligible_pairs(pool, OPEN)[0])


def test_the_ladder_file_sets_the_cap() -> None:
    assert load_ladder(LADDERS_DIR / "plain.toml").matchmaking.window_neighbours == 0
    data = tomllib.loads((LADDERS_DIR / "starcraft.toml").read_text())
    data["matchmaking"]["window_neighbours"] = 3
    assert pairing_rules(parse_ladder(data, "test.toml")).window_neighbours == 3
    plain = tomllib.loads((LADDERS_DIR / "plain.toml").read_text())
    plain["matchmaking"]["window_neighbours"] = 2
    with pytest.raises(LadderConfigError) as info:
        parse_ladder(plain, "test.toml")
    assert "matchmaking.window_neighbours: the cap counts partners on the other side" in str(info.value)
