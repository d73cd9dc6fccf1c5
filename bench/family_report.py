# ruff: noqa: RUF001
"""The family's section of docs/BENCHMARKS.md: every world, every metric, ours against both baselines on the
held-out seeds, the verdict per world, and the fronts of wait against gap from the policy search."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bench.family import judge
from bench.goals import Goal
from db.settings import PROJECT_DIR

POLICY_RESULTS = PROJECT_DIR / "bench" / "results" / "policy.json"
# One world per kind for the plot of the fronts, then the worlds the shipped policy loses at both ends of the
# window (the largest even one, the smallest of each side).
FRONT_WORLDS = ["arrivals-10-even-normal", "returning-150-skewed-normal", "peak-10-even-normal",
                "arrivals-60-even-normal", "returning-40-even-normal", "returning-40-skewed-normal"]  # fmt: skip
TARGET = "≥ greedy −1% matches; ≤ greedy +1% mean wait (gave up = max wait) and mean gap; fewer rematches"


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
        f"every world of `bench/worlds.py`, on the held-out seeds {family['seeds']} (the policy was searched on "
        "others, `python -m bench.policy`; see below for how it was chosen), pooled. *Mean wait incl. gave up* "
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
        [name, _policy(h["policy"]), f"{h['passes']} of {len(tuning['worlds'])}",
         "; ".join(f"{tuning['worlds'][k]}: {', '.join(v)}" for k, v in h["failed"].items()) or "—"]
        for name, h in (("chosen on the tuning seeds", held["chosen"]),
                        ("the ladder file's before this search", held["shipped"]))
    ]  # fmt: skip
    reach = []
    for key, name in tuning["worlds"].items():
        greedy = tuning["greedy"][key]
        winners = sum(judge(p["worlds"][key], greedy).passes for p in tuning["policies"])
        reach.append(f"{name}: {winners}")
    return [
        "### Choosing the policy, and the trade-off\n",
        f"`python -m bench.policy` tried {len(tuning['policies'])} policies on the tuning seeds {tuning['seeds']} "
        "and checked the best (the most worlds passed, then the lowest gap and wait relative to the greedy) on the "
        f"held-out seeds {held['seeds']}; `bench/results/policy.json` holds every figure.\n",
        _table(["policy", "window, weights (wait/gap/rematch)", "worlds passed (held-out)", "failed"], rows),
        "The fronts (tuning seeds): each point a policy, mean wait counting who gave up against mean gap; lower "
        "is better on both. Ours is every policy tried, the greedy is its own matchmaker with its window varied. "
        "In the even worlds every policy tried lies below and to the left of the greedy's front, at 60 a minute "
        "and at 40 back too: shorter waits and closer games at once. In the skewed worlds (150 back, 40 back) "
        "ours' points sit on the greedy's front, about its own point: there a policy moves along the trade-off, "
        "not beyond it.\n",
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
    "**Three seeds could not judge a 1% line.** A world's ratio to the greedy moves by 1–4% from one seed to "
    "the next, mostly in the skewed and the small worlds, where a few hundred matches per seed decide it; with "
    "three seeds per side the earlier searches' verdicts turned either way between the tuning and the held-out "
    "runs (a policy passing 11 worlds on the tuning seeds passed 6 held-out). The family now runs ten tuning "
    "seeds and ten held-out ones, keeps each judged measure seed by seed, and marks a measure whose ratio lies "
    "within two standard errors of the seeds' ratios of its 1% line as *within the seeds' spread*.\n"
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
    "serve the oldest waiter over a close one: 1.3–3.7 times the greedy's gaps in every skewed world. On the ten "
    "tuning seeds 0.006 did best with the window below (14 worlds; 0.003 and 0.01 passed 11 and 10). A waiting "
    "reward that grows with the waves as the greedy's does (0.002 × waves instead of the square root) played more "
    "matches than the greedy at 60 a minute skewed (1.007) but widened the skewed worlds' gaps by 1.4–4.4% "
    "(13 worlds, tuning seeds): not kept.\n"
)
WINDOW = (
    "**Even worlds: the greedy's own growth, capped.** Matching the most players each wave pairs far-apart "
    "players whom the greedy (closest pairs first) leaves a wave for a closer partner: at 60 a minute an uncapped"
    " window of 75–100 waited 19–28% less than the greedy and widened the gap 6–35% (three seeds), and a narrow "
    "one lengthened the small ladders' waits, whose players mostly meet in their first waves. `window_neighbours "
    "= 2` caps each player's window at the gap to their second-nearest partner on the other side plus the growth:"
    " a far pair waits a wave while closer partners wait, and where few wait nothing changes. With the cap the "
    "window can grow as fast as the greedy's: on the ten tuning seeds 100 + 50 capped passed every even world (2 "
    "a minute even: wait 0.997 of the greedy's; 40 back even: 0.973), where 100 + 40 lost both on wait (1.045, "
    "1.030).\n"
)
TRIED = (
    "**Tried and not kept.** The greedy's choice of who plays each wave, paired again for the greatest weight "
    "(its matches and waits by construction, narrower gaps hoped for): its mean gaps came to 0.93–1.05 of the "
    "greedy's and it passed 7 worlds (tuning seeds), so the greedy's own swap passes leave little to "
    "gain among its players. A rematch penalty of 0.05 instead of 0.2: more rematches than the greedy at 150 "
    "back with even sides (12 worlds). A last call (an unbounded window in a player's last wave) did not pay "
    "in the searches before.\n"
)
LEFT = (
    "To settle a margin of half a percent against a standard error of 1–2% would take some hundred seeds per "
    "world, hours of simulation per policy. A community whose ladder looks like a world it loses can take the "
    'greedy\'s own point with `algorithm = "greedy"` in `[matchmaking]` (docs/LADDER.md), or move along the front '
    "with the window and weights.\n"
)


def _lost(family: dict[str, Any]) -> str:
    """The worlds lost, and whether the seeds decide each failed measure."""
    lost = [w for w in family["worlds"].values() if not w["verdict"]["passes"]]
    if not lost:
        return "No world is lost on the held-out seeds.\n"
    named = "; ".join(f"{w['world']} ({', '.join(w['verdict']['failed'])})" for w in lost)
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
    if searched:
        counts = [p["passes"] for p in searched["tuning"]["policies"]]
        spread += (
            f"The searched policies' counts of worlds passed on the tuning seeds ({min(counts)}–{max(counts)}) move "
            "by as much between neighbouring policies. "
        )
    return f"Still lost on the held-out seeds: {named}. {spread}{LEFT}"


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
