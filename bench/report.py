# ruff: noqa: RUF001
"""From the sections' figures to bench/results/latest.json, docs/BENCHMARKS.md (with its PNG plots) and the
short table printed at the end of a run."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bench import family_report, plots
from bench.goals import Goal, judge
from bench.pools import starcraft_rules

ALGORITHMS = ("ours", "greedy", "assignment")
# Each plot BENCHMARKS.md shows, by the name the markdown knows it by (bench/plots.py draws them).
PLOTS = (("speed", "pairing_speed.png"), ("wait", "simulation_wait.png"), ("gap", "simulation_gap.png"),
         ("memory", "memory.png"), ("fronts", "fronts.png"))  # fmt: skip


def latest(sections: dict[str, Any], notes: list[str], machine: dict[str, Any], meta: dict[str, Any]) -> dict[str, Any]:
    """The results file: the issue's keys first (null where not measured, the reason in `notes`), then detail."""
    speed, quality, sim = sections.get("speed"), sections.get("quality"), sections.get("simulation")
    wave, notify, big = sections.get("wave"), sections.get("notify"), sections.get("notify_10000")
    discord = sections.get("notify_discord")
    under = discord or {}
    under_single, under_burst = under.get("single_matches") or {}, under.get("burst") or {}
    expired = under.get("expired_tokens") or {}
    joining, memory = sections.get("joining"), sections.get("memory")
    drawing = sections.get("drawing")
    replays = sections.get("replays")
    replay_parse, replay_wave = (replays or {}).get("parse") or {}, (replays or {}).get("wave") or {}
    uploads = sections.get("replays_uploads") or {}
    single = (notify or {}).get("single_matches") or {}
    burst = (notify or {}).get("burst") or {}
    big_burst = (big or {}).get("burst") or {}
    stall_burst = big_burst if big_burst.get("completed") else burst
    bursts = [b["events_per_s"] for b in (burst, big_burst) if b.get("completed")]
    result: dict[str, Any] = {
        "pairing_ms": {n: f["median_ms"] for n, f in speed["by_algorithm"]["ours"].items()} if speed else None,
        "quality_shortfall_max_pct": quality["ours_short_max_pct"] if quality else None,
        "quality_matched_equal": quality["ours_matched_equal"] if quality else None,
        "wave_seconds": {n: round(f["all_published_ms_median"] / 1000, 3) for n, f in wave.items()} if wave else None,
        "notify_p50_ms": single.get("commit_to_edit_p50_ms"),
        "notify_p99_ms": single.get("commit_to_edit_p99_ms"),
        "notify_burst_per_s": burst.get("events_per_s"),
        "notify_burst_10000_per_s": big_burst.get("events_per_s"),
        "notify_burst_min_per_s": min(bursts) if bursts else None,
        # The same, under Discord's rate limits and 60 ms of latency each way.
        "discord_notify_p50_ms": under_single.get("commit_to_edit_p50_ms"),
        "discord_notify_p99_ms": under_single.get("commit_to_edit_p99_ms"),
        "discord_notify_burst_per_s": under_burst.get("events_per_s"),
        "discord_notify_burst_last_s": under_burst.get("commit_to_last_edit_s"),
        "discord_expired_tokens_players": expired.get("players"),
        "discord_expired_tokens_last_saw_match_s": expired.get("last_saw_match_s"),
        "discord_rate_limited": under.get("rate_limited"),
        "discord_invalid_requests_peak_per_10_min": under.get("invalid_requests_peak_per_10_min"),
        "loop_stall_max_ms": stall_burst.get("bot_largest_stall_ms"),
        "loop_busy_stall_max_ms": stall_burst.get("bot_largest_busy_stall_ms"),
        "loop_stall_burst": stall_burst.get("events"),
        "loop_stall_while_joining_ms": big_burst.get("bot_largest_stall_ms_while_joining"),
        "join_per_s": joining["join_per_s"] if joining else None,
        "join_p50_ms": joining["join_p50_ms"] if joining else None,
        "join_p99_ms": joining["join_p99_ms"] if joining else None,
        "rss_growth_mb": memory["rss_growth_mb"] if memory else None,
        "rss_cycles": memory["cycles"] if memory else None,
        "drawing_us": drawing["median_us"] if drawing else None,
        "drawing_ratio_max": drawing["ratio_max"] if drawing else None,
        "replay_parse_p50_ms": replay_parse.get("p50_ms"),
        "replay_parse_p95_ms": replay_parse.get("p95_ms"),
        "replays_per_s_per_process": replay_parse.get("replays_per_s_one_process"),
        "replay_wave_idle_ms": (replay_wave.get("idle") or {}).get("wave_ms_median"),
        "replay_wave_loaded_ms": (replay_wave.get("loaded") or {}).get("wave_ms_median"),
        "replay_wave_ratio": replay_wave.get("ratio"),
        # The bot while 200 players run /replay at once (Discord's rate limits, 60 ms latency).
        "replay_uploads_loop_stall_ms": uploads.get("bot_largest_stall_ms"),
        "replay_uploads_loop_busy_stall_ms": uploads.get("bot_largest_busy_stall_ms"),
        "replay_uploads_idle_loop_stall_ms": uploads.get("idle_bot_largest_stall_ms"),
        "replay_uploads_players": uploads.get("players"),
        "replay_uploads_answer_p50_ms": uploads.get("first_response_p50_ms"),
        "replay_uploads_answer_p99_ms": uploads.get("first_response_p99_ms"),
        "replay_uploads_received_p50_ms": uploads.get("received_p50_ms"),
        "replay_uploads_received_p99_ms": uploads.get("received_p99_ms"),
        "replay_uploads_failed": uploads.get("interactions_failed"),
        "replay_uploads_all_checked_s": uploads.get("all_checked_s"),
        "simulation": sim["by_rate"] if sim else None,
        "family": sections.get("family"),
        "machine": machine,
        "notes": notes,
    }
    result["goals"] = [goal.__dict__ for goal in [*judge(result), *family_report.goals(result["family"])]]
    result["detail"] = {
        "run": meta,
        "pairing": speed,
        "quality": quality,
        "simulation": {k: v for k, v in sim.items() if k != "samples"} if sim else None,
        "whole_wave": wave,
        "notify": notify,
        "notify_burst_10000": big,
        "notify_discord": discord,
        "joining": joining,
        "memory": memory,
        "drawing": drawing,
        "replays": replays,
        "replay_uploads": sections.get("replays_uploads"),
    }
    return result


def write(result: dict[str, Any], sections: dict[str, Any], json_path: Path, md_path: Path, png_dir: Path) -> None:
    json_path.parent.mkdir(parents=True, exist_ok=True)
    json_path.write_text(json.dumps(result, indent=2) + "\n")
    images: dict[str, Path] = {}
    if sections.get("speed"):
        images["speed"] = plots.pairing_speed(sections["speed"], png_dir)
    if sections.get("simulation") and "samples" in sections["simulation"]:
        images["wait"] = plots.simulation(sections["simulation"], "waits", png_dir)
        images["gap"] = plots.simulation(sections["simulation"], "gaps", png_dir)
    if sections.get("memory"):
        images["memory"] = plots.memory(sections["memory"]["readings"], png_dir)
    policy = family_report.policy_results()
    if sections.get("family") and policy:
        images["fronts"] = plots.fronts(
            policy, family_report.front_worlds(sections["family"]), sections["family"]["policy"], png_dir
        )
    for name, file in PLOTS:  # drawn by an earlier run whose figures were kept (`--merge`)
        if name not in images and (png_dir / file).exists():
            images[name] = png_dir / file
    md_path.parent.mkdir(parents=True, exist_ok=True)
    md_path.write_text(markdown(result, {k: _relative(v, md_path.parent) for k, v in images.items()}))


# Each section's raw figures, by the key the results file keeps them under in `detail` (`family` at the top).
DETAIL_KEYS = {"speed": "pairing", "quality": "quality", "simulation": "simulation", "wave": "whole_wave",
               "notify": "notify", "notify_10000": "notify_burst_10000", "notify_discord": "notify_discord",
               "joining": "joining", "memory": "memory", "drawing": "drawing", "replays": "replays",
               "replays_uploads": "replay_uploads"}  # fmt: skip


def sections_of(result: dict[str, Any]) -> dict[str, Any]:
    """The sections' figures an earlier results file holds (the simulation without its raw samples)."""
    detail = result.get("detail") or {}
    found = {name: detail[key] for name, key in DETAIL_KEYS.items() if detail.get(key) is not None}
    if result.get("family"):
        found["family"] = result["family"]
    return found


def rewrite_markdown(json_path: Path, md_path: Path) -> None:
    """BENCHMARKS.md again from the results file and the plots beside it, without measuring anything: for a
    change to how the figures are told."""
    result = json.loads(json_path.read_text())
    png_dir = md_path.parent / "bench"
    images = {name: _relative(png_dir / file, md_path.parent) for name, file in PLOTS if (png_dir / file).exists()}
    md_path.write_text(markdown(result, images))


def short_table(result: dict[str, Any]) -> str:
    goals = [Goal(**g) for g in result["goals"]]
    width = max(len(g.name) for g in goals)
    lines = [f"{'goal':<{width}}  {'verdict':<12}  measured (target)"]
    lines += [f"{g.name:<{width}}  {g.verdict:<12}  {g.measured} ({g.target})" for g in goals]
    return "\n".join(lines)


def _relative(path: Path, base: Path) -> str:
    try:
        return str(path.resolve().relative_to(base.resolve()))
    except ValueError:
        return str(path)


def _cell(value: Any, digits: int = 1, suffix: str = "") -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:,.{digits}f}{suffix}"
    if isinstance(value, int):
        return f"{value:,}{suffix}"
    return f"{value}{suffix}"


def _notify_rows(under: str, notify: dict[str, Any], big: dict[str, Any]) -> list[list[str]]:
    rows = []
    single = notify.get("single_matches")
    if single:
        latency = f"p50 {single['commit_to_edit_p50_ms']} ms, p99 {single['commit_to_edit_p99_ms']} ms"
        rows.append([under, "single matches, 10/s", f"{single['deliveries']:,} deliveries", latency, "—", "—"])
    for burst in (notify.get("burst"), big.get("burst")):
        if burst and burst.get("completed"):
            rate = f"{_cell(burst['events_per_s'])} events/s{_spread(burst, 'events_per_s')}, the last edit "
            rate += f"{_cell(burst['commit_to_last_edit_s'], 2)} s after the commit"
            if burst.get("share_of_bare_client") is not None:
                bare = f"{_cell(burst['bare_client_edits_per_s'])} edits/s{_spread(burst, 'bare_client_edits_per_s')}"
                rate += f"; {burst['share_of_bare_client']:.0%} of the {bare} a bare HTTP client got from it"
            stall = _cell(burst["bot_largest_stall_ms"], 1, " ms") + _spread(burst, "bot_largest_stall_ms")
            busy = _cell(burst.get("bot_largest_busy_stall_ms"), 1, " ms") + _spread(burst, "bot_largest_busy_stall_ms")
            rows.append([under, f"burst of {burst['events']:,} matches", f"{burst['deliveries']:,} deliveries", rate,
                         stall, busy])  # fmt: skip
        elif burst:
            stall = _cell(burst["bot_largest_stall_ms_while_joining"], 1, " ms while the players joined")
            busy = _cell(burst.get("bot_largest_busy_stall_ms_while_joining"), 1, " ms")
            rows.append([under, f"burst of {burst['events']:,} matches", "not reached", burst["reason"], stall, busy])
    expired = notify.get("expired_tokens")
    if expired:
        paths = ", ".join(f"{n:,} by {path.replace('_', ' ')}" for path, n in sorted(expired["paths"].items()))
        seen = (f"median player saw it {expired['median_saw_match_s']} s after commit, the last "
                f"{expired['last_saw_match_s']} s ({paths})")  # fmt: skip
        rows.append([under, f"{expired['players']:,} players with expired tokens", f"{expired['matches']:,} matches",
                     seen, "—", "—"])  # fmt: skip
    return rows


def _spread(figures: dict[str, Any], key: str) -> str:
    """The lowest and highest of the runs where the figure is the median of several, else nothing."""
    spread, runs = figures.get(f"{key}_spread"), figures.get("runs")
    return f" (median of {runs}; lowest {_cell(spread[0])}, highest {_cell(spread[1])})" if spread and runs else ""


def _table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def _section_times(run: dict[str, Any]) -> str:
    """Each section's time when it last ran, and their sum: what a whole `make bench` takes (sections merged
    from earlier runs included; a section never timed is named as such)."""
    times: dict[str, float] = run.get("section_seconds") or {}
    if not times:
        return ""
    untimed = sorted(set(run.get("sections", [])) - set(times))
    told = ", ".join(f"{name} {seconds / 60:.1f}" for name, seconds in times.items())
    whole = f"; the sections timed add up to {sum(times.values()) / 60:.0f} minutes"
    return f" (minutes per section, when each last ran: {told}{whole}" + (
        f"; not timed yet: {', '.join(untimed)})" if untimed else ")"
    )


def markdown(r: dict[str, Any], images: dict[str, str]) -> str:
    d = r["detail"]
    m = r["machine"]
    out = [
        "# Benchmarks\n",
        "Written by `make bench` (`python -m bench`); every figure and plot below comes from one run and is "
        "regenerated by the command. The raw figures are in `bench/results/latest.json`.\n",
        f"Run: {d['run'].get('finished_at', '?')}, {_cell(d['run'].get('duration_s'), 0)} s{_section_times(d['run'])}"
        ", commit "
        f"`{m.get('commit')}`. Machine: {m.get('cpu')}, {m.get('cpus')} CPUs, {m.get('memory_gb')} GB, "
        f"{m.get('platform')}, Python {m.get('python')}; "
        + ", ".join(f"{k} {v}" for k, v in (m.get("versions") or {}).items())
        + ". The machine is shared with other work: times are medians and still noisy.\n",
        "## Goals\n",
        _table(
            ["goal", "target", "measured", "verdict"],
            [[g["name"], g["target"], g["measured"], f"**{g['verdict']}**"] for g in r["goals"]],
        ),
    ]
    out += _pairing(d.get("pairing"), images)
    out += _quality(d.get("quality"))
    out += _simulation(d.get("simulation"), images)
    out += family_report.section(r.get("family"), images)
    out += _servers(r, d, images)
    out += _drawing(d.get("drawing"))
    out += _replays(d.get("replays"), d.get("replay_uploads"))
    out += [
        "## Notes\n",
        "\n".join(f"- {n}" for n in r["notes"]) + "\n" if r["notes"] else "None.\n",
        METHOD.replace("{shipped_policy}", _shipped_policy()),
    ]
    return "\n".join(out)


def _shipped_policy() -> str:
    r = starcraft_rules()
    return (
        f"window {r.window_base:g} + {r.window_growth:g} × waves waited"
        + (f", capped where many wait (window_neighbours = {r.window_neighbours})" if r.window_neighbours else "")
        + ", weights (wait, gap, rematch) "
        f"{r.wait_weight:g} / {r.gap_weight:g} / {r.rematch_penalty:g}"
        + (f", last call after {r.last_call_waves} waves" if r.last_call_waves is not None else "")
    )


def _pairing(speed: dict[str, Any] | None, images: dict[str, str]) -> list[str]:
    if not speed:
        return ["## Pairing speed\n", "Not run.\n"]
    rows = []
    for n in speed["pools"]:
        for name in ALGORITHMS:
            f = speed["by_algorithm"][name].get(str(n))
            if f is None:
                rows.append([f"{n:,}", name, "—", "—", "—", "—", "not run (see notes)"])
                continue
            rows.append(
                [
                    f"{n:,}",
                    name,
                    _cell(f["median_ms"], 1),
                    _cell(100 * f["matched_fraction"], 1, "%"),
                    _cell(f["gap_mean"]),
                    _cell(f["gap_p95"]),
                    str(len(f["runs_ms"])),
                ]
            )
    return [
        "## Pairing speed\n",
        "One wave's pairing on drawn pools (see *Pools* below), ours (`workers.pairing.pair_seekers`) beside "
        "the two baselines: median time over the runs, share of the pool matched, rating gap of the pairs.\n",
        _table(["waiting", "matchmaker", "median ms", "matched", "gap mean", "gap p95", "runs"], rows),
        f"![pairing time]({images['speed']})\n" if "speed" in images else "",
    ]


def _quality(q: dict[str, Any] | None) -> list[str]:
    if not q:
        return ["## Quality against the exact optimum\n", "Not run.\n"]
    rows = []
    for row in q["rows"]:
        cells = [f"{row['pool']:,}", str(row["seed"]), f"{row['exact_pairs']:,}", _cell(row["exact_weight"], 1)]
        for name in ALGORITHMS:
            f = row[name]
            cells.append(f"{f['pairs']:,} / {_cell(f['short_pct'], 3, '%')}")
        cells.append(f"{row['exact_solver']}, {row['exact_solve_s']} s")
        rows.append(cells)
    return [
        "## Quality against the exact optimum\n",
        "Each pool is also solved exactly: the most players matched, then the greatest total weight, over every "
        "eligible pair (`bench/exact.py`). A pair's weight, without any constant per-pair reward:\n",
        "    weight = wait_weight × (√(waves a waited) + √(waves b waited)) − gap_weight × (gap / 100)²"
        " − rematch_penalty × [rematch]\n",
        f"with the ladder file's {_shipped_policy()}. **short % = 100 × (W_exact − W) / |W_exact|**, W the sum of the "
        "weights of a matchmaker's pairs. Each cell: pairs made / short %. Weights compare fairly only at equal "
        'pairs: a matchmaker that leaves players unmatched can come out "short" by little or less than nothing.\n',
        _table(
            ["pool", "seed", "exact pairs", "exact weight", "ours", "greedy", "assignment", "exact solved by"], rows
        ),
        f"Ours: largest shortfall {_cell(q['ours_short_max_pct'], 3, '%')}; same pairs as exact on every pool: "
        f"{'yes' if q['ours_matched_equal'] else 'no'}.\n",
    ]


def _simulation(sim: dict[str, Any] | None, images: dict[str, str]) -> list[str]:
    if not sim:
        return ["## Ladder simulation\n", "Not run.\n"]
    rows = []
    for rate, by in sim["by_rate"].items():
        for name in ALGORITHMS:
            f = by.get(name)
            if not f:
                continue
            rows.append(
                [
                    rate,
                    name,
                    _cell(f["wait_p50_s"], 0),
                    _cell(f["wait_p95_s"], 0),
                    _cell(f["wait_max_s"], 0),
                    _cell(f["wait_p95_with_timeouts_s"], 0),
                    _cell(f["gap_mean"]),
                    _cell(f["gap_p95"]),
                    _cell(100 * f["timeout_share"], 2, "%") if f["timeout_share"] is not None else "—",
                    _cell(100 * f["rematch_rate"], 2, "%") if f["rematch_rate"] is not None else "—",
                    f"{f['matches']:,}",
                ]
            )
    header = (
        "arrivals/min|matchmaker|wait p50 s|wait p95 s|wait max s|p95 incl. time-outs s|gap mean|gap p95|"
        "timed out|rematches|matches"
    )
    return [
        "## Ladder simulation\n",
        f"{sim['hours']:g} simulated hours per arrival rate and matchmaker, waves every "
        f"{sim['wave_interval_s']:g} s, a player leaves unmatched after {sim['max_wait_s']:g} s (the ladder "
        f"file's `max_wait_s`); {sim['population_per_rate']} community members per arrival a minute; "
        + "; ".join(f"{rate}/min: {len(seeds)} seeds" for rate, seeds in sim["seeds"].items())
        + " pooled (`bench/simulation.py` says how players, ratings and games "
        "are modelled). Waits are from joining to the wave that matched the player; *p95 incl. time-outs* counts "
        "each timed-out player at the longest wait. *Timed out* is a share of arrivals, *rematches* a share of "
        "matches (two players meeting again right after their last game).\n",
        _table(header.split("|"), rows),
        f"![wait distribution]({images['wait']})\n" if "wait" in images else "",
        f"![gap distribution]({images['gap']})\n" if "gap" in images else "",
    ]


def _servers(r: dict[str, Any], d: dict[str, Any], images: dict[str, str]) -> list[str]:
    out = ["## On real servers\n"]
    wave = d.get("whole_wave")
    if wave:
        rows = [
            [
                f"{int(n):,}",
                _cell(f["commit_ms_median"]),
                _cell(f["all_published_ms_median"]),
                _cell(f["pairing_ms_median"]),
                _cell(f["matches_median"]),
                str(len(f["runs"])),
            ]
            for n, f in wave.items()
        ]
        out += [
            "### Whole wave\n",
            "`workers.wave.run_wave` on real PostgreSQL and Redis with the waiting entries written in bulk: lock, "
            "claim, pair, write the matches and outbox rows, commit, publish every event. `wave_seconds` is the "
            "time until every event is published (medians).\n",
            _table(["waiting", "commit ms", "all published ms", "pairing ms", "matches", "runs"], rows),
        ]
    notify, big = d.get("notify") or {}, d.get("notify_burst_10000") or {}
    discord = d.get("notify_discord") or {}
    if notify or big or discord:
        rows = _notify_rows("no limits, no latency", notify, big)
        rows += _notify_rows("Discord's rate limits, 60 ms latency", discord, {})
        out += [
            "### Notification\n",
            "The real bot process against the Discord stand-in; players join through the stand-in; latency is "
            "from a wave's commit to the stand-in receiving the edit of the player's message (or the direct "
            "message that shows the match). The loop stall is the bot's largest event-loop stall during the burst "
            "(its `BOT_STATS_FILE`): how late the loop ran a 20 ms timer, whatever held it up, the machine "
            "included; the busy stall is the part of it the loop spent running the bot's own code. Each figure "
            "is measured twice: with the stand-in answering in-process at once with no rate limits, and under "
            "Discord's rules (its rate limits, 60 ms each way with jitter on every request and gateway "
            "dispatch), as the demo and the chaos run apply them. The 1,000-match burst runs three times: each "
            "figure is the median, with the lowest and highest of the runs; the 10,000-match burst runs once. A "
            "burst's ceiling is what a bare aiohttp client, in a process of its own as the bot is, gets from the "
            "same stand-in sending the bot's own edits of that run again with as many in flight (64); the bot's "
            "figure is also given as a share of it (the median of the runs' shares). Under Discord's rules the "
            "latency bounds that ceiling: 64 in flight at 120 ms a round trip is about 530 edits/s. The "
            "expired-token burst: the bot was away for 16 minutes while the players waited, and one wave matches "
            "them all as it comes back; their tokens are dead, so each match goes by direct message. Opening a DM "
            "channel is one rate-limit bucket for the whole bot, whose size Discord does not publish (the stand-in "
            "assumes 10 per 10 s): that bucket, not the bot, sets how long the last player waits.\n",
            _table(["under", "run", "size", "figure", "largest loop stall", "largest busy stall"], rows),
        ]
        if discord:
            out.append(
                f"Under Discord's rules the bot received {discord.get('rate_limited', 0):,} 429s (each waited out "
                f"and retried) and made {discord.get('invalid_requests', 0):,} invalid requests, at most "
                f"{discord.get('invalid_requests_peak_per_10_min', 0):,} in any 10 minutes (Discord bans an IP past "
                "10,000).\n"
            )
    joining = d.get("joining")
    if joining:
        out += [
            "### Joining\n",
            f"{joining['players_at_once']} players call `QueueService.join` at once (`asyncio.gather`) on real "
            f"PostgreSQL with the bot's engine settings; {joining['rounds']} rounds after a warm-up.\n",
            _table(
                ["joins / s (median round)", "join p50", "join p99"],
                [[_cell(joining["join_per_s"]), f"{joining['join_p50_ms']} ms", f"{joining['join_p99_ms']} ms"]],
            ),
        ]
    memory = d.get("memory")
    if memory:
        first, last = f"rss_after_{memory['first']}_mb", f"rss_after_{memory['cycles']}_mb"
        out += [
            "### Memory\n",
            f"The real bot process (VmRSS from `/proc`), {memory['cycles']:,} join → match → notify cycles through "
            f"the stand-in in batches of {memory['batch']} (one wave each), every player new; "
            f"{_cell(memory['seconds'], 0)} s.\n",
            _table(
                ["start", f"after {memory['first']:,} cycles", f"after {memory['cycles']:,}", "growth", "peak"],
                [[f"{memory[k]} MB" for k in ("rss_start_mb", first, last, "rss_growth_mb", "rss_peak_mb")]],
            ),
            f"![bot memory]({images['memory']})\n" if "memory" in images else "",
        ]
    return out


def _drawing(drawing: dict[str, Any] | None) -> list[str]:
    if not drawing:
        return ["## Drawing in each language\n", "Not run.\n"]
    rows = [[code, f"{us} µs", f"{drawing['ratio_to_english'][code]:.3f}"] for code, us in drawing["median_us"].items()]
    return [
        "## Drawing in each language\n",
        f"One message drawn (its embed, buttons and selects built) in each language, {drawing['kinds']} kinds in turn, "
        f"{drawing['drawings_per_round']} drawings a round, {drawing['rounds']} rounds; the median round.\n",
        _table(["language", "per drawing", "against English"], rows),
    ]


def _replays(replays: dict[str, Any] | None, uploads: dict[str, Any] | None) -> list[str]:
    if not replays:
        return ["## Replays\n", "Not run.\n", *_uploads(uploads)]
    parse, wave = replays["parse"], replays["wave"]
    files = [
        [f"`{name}`", f["kind"], _cell(f["kb"]), _cell(f["p50_ms"]), _cell(f["p95_ms"])]
        for name, f in parse["by_file"].items()
    ]
    files.append(["all", "", "", _cell(parse["p50_ms"]), _cell(parse["p95_ms"])])
    ways = [
        [
            label,
            str(w["waves"]),
            _cell(w.get("wave_ms_median")),
            f"{_cell(w.get('wave_ms_min'))}–{_cell(w.get('wave_ms_max'))}",
            _cell(w.get("commit_ms_median")),
            _cell(w.get("round_trip_ms_median")),
        ]
        for label, w in (
            ("idle", wave["idle"]),
            (f"reading {wave['uploads']} uploads", wave["loaded"]),
        )
    ]
    read = wave["replays"]
    outcomes = ", ".join(f"{n} {k}" for k, n in read["outcomes"].items())
    return [
        "## Replays\n",
        f"Parse time: `workers.replays.facts.read_replay` on the five real replays of `tests/fixtures/replays`, in "
        f"turn, {parse['rounds']} rounds after a warm-up round, in one process: "
        f"{_cell(parse['replays_per_s_one_process'])} replays/s (mean {_cell(parse['mean_ms'])} ms).\n",
        _table(["file", "kind", "KB", "p50 ms", "p95 ms"], files),
        f"A wave of {wave['waiting']:,} waiting players, run by the Procfile's `worker`, with the Procfile's "
        f"`replays` worker ({read['processes']} processes, a queue of its own) idle, then while it reads "
        f"{wave['uploads']} uploads for {wave['uploads']} confirmed matches, all sent at once (a wave counts only "
        "if the uploads were still being read when it ended). Same pools both ways. The replay processes share "
        f"the machine's {replays['cpus']} CPUs with the wave worker and PostgreSQL. Wave ms: from the wave's start "
        "until every event is published; round trip: from sending the task to its result.\n",
        _table(["replays worker", "waves", "wave ms (median)", "min–max", "commit ms", "round trip ms"], ways),
        f"With replays being read the median wave took **{_cell(wave['ratio'], 2)}×** as long. The "
        f"{wave['uploads']} uploads were read in {_cell(read['seconds'])} s: {_cell(read['per_s'])} replays/s, "
        f"{_cell(read['per_s_per_process'])} per process, using {_cell(read['worker_cpu_s'])} CPU seconds "
        f"({outcomes}).\n",
        *_uploads(uploads),
    ]


UPLOADS_HEADER = ["bot", "window", "largest loop stall", "largest busy stall", "first response", "received",
                  "all checked"]  # fmt: skip


def _uploads(u: dict[str, Any] | None) -> list[str]:
    if not u:
        return ["The bot's event-loop stall while 200 uploads arrive (`replay_uploads_loop_stall_ms`): not measured "
                "in this run.\n"]  # fmt: skip
    rows = [
        [
            "idle, just before",
            f"{_cell(u['idle_window_s'])} s",
            _cell(u["idle_bot_largest_stall_ms"], 1, " ms"),
            _cell(u["idle_bot_largest_busy_stall_ms"], 1, " ms"),
            "—",
            "—",
            "—",
        ],
        [
            f"{u['players']} players run `/replay` at once",
            f"{_cell(u['window_s'])} s",
            f"**{_cell(u['bot_largest_stall_ms'], 1, ' ms')}**",
            _cell(u["bot_largest_busy_stall_ms"], 1, " ms"),
            f"p50 {_cell(u['first_response_p50_ms'])} ms, p99 {_cell(u['first_response_p99_ms'])} ms; "
            f"{u['interactions_failed']} failed",
            f"p50 {_cell(u['received_p50_ms'])} ms, p99 {_cell(u['received_p99_ms'])} ms, the last "
            f"{_cell(u['all_received_s'], 2)} s",
            f"{_cell(u['all_checked_s'], 2)} s ({_cell(u['checks_per_s'])}/s)",
        ],
    ]
    answers = ", ".join(f"{n} {title!r}" for title, n in u["answers"].items())
    paths = ", ".join(f"{n} by {path.replace('_', ' ')}" for path, n in sorted(u["deliveries_by_path"].items()))
    return [
        f"The bot while uploads arrive: the real bot process against the Discord stand-in under Discord's rules "
        f"(rate limits, 60 ms each way), the Procfile's `worker` and `replays` "
        f"({u['replays_worker']['processes']} processes), the StarCraft ladder's file. {u['players']} players, set "
        f"up and rated, in {u['matches']} confirmed matches written to the database, each run `/replay` with a "
        "file of their own, all at once, after a few warm-up uploads. The loop stall (the bot's `BOT_STATS_FILE`) "
        "is over the burst, from the first `/replay` until every upload is checked and a little after, beside the "
        "same statistic over an idle stretch of the same length just before. First response: Discord's 3 "
        "seconds, the bot's defer (the stand-in's `InteractionResult.latency_s`); received: from the burst's "
        "start until the player's answer stopped thinking; checked: until no upload is pending.\n",
        _table(UPLOADS_HEADER, rows),
        f"Answers: {answers}; {u['uploads_stored']} uploads stored. Within the window the checks' events reached "
        f"the players {paths or 'by no path'}; {u['rate_limited']} 429s, {u['violations']} requests outside "
        f"Discord's OpenAPI description.{_cpu(u.get('cpu_s'))}\n",
    ]


def _cpu(cpu: dict[str, float] | None) -> str:
    """Who had the cores during the burst: a loop stall beyond the busy stall is the others' share."""
    if not cpu:
        return ""
    used = ", ".join(f"{name.replace('_', ' ')} {_cell(s, 2)} s" for name, s in cpu.items() if name != "seconds")
    return f" CPU time used in the {_cell(cpu['seconds'])} s from the first `/replay`: {used}."


METHOD = """## Method

### Pools

`bench/pools.py`, fixed seeds: ratings drawn around 1500 with a spread (standard deviation) of 300, one rating
per race; 40% play a Brood War race only, 40% a StarCraft II race only, 20% one of each; 0–10 waves waited;
0–2 vetoes among four maps. The rules are the StarCraft ladder file's (`ladders/starcraft.toml` through
`workers.wave.pairing_rules`): {shipped_policy}.

### Baselines

Rebuilt in `bench/` from their descriptions only.

- **greedy** (`bench/greedy.py`, the community's first matchmaker): players who play both sides are first
  given one side each, in queue order to whichever side has fewer players so far; window 100 + 50 × waves
  waited, uncapped; a pair is allowed if its gap fits either player's window; score = gap² − 20 × (sum of
  both players' waves waited); pairs taken greedily from the lowest score; then two passes over the pairs in
  order of their mean rating, swapping the second-side players of neighbouring pairs wherever that lowers the
  sum of squared gaps and both new pairs stay inside a window.
- **assignment** (`bench/assignment.py`, its later matchmaker): a cost matrix of first-side-capable ×
  second-side-capable players, cost = gap² − 20 × 2^max(waves waited), ineligible pairs (outside both
  windows, or a player with themselves) forbidden by a cost larger than any whole allowed assignment, solved by
  `scipy.optimize.linear_sum_assignment`; assigned forbidden pairs are dropped, and since a player who plays
  both sides has a row and a column, the assigned pairs are taken in order of cost, skipping any whose player
  is already used.
- The family of worlds (`bench/worlds.py`) runs the same greedy and assignment, unchanged, in every world; the
  fronts also run the greedy with its window varied (`bench/policy.py`, `GREEDY_WINDOWS`).
- **exact** (`bench/exact.py`): the maximum-cardinality maximum-weight matching of our own objective over every
  eligible pair; networkx up to 300 players, above that rustworkx's compiled port of the same algorithm
  (networkx would take hours on 2,000 players and a million pairs).

### Reproduce

```sh
make bench                 # everything (the Run line above gives each section's time)
.venv/bin/python -m bench --quick                 # a few minutes, written under .state/bench-quick/
.venv/bin/python -m bench --only speed quality    # some sections (the others are null in that run)
.venv/bin/python -m bench --only family --merge    # some sections again, the others kept from latest.json
.venv/bin/python -m bench.family                  # the family of worlds alone, held-out seeds (6 minutes)
.venv/bin/python -m bench.policy                  # the policy search on the tuning seeds and its held-out
                                                  # check: bench/results/policy.json (an hour)
```
"""


if __name__ == "__main__":
    from db.settings import PROJECT_DIR

    rewrite_markdown(PROJECT_DIR / "bench" / "results" / "latest.json", PROJECT_DIR / "docs" / "BENCHMARKS.md")
