"""The ladder simulation: players arrive, waves pair them, and each matchmaker is judged by waits and gaps.

Pure Python, no servers. For each arrival rate (players a minute), six simulated hours:

- A community of `POPULATION_PER_RATE` x rate players, each with a true skill per race (around 1500, spread
  300) and a rating per race that starts near it (skill + a spread of 100) and moves after every game by the
  ladder's Elo constants (k_factor, divisor), the result drawn from the true skills. 40% play a Brood War
  race only, 40% a StarCraft II race only, 20% one of each; each has 0-4 map vetoes.
- Arrivals come as a Poisson process at the rate; each is a random player who is neither queued nor in a
  game (an arrival that finds none is dropped and counted).
- A wave every `wave_interval_s` (45 s, the ladder file) pairs the waiting players with the matchmaker under
  test; a player not matched waits one wave more. A player who has waited `max_wait_s` (900 s, the ladder
  file's longest wait) leaves unmatched before the next wave: a time-out.
- A match keeps both players away for 10-20 minutes (a game), then they may arrive again. Each remembers
  their last opponent, so a rematch (two players meeting again right after their last game) is counted.

The same engine runs every world of the family (`bench.worlds`, `simulate_world`): Poisson arrivals, a daily
peak, or a returning population (a fixed set of players who come online, queue, play, and queue again three
times in four); even or skewed sides; normal or bimodal ratings. A player who reaches `max_wait_s` gave up.

Each rate runs with several seeds (communities and arrivals; `seeds_for`) and the figures pool them.
Figures per rate and matchmaker: waits (from joining to the wave that matched them) p50 / p95 / max, and p95
counting a timed-out player's full wait; rating gap (between the two races played) mean / p95; the share of
arrivals that time out; the share of matches that are rematches. Every matchmaker sees the same arrival
times; everything else follows from its own matches.
"""

from __future__ import annotations

import heapq
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from bench.matches import Matchmaker
from bench.pools import BW_RACES, SC2_RACES, starcraft
from bench.stats import mean, percentile, rounded
from bench.worlds import BIMODAL, OFFLINE_MEAN_S, PEAK_HIGH, REQUEUE_SHARE, SIDE_SHARES, World, peak_rate
from db.ladder import Ladder
from workers.pairing import PairingRules, RaceRating, Seeker
from workers.wave import pairing_rules

RATES = (2, 10, 60)
HOURS = 6.0
POPULATION_PER_RATE = 50
GAME_S = (600.0, 1200.0)
SKILL_MEAN = 1500.0
SKILL_SPREAD = 300.0
RATING_NOISE = 100.0
# Each rate is simulated once per seed and the figures pooled, so one lucky draw decides nothing: at least
# three seeds, and more at a low rate, so that every rate pools about as many arrivals as 60 a minute for six
# hours (with three seeds, the p95 wait at 2 a minute still moved by a minute from one set of seeds to another).
FIRST_SEED = 7
ARRIVALS_PER_MIN_POOLED = 60


def seeds_for(rate_per_min: float) -> tuple[int, ...]:
    return tuple(range(FIRST_SEED, FIRST_SEED + max(3, math.ceil(ARRIVALS_PER_MIN_POOLED / rate_per_min))))


@dataclass
class Player:
    player_id: int
    races: tuple[RaceRating, ...]  # the races they queue with, the side of each
    skill: dict[str, float]
    rating: dict[str, float]
    vetoes: frozenset[str]
    last_opponent: int | None = None
    free_at: float = 0.0
    waiting: bool = False


@dataclass
class Entry:
    entry_id: int
    player: Player
    joined_at: float
    waves_waited: int = 0


@dataclass
class Outcome:
    arrived: int = 0
    dropped_arrivals: int = 0
    matched: int = 0
    timed_out: int = 0
    still_waiting: int = 0
    matches: int = 0
    rematches: int = 0
    waves: int = 0
    waits: list[float] = field(default_factory=list)
    gaps: list[float] = field(default_factory=list)

    def add(self, other: Outcome) -> None:
        for name in ("arrived", "dropped_arrivals", "matched", "timed_out", "still_waiting", "matches", "rematches"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.waves += other.waves
        self.waits += other.waits
        self.gaps += other.gaps

    def figures(self, max_wait_s: float) -> dict[str, Any]:
        all_waits = self.waits + [max_wait_s] * self.timed_out
        return {
            "arrived": self.arrived,
            "matched_players": self.matched,
            "timed_out": self.timed_out,
            "still_waiting": self.still_waiting,
            "dropped_arrivals": self.dropped_arrivals,
            "matches": self.matches,
            "wait_p50_s": rounded(percentile(self.waits, 50), 1),
            "wait_p95_s": rounded(percentile(self.waits, 95), 1),
            "wait_max_s": rounded(max(self.waits, default=math.nan), 1),
            "wait_p95_with_timeouts_s": rounded(percentile(all_waits, 95), 1),
            "wait_mean_with_timeouts_s": rounded(mean(all_waits), 1),
            "gap_mean": rounded(mean(self.gaps), 1),
            "gap_p95": rounded(percentile(self.gaps, 95), 1),
            "timeout_share": rounded(self.timed_out / self.arrived, 4) if self.arrived else None,
            "rematch_rate": rounded(self.rematches / self.matches, 4) if self.matches else None,
        }


def community(size: int, seed: int, ladder: Ladder, world: World | None = None) -> list[Player]:
    """The world's players: sides in its shares, true skills from its rating clusters (the benchmark's own
    community when no world is given)."""
    shares = SIDE_SHARES[world.sides if world else "even"]
    bimodal = world is not None and world.ratings == "bimodal"
    rng = random.Random(seed)
    players = []
    for k in range(size):
        kind = rng.random()
        races = []
        if kind < shares[0] + shares[2]:
            races.append(rng.choice(BW_RACES))
        if kind >= shares[0]:
            races.append(rng.choice(SC2_RACES))
        if bimodal:
            centre, spread = BIMODAL[rng.random() < 0.5]
            skill = {r: rng.gauss(centre, spread) for r in races}
        else:
            skill = {r: rng.gauss(SKILL_MEAN, SKILL_SPREAD) for r in races}
        players.append(
            Player(
                player_id=k + 1,
                races=tuple(RaceRating(r, ladder.race_by_code[r].side, 0.0) for r in races),
                skill=skill,
                rating={r: s + rng.gauss(0, RATING_NOISE) for r, s in skill.items()},
                vetoes=frozenset(rng.sample(ladder.maps.pool, rng.randint(0, ladder.maps.vetoes))),
            )
        )
    return players


def arrival_times(rate_per_min: float, seconds: float, seed: int, peak: bool = False) -> list[float]:
    """A Poisson process at the rate; with `peak`, its rate follows the day's curve (`peak_rate`, by thinning
    a process at the highest rate)."""
    rng = random.Random(seed)
    top = rate_per_min * PEAK_HIGH if peak else rate_per_min
    times: list[float] = []
    t = 0.0
    while True:
        t += rng.expovariate(top / 60)
        if t >= seconds:
            return times
        if peak and rng.random() * top > peak_rate(rate_per_min, t, seconds):
            continue
        times.append(t)


def simulate(
    matchmaker: Matchmaker,
    rate_per_min: float,
    hours: float = HOURS,
    seed: int = 1,
    ladder: Ladder | None = None,
    rules: PairingRules | None = None,
) -> Outcome:
    """The benchmark's own world: Poisson arrivals at the rate, even sides, normal ratings."""
    return simulate_world(matchmaker, World("arrivals", rate_per_min, hours=hours), seed, ladder, rules)


def simulate_world(
    matchmaker: Matchmaker,
    world: World,
    seed: int = 1,
    ladder: Ladder | None = None,
    rules: PairingRules | None = None,
) -> Outcome:
    ladder = ladder or starcraft()
    rules = rules or pairing_rules(ladder)
    interval = ladder.matchmaking.wave_interval_s
    max_wait = ladder.matchmaking.max_wait_s
    seconds = world.hours * 3600
    default = world == World("arrivals", world.size, hours=world.hours)
    players = (
        community(world.community_size, seed, ladder)
        if default
        else community(world.community_size, seed, ladder, world)
    )
    joins: _Joins = (
        _Returning(players, random.Random(seed + 1))
        if world.kind == "returning"
        else _Arrivals(
            players, arrival_times(world.size, seconds, seed + 1, world.kind == "peak"), random.Random(seed + 2)
        )
    )
    games = random.Random(seed + 3)
    out = Outcome()
    queue: list[Entry] = []
    entry_ids = iter(range(1, 10**9))
    t = 0.0
    while t + interval <= seconds:
        t += interval
        queue = _expire(queue, t, max_wait, out, joins)
        for at, player in joins.due(t, out):
            player.waiting = True
            queue.append(Entry(next(entry_ids), player, at))
        queue = _wave(matchmaker, rules, ladder, queue, t, games, out, world, joins)
    out.still_waiting = len(queue)
    return out


class _Joins(Protocol):
    def due(self, until: float, out: Outcome) -> list[tuple[float, Player]]: ...

    def after_game(self, player: Player, ends: float) -> None: ...

    def after_timeout(self, player: Player, at: float) -> None: ...


class _Arrivals:
    """Arrival times drawn beforehand; each a random idle member of the community (none idle: dropped)."""

    def __init__(self, players: list[Player], times: list[float], pick: random.Random) -> None:
        self.players, self.times, self.pick, self.next = players, times, pick, 0

    def due(self, until: float, out: Outcome) -> list[tuple[float, Player]]:
        found = []
        while self.next < len(self.times) and self.times[self.next] <= until:
            at = self.times[self.next]
            self.next += 1
            idle = [p for p in self.players if not p.waiting and p.free_at <= at]
            if not idle:
                out.dropped_arrivals += 1
                continue
            player = self.pick.choice(idle)
            player.waiting = True  # not picked twice in one wave
            out.arrived += 1
            found.append((at, player))
        return found

    def after_game(self, player: Player, ends: float) -> None:
        return None

    def after_timeout(self, player: Player, at: float) -> None:
        return None


class _Returning:
    """A fixed population: each comes online after an offline spell, and after a game queues again three
    times in four (else goes offline); after giving up, goes offline."""

    def __init__(self, players: list[Player], rng: random.Random) -> None:
        self.rng = rng
        self.heap = [(rng.expovariate(1 / OFFLINE_MEAN_S), p.player_id) for p in players]
        heapq.heapify(self.heap)
        self.by_id = {p.player_id: p for p in players}

    def due(self, until: float, out: Outcome) -> list[tuple[float, Player]]:
        found = []
        while self.heap and self.heap[0][0] <= until:
            at, pid = heapq.heappop(self.heap)
            out.arrived += 1
            found.append((at, self.by_id[pid]))
        return found

    def after_game(self, player: Player, ends: float) -> None:
        back = ends if self.rng.random() < REQUEUE_SHARE else ends + self.rng.expovariate(1 / OFFLINE_MEAN_S)
        heapq.heappush(self.heap, (back, player.player_id))

    def after_timeout(self, player: Player, at: float) -> None:
        heapq.heappush(self.heap, (at + self.rng.expovariate(1 / OFFLINE_MEAN_S), player.player_id))


def _expire(queue: list[Entry], now: float, max_wait: float, out: Outcome, joins: _Joins) -> list[Entry]:
    """Entries that reached the longest wait leave before the wave (at joined_at + max_wait): they gave up."""
    kept = []
    for e in queue:
        if now - e.joined_at > max_wait:
            out.timed_out += 1
            e.player.waiting = False
            e.player.free_at = e.joined_at + max_wait
            joins.after_timeout(e.player, e.joined_at + max_wait)
        else:
            kept.append(e)
    return kept


def _wave(
    matchmaker: Matchmaker,
    rules: PairingRules,
    ladder: Ladder,
    queue: list[Entry],
    now: float,
    games: random.Random,
    out: Outcome,
    world: World,
    joins: _Joins,
) -> list[Entry]:
    out.waves += 1
    by_entry = {e.entry_id: e for e in queue}
    seekers = [_seeker(e) for e in queue]
    matches = matchmaker(seekers, rules)
    matched: set[int] = set()
    for m in matches:
        a, b = by_entry[m.a.entry_id], by_entry[m.b.entry_id]
        out.matches += 1
        out.rematches += m.rematch
        out.gaps.append(m.gap)
        for e in (a, b):
            out.matched += 1
            out.waits.append(now - e.joined_at)
            matched.add(e.entry_id)
        ends = _play(a.player, m.a_race.race, b.player, m.b_race.race, now, games, ladder, world.game_s)
        joins.after_game(a.player, ends)
        joins.after_game(b.player, ends)
    kept = [e for e in queue if e.entry_id not in matched]
    for e in kept:
        e.waves_waited += 1
    return kept


def _seeker(e: Entry) -> Seeker:
    p = e.player
    return Seeker(
        entry_id=e.entry_id,
        player_id=p.player_id,
        races=tuple(RaceRating(r.race, r.side, p.rating[r.race]) for r in p.races),
        vetoes=p.vetoes,
        waves_waited=e.waves_waited,
        last_opponent_id=p.last_opponent,
    )


def _play(
    a: Player,
    race_a: str,
    b: Player,
    race_b: str,
    now: float,
    games: random.Random,
    ladder: Ladder,
    game_s: tuple[float, float] = GAME_S,
) -> float:
    """The game: a result drawn from the true skills, Elo on the ratings, both away until it ends (returned)."""
    divisor, k = ladder.rating.divisor, ladder.rating.k_factor
    a_wins = games.random() < 1 / (1 + 10 ** ((b.skill[race_b] - a.skill[race_a]) / divisor))
    expected_a = 1 / (1 + 10 ** ((b.rating[race_b] - a.rating[race_a]) / divisor))
    delta = k * ((1.0 if a_wins else 0.0) - expected_a)
    a.rating[race_a] += delta
    b.rating[race_b] -= delta
    ends = now + games.uniform(*game_s)
    for p, other in ((a, b), (b, a)):
        p.waiting = False
        p.last_opponent = other.player_id
        p.free_at = ends
    return ends


def measure(
    matchmakers: dict[str, Matchmaker],
    rates: Sequence[float] = RATES,
    hours: float = HOURS,
    seeds: Sequence[int] | None = None,
) -> dict[str, Any]:
    """Figures per rate and matchmaker, and the raw waits and gaps for the plots."""
    ladder = starcraft()
    figures: dict[str, dict[str, Any]] = {}
    samples: dict[str, dict[str, dict[str, list[float]]]] = {}
    for rate in rates:
        key = f"{rate:g}"
        figures[key], samples[key] = {}, {}
        for name, matchmaker in matchmakers.items():
            out = Outcome()
            for seed in seeds or seeds_for(rate):
                out.add(simulate(matchmaker, rate, hours, seed=seed, ladder=ladder))
            figures[key][name] = out.figures(ladder.matchmaking.max_wait_s)
            samples[key][name] = {"waits": out.waits, "gaps": out.gaps}
            f = figures[key][name]
            print(
                f"  simulation {key:>3}/min {name:>10}: wait p95 {f['wait_p95_s']} s, gap mean {f['gap_mean']}, "
                f"timeouts {f['timeout_share']}, rematches {f['rematch_rate']}",
                flush=True,
            )
    return {
        "rates_per_min": [f"{r:g}" for r in rates],
        "hours": hours,
        "seeds": {f"{r:g}": list(seeds or seeds_for(r)) for r in rates},
        "wave_interval_s": ladder.matchmaking.wave_interval_s,
        "max_wait_s": ladder.matchmaking.max_wait_s,
        "population_per_rate": POPULATION_PER_RATE,
        "by_rate": figures,
        "samples": samples,
    }
