"""The waiting pools every benchmark draws, and the StarCraft ladder's rules they are paired under.

A pool is drawn with a fixed seed: ratings around 1500 with a spread of 300 per race; on a ladder with sides
40% play a race of the first side only, 40% of the second side only, 20% one of each; 0-10 waves waited;
0-2 vetoes among four maps.
"""

from __future__ import annotations

import dataclasses
import random
from functools import cache

from bench import greedy
from db.ladder import LADDERS_DIR, Ladder, load_ladder
from workers.pairing import PairingRules, RaceRating, Seeker
from workers.wave import pairing_rules

BW_RACES = ("bw_terran", "bw_zerg", "bw_protoss")
SC2_RACES = ("sc2_terran", "sc2_zerg", "sc2_protoss")
VETOED_MAPS = ("Death Valley", "Khione", "Pylon", "Radeon")
RATING_MEAN = 1500.0
RATING_SPREAD = 300.0


@cache
def starcraft() -> Ladder:
    return load_ladder(LADDERS_DIR / "starcraft.toml")


def starcraft_rules() -> PairingRules:
    return pairing_rules(starcraft())


def baseline_rules() -> PairingRules:
    """The StarCraft rules with the seed community's window (100 + 50 x waves waited), which the baselines keep
    whatever window the ladder file ships: their pairs are judged eligible under it."""
    return dataclasses.replace(starcraft_rules(), window_base=greedy.WINDOW_BASE, window_growth=greedy.WINDOW_GROWTH)


def draw_pool(n: int, seed: int, sides: bool = True) -> list[Seeker]:
    rng = random.Random(seed)
    pool = []
    for k in range(n):
        kind = rng.random()
        if sides:
            races = []
            if kind < 0.6:
                races.append(RaceRating(rng.choice(BW_RACES), "bw", rng.gauss(RATING_MEAN, RATING_SPREAD)))
            if kind >= 0.4:
                races.append(RaceRating(rng.choice(SC2_RACES), "sc2", rng.gauss(RATING_MEAN, RATING_SPREAD)))
        else:
            races = [RaceRating("aoe2", None, rng.gauss(RATING_MEAN, RATING_SPREAD))]
        pool.append(
            Seeker(
                entry_id=k,
                player_id=k + 1,
                races=tuple(races),
                vetoes=frozenset(rng.sample(VETOED_MAPS, rng.randint(0, 2))),
                waves_waited=rng.randint(0, 10),
            )
        )
    return pool
