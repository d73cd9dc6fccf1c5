# ruff: noqa: RUF001
"""The family's section of docs/BENCHMARKS.md: every world, every metric, ours against both baselines on the
held-out seeds, the verdict per world, and the fronts of wait against gap from the policy search."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bench.family import JUDGED, judge, ratio_spread
from bench.goals import Goal
from db.settings import PROJECT_DIR

POLICY_RESULTS = PROJECT_DIR / "bench" / "results" / "policy.json"
# One world per kind for the plot of the fronts, then worlds at both ends of the window (the largest even one,
# the smallest of each side); `front_worlds` adds every world lost on the held-out seeds.
FRONT_WORLDS = ["arrivals-10-even-normal", "returning-150-skewed-normal", "peak-10-even-normal",
                "arrivals-60-even-normal", "returning-40-even-normal", "returning-40-skewed-normal"]  # fmt: skip
TARGET = "≥ greedy −1% matches; ≤ greedy +1% mean wait (gave up = max wait) and mean gap; fewer rematches"


def front_worlds(family: dict[str, Any]) -> list[str]:
    """The worlds whose fronts are drawn: `FRONT_WORLDS` and every world the shipped policy loses held-out."""
    lost = [key for key, w in family["worlds"].items() if not w["verdict"]["passes"]]
    return FRONT_WORLDS + [key for key in lost if key not in FRONT_WORLDS]


def goals(family: dict[str, Any] | None) -> list[Goal]:
    if not family:
        return [Goal("family of worlds vs greedy", TARGET, "—", "not measured")]
    out = []
    for w in family["worlds"].values():
        ours, greedy = w["figures"]["ours"], w["figures"]["greedy"]
        measured = (
            f"matches {ours['matches']:,} vs {greedy['matches']:,}; wait {ours['wait_mean_with_timeouts_s']:g} vs "
            f"{greedy['wait_mean_with_timeouts_s']:g} s; gap {ours['gap_mean']:g} vs {greedy['gap_mean']:g}; "
            f"rematches {_pct(ours['rematch_rate'])} vs {_pct(greedy['rematch_rate'])}"
        )
        out.append(Goal(f"family: {w['world']}", TARGET, measured, _verdict(w["verdict"])))
    return out


def section(family: dict[str, Any] | None, images: dict[str, str]) -> list[str]:
    if not family:
        return ["## The family of worlds\n", "Not run.\n"]
    rows = []
    for w in family["worlds"].values():
        for name, f in w["figures"].items():
            verdict = ""
            if name == "ours":
                verdict = _verdict(w["verdict"], bold=True)
            rows.append(
                [
                    w["world"] if name == "ours" else "",
                    name,
                    f"{f['matches']:,}",
                    _n(f["wait_p50_s"]),
                    _n(f["wait_p95_s"]),
                    _n(f["wait_mean_with_timeouts_s"]),
                    _pct(f["timeout_share"]),
                    _n(f["gap_mean"], 1),
                    _n(f["gap_p95"]),
                    _pct(f["rematch_rate"]),
                    verdict,
                ]
            )
    header = ["world", "matchmaker", "matches", "wait p50 s", "wait p95 s", "mean wait incl. gave up s", "gave up",
              "gap mean", "gap p95", "rematches", "verdict (ours vs greedy)"]  # fmt: skip
    p = family["policy"]
    out = [
        "## The family of worlds\n",
        f"Ours (window {p['window_base']:g} + {p['window_growth']:g} × waves waited{_cap(p)}, weights (wait, gap, "
        f"rematch) {p['wait_weight']:g} / {p['gap_weight']:g} / {p['rematch_penalty']:g}) against both baselines in "
        f"every world of `bench/worlds.py`, on the held-out seeds {_seeds(family['seeds'])} (the policy was searched "
        "on others, `python -m bench.policy`; see below for how it was chosen), pooled. *Mean wait incl. gave up* "
        "counts a player who gave up as having waited "
        "the whole `max_wait_s`; *gave up* is a share of those who queued; *rematches* a share of matches (the same "
        "opponent as the previous match). The verdict is the issue's: ours no worse than the greedy within 1% on "
        "matches, on the mean wait incl. gave up and on the mean gap, and fewer rematches. A measure is marked "
        "*within the seeds' spread* where its ratio to the greedy's lies within two standard errors (of the "
        "seeds' ratios, seed by seed) of the 1% line: more seeds could turn its verdict either way. "
        f"**{family['passed']} of {family['of']} worlds pass.**\n",
        _table(header, rows),
    ]
    out += _fronts(images)
    out += _why(family)
    return out


def _why(family: dict[str, Any]) -> list[str]:
    """What the search found, and the worlds the shipped policy still loses, each with what it fails on."""
    return [
        "### Why some worlds were lost, and what is left\n",
        SEEDS,
        SKEWED,
        WINDOW,
        TRIED,
        _lost(family),
    ]


def _fronts(images: dict[str, str]) -> list[str]:
    if not POLICY_RESULTS.exists():
        return []
    policy = json.loads(POLICY_RESULTS.read_text())
    tuning, held = policy["tuning"], policy["held_out"]
    rows = [
        [
            name,
            _policy(h["policy"]),
            f"{h['passes']} of {len(tuning['worlds'])}",
            "; ".join(f"{tuning['worlds'][k]}: {', '.join(v)}" for k, v in h["failed"].items()) or "—",
        ]
        for name, h in _held_out_rows(held)
    ]
    reach = []
    for key, name in tuning["worlds"].items():
        greedy = tuning["greedy"][key]
        winners = sum(judge(p["worlds"][key], greedy).passes for p in tuning["policies"])
        reach.append(f"{name}: {winners}")
    return [
        "### Choosing the policy, and the trade-off\n",
        f"`python -m bench.policy` tried {len(tuning['policies'])} policies on the tuning seeds "
        f"{_seeds(tuning['seeds'])}, {_tie_break(policy.get('tie_break'))} and checked the choice on the held-out "
        f"seeds {_seeds(held['seeds'])}; `bench/results/policy.json` holds every figure.\n",
        _table(["policy", "window, weights (wait/gap/rematch)", "worlds passed (held-out)", "failed"], rows),
        "The fronts (tuning seeds): each point a policy, mean wait counting who gave up against mean gap; lower "
        "is better on both. Ours is every policy tried, the greedy is its own matchmaker with its window varied. "
        "In the even worlds every policy tried lies below and to the left of the greedy's front, at 60 a minute "
        "and at 40 back too: shorter waits and closer games at once. In the skewed worlds the shipped policy lies "
        "below and to the left of the greedy's own point at 10 a minute and 600 back (the two it loses held-out, "
        "on gap, within the seeds' spread). In the small returning worlds with a scarce side the greedy with "
        "another window lies ahead of every policy of ours tried: at 40 back 200 + 50 (wait 224 s against the "
        "shipped policy's 241, gap 124 against 123), at 150 back 100 + 25 (gap 39.9 against 43.7 at about the "
        "same wait). Those worlds reward a window of their own, wider at 40 and slower at 150, and the shipped "
        "policy keeps the window the even worlds need; a community with such a ladder can set its own "
        "(docs/LADDER.md).\n",
        f"![fronts]({images['fronts']})\n" if "fronts" in images else "",
        "How many of the policies tried pass in each world on the tuning seeds (a world where none does is out "
        "of reach of this family of policies, whatever the choice): " + "; ".join(reach) + ".\n",
        "A community moves along the front with the ladder file's `[matchmaking]` (docs/LADDER.md): a wider "
        "`window_base` and `window_growth` buy shorter waits with wider gaps; a `wait_weight` of a few thousandths "
        "breaks ties for the longest waiter, a larger one serves the oldest waiter over a closer partner, which "
        "shortens the longest waits but, where one side is scarce, lengthens the mean wait and widens gaps; "
        '`gap_weight` the other way; `algorithm = "greedy"` is the greedy\'s own point.\n',
    ]


# What the searches of issue #18 found (figures from `python -m bench.policy`, `python -m bench.scarce_side` and the
# tuning runs named; the held-out ones above are measured again by every run).
SEEDS = (
    "**Neither three seeds nor ten could judge a 1% line.** A world's ratio to the greedy moves by 1–4% from one "
    "seed to the next, mostly in the skewed and the small worlds, where a few hundred matches per seed decide "
    "it. With three seeds per side the searches' verdicts turned either way between the tuning and the "
    "held-out runs (a policy passing 11 worlds on the tuning seeds passed 6 held-out). With ten, every verdict "
    "lost held-out lay within two standard errors of its line, and a tie-break too small to matter (worth a gap "
    "of 1–4 points, for players in their last waves) moved a policy's count on the tuning seeds between 13 and "
    "16 worlds, in no order of its settings. The family now runs forty seeds in each of three sets: the search "
    "tunes on the first, breaks a tie on the second, and reports on the third. It keeps each judged measure "
    "seed by seed and marks a measure whose ratio lies within two standard errors of the seeds' ratios of its 1% "
    "line as *within the seeds' spread*.\n"
)
SKEWED = (
    "**Skewed worlds played fewer matches** with no reward for waiting (1.5–3.4% fewer than the greedy, three "
    "seeds). Where one side is scarce, nearly every player of it is matched in the wave they come, by ours and "
    "by the greedy alike, so a world's matches are about that side's arrivals; and in the *arrivals* worlds each "
    "arrival is a random member of the community who is neither queued nor playing. Among the crowded side's "
    "many close candidates, the greedy's reward for waiting (20 points² a wave, small beside any gap) serves the "
    "longest waiter first, so the crowded side stays queued longer, fewer of it are idle, and more of those who "
    "come are of the scarce side. At 60 a minute, skewed, on seeds 101–103 (`python -m bench.scarce_side`): the "
    "greedy kept 417 of the crowded side queued a wave, ours 340; 8,215 of the scarce side (or of both) came "
    "against 7,921, and each played one match per scarce arrival. A wait weight of a few thousandths is the same "
    "tie-break: 0.003 kept 402 queued and played 8,100 matches, 0.01 413 and 8,253. Larger weights (0.5 or more) "
    "serve the oldest waiter over a close one: 1.3–3.7 times the greedy's gaps in every skewed world. On the forty "
    "tuning seeds 0.006 did best with the window below (14 worlds; 0.003 and 0.01 passed 12). A waiting "
    "reward that grows with the waves as the greedy's does (0.002 × waves instead of the square root) played more "
    "matches than the greedy at 60 a minute skewed (1.007) but widened the skewed worlds' gaps by 1.4–4.4% "
    "(13 worlds, ten tuning seeds): not kept.\n"
)
WINDOW = (
    "**Even worlds: the greedy's own growth, capped.** Matching the most players each wave pairs far-apart "
    "players whom the greedy (closest pairs first) leaves a wave for a closer partner: at 60 a minute an uncapped"
    " window of 75–100 waited 19–28% less than the greedy and widened the gap 6–35% (three seeds), and a narrow "
    "one lengthened the small ladders' waits, whose players mostly meet in their first waves. `window_neighbours "
    "= 2` caps each player's window at the gap to their second-nearest partner on the other side plus the growth:"
    " a far pair waits a wave while closer partners wait, and where few wait nothing changes. With the cap the "
    "window can grow as fast as the greedy's, and its growth is the trade-off itself (forty tuning seeds): "
    "100 + 40 waited longer than the greedy at 2 a minute even and 40 back even (1.051 and 1.024 of its mean "
    "wait, with gaps 0.88 and 0.85 of its); 100 + 60 widened the gap in six even worlds (2 a minute: 1.021, "
    "60 a minute: 1.025); 100 + 50 passed every even world (2 a minute: wait 0.993, gap 0.962; 60 a minute: "
    "0.834 and 0.972).\n"
)
TRIED = (
    "**Tried and not kept.** The greedy's choice of who plays each wave, paired again for the greatest weight (its "
    "matches and waits by construction, narrower gaps hoped for): its mean gaps came to 0.93–1.05 of the greedy's and"
    " it passed 7 worlds (ten tuning seeds), so the greedy's own swap passes leave little to gain among its players. "
    "A rematch penalty of 0.05 instead of 0.2: more rematches than the greedy at 150 back with even sides (12 worlds,"
    " ten tuning seeds). A last call (an unbounded window in a player's last wave) did not pay in the searches "
    "before. On ten tuning seeds, against 14 worlds for the shipped policy: the gap priced linearly (|gap| / 100, the"
    " mean gap being the measure) passed 12, and priced to the power 1.5 passed 11 (linear, the skewed worlds played "
    "fewer matches: 0.976 of the greedy's at 60 a minute); each player of both sides put on the emptier side before "
    "the wave, as the greedy does, passed 3: the wave's own choice of their side is much of what ours wins.\n"
)
LEFT = (
    "Each share is ours' pooled figure over the greedy's, ± one standard error of the seeds' ratios: in the "
    "skewed worlds a few matches per wave decide the mean gap, and its ratio moves most from seed to seed. "
    "Where a lost measure lies within the seeds' spread, ours and the greedy stand at nearly one point of the "
    "same front (the plot above), and the seeds cannot tell which is ahead. A community whose ladder looks like "
    'a world it loses can take the greedy\'s own point with `algorithm = "greedy"` in `[matchmaking]` '
    "(docs/LADDER.md), or move along the front with the window and weights (the fronts above show which window "
    "does best in each world).\n"
)


def _lost(family: dict[str, Any]) -> str:
    """The worlds lost, and whether the seeds decide each failed measure."""
    lost = [w for w in family["worlds"].values() if not w["verdict"]["passes"]]
    if not lost:
        return "No world is lost on the held-out seeds.\n"
    named = "; ".join(f"{w['world']} ({', '.join(w['verdict']['failed'])}: {_trade_off(w)})" for w in lost)
    decided = [
        f"{w['world']}: {m}" for w in lost for m in w["verdict"]["failed"] if m not in w["verdict"].get("undecided", [])
    ]
    if decided:
        spread = "The seeds decide these: " + "; ".join(decided) + ". "
    else:
        spread = (
            f"Every measure failed lies within the seeds' spread: {len(family['seeds'])} held-out seeds do not tell "
            "it from a pass. "
        )
    searched = policy_results()
    tie = (searched or {}).get("tie_break") or {}
    same = [p for p in tie.get("policies", []) if p["policy"] == family["policy"]]
    if same:
        worlds = searched["tuning"]["worlds"] if searched else {}
        lost_there = "; ".join(f"{worlds.get(k, k)} ({', '.join(v)})" for k, v in same[0]["failed"].items())
        spread += (
            f"On the tie-break seeds the same policy passed {same[0]['passes']} of {len(worlds)} worlds and lost "
            f"{lost_there or 'none'}. "
        )
    return f"Still lost on the held-out seeds: {named}. {spread}{LEFT}"


def _held_out_rows(held: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    if held["chosen"]["policy"] == held["shipped"]["policy"]:
        return [("chosen by the search (the ladder file's already)", held["chosen"])]
    return [("chosen by the search", held["chosen"]), ("the ladder file's when the search ran", held["shipped"])]


def _tie_break(tie: dict[str, Any] | None) -> str:
    """How the policy was chosen among those passing the most worlds on the tuning seeds."""
    if not tie:
        return "chose the one passing the most worlds there"
    told = "; ".join(f"{_policy(p['policy'])}: {p['passes']}" for p in tie["policies"])
    return (
        f"ran the {len(tie['policies'])} that tied there for the most worlds passed again on the tie-break seeds "
        f"{_seeds(tie['seeds'])} and chose the one passing the most there (worlds passed: {told})"
    )


def _seeds(seeds: list[int]) -> str:
    """A run of seeds as its two ends and how many, other seeds one by one."""
    if len(seeds) > 2 and seeds == list(range(seeds[0], seeds[-1] + 1)):
        return f"{seeds[0]}–{seeds[-1]} ({len(seeds)} seeds)"
    return ", ".join(str(x) for x in seeds)


def _trade_off(world: dict[str, Any]) -> str:
    """Where ours stands beside the greedy in a world: its matches, mean wait and mean gap as shares of the
    greedy's, each ± one standard error of the seeds' ratios."""
    ours, greedy = world["figures"]["ours"], world["figures"]["greedy"]
    told = []
    for name, label in zip(JUDGED, ("matches", "mean wait", "mean gap"), strict=True):
        spread = ratio_spread(ours, greedy, name)
        told.append(f"{label} {ours[name] / greedy[name]:.3f}" + (f" ± {spread:.3f}" if spread is not None else ""))
    return ", ".join(told) + " of the greedy's"


def _verdict(verdict: dict[str, Any], bold: bool = False) -> str:
    """A world's verdict in words: pass, or what failed and which of that the seeds leave undecided."""
    mark = "**" if bold else ""
    text = f"{mark}pass{mark}" if verdict["passes"] else f"{mark}fail{mark}: " + ", ".join(verdict["failed"])
    close = [m for m in verdict.get("undecided", []) if m in verdict["failed"] or verdict["passes"]]
    if close:
        text += " (within the seeds' spread: " + ", ".join(close) + ")"
    return text + (" (10% better: yes)" if verdict["aspiration"] else "")


def _policy(p: dict[str, float]) -> str:
    weights = f"{p['wait_weight']:g}/{p['gap_weight']:g}/{p['rematch_penalty']:g}"
    last_call = "; last call" if p.get("last_call") else ""
    return f"{p['window_base']:g} + {p['window_growth']:g}{_cap(p)}; {weights}{last_call}"


def _cap(p: dict[str, float]) -> str:
    k = p.get("window_neighbours", 0)
    return f", capped at the {k:g}{'st' if k == 1 else 'nd' if k == 2 else 'th'} nearest partner" if k else ""


def _n(value: float | None, digits: int = 0) -> str:
    return "—" if value is None else f"{value:,.{digits}f}"


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.2f}%"


def _table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def policy_results(path: Path = POLICY_RESULTS) -> dict[str, Any] | None:
    return json.loads(path.read_text()) if path.exists() else None
