"""The chaos run's report: every count of harm read from the database and from what each simulated player's
stand-in view shows, never from the bot's own claims."""

from __future__ import annotations

from collections import Counter
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.ladder import Ladder
from sandbox.chaos_players import ChaosTally, matches_in
from sandbox.discord_standin import StandIn
from sandbox.double_matches import DEFINITION as DOUBLE_MATCHED
from sandbox.double_matches import MATCHES, double_matched
from sandbox.player_view import FOUND, RESULT, harmed_views
from sandbox.wave_gaps import DEFINITIONS as WAVE_DEFINITIONS
from workers.rating_history import rating_mismatches

REMINDER = "Reminder"
# Past its deadline by more than this, an entry or a match is stuck (the sweeps run every second, the
# expiry every 30 s).
SLACK_S = 60.0

DEFINITIONS = {
    "faults_injected": "faults injected, by kind (no_wave_to_kill: the workers were armed to die mid-wave and "
    "none ran a wave in time)",
    "matches": "matches the database holds",
    "double_matched": DOUBLE_MATCHED,
    "lost_notifications": "(match, player) pairs where no message the player can see ever showed that match as found",
    "duplicate_notifications": "an event shown to a player in more than one message: a match found, or its "
    "reminder, shown in two messages (edits of one message are one showing; the answer to the player's own "
    "/queue, which shows their match on request, is not a notification)",
    "results_not_shown": "(completed match, player) pairs where the player never saw the result",
    "stuck": "entries still waiting past max_wait_s + slack, matches awaiting confirmation past confirm_by + "
    "slack, confirmed past report_by + slack, disputed for longer than the slack (the run's admin settles every "
    "dispute), and outbox rows unpublished for longer than the slack",
    "ratings_consistent": "every stored rating and counter equals a replay of the completed matches from the "
    "starting ratings",
    "spec_violations": "requests the bot sent and answers the stand-in gave that Discord's OpenAPI description "
    "refuses (sandbox/discord_api_spec)",
    **WAVE_DEFINITIONS,
}


async def chaos_report(
    sessions: async_sessionmaker[AsyncSession],
    standin: StandIn,
    ladder: Ladder,
    initial: dict[tuple[int, str], float],
    player_ids: list[int],
    tally: ChaosTally,
    faults: Counter[str],
) -> dict[str, Any]:
    async with sessions() as session:
        matches = (await session.execute(MATCHES)).all()
        doubled = await double_matched(session, matches)
        stuck = (
            await session.execute(
                text(
                    "SELECT (SELECT count(*) FROM queue_entries WHERE state = 'waiting'"
                    "   AND joined_at < now() - make_interval(secs => :max_wait + :slack))"
                    " + (SELECT count(*) FROM matches WHERE state = 'awaiting_confirmation'"
                    "   AND confirm_by < now() - make_interval(secs => :slack))"
                    " + (SELECT count(*) FROM matches WHERE state = 'confirmed'"
                    "   AND report_by < now() - make_interval(secs => :slack))"
                    " + (SELECT count(*) FROM matches WHERE state = 'disputed'"
                    "   AND updated_at < now() - make_interval(secs => :slack))"
                    " + (SELECT count(*) FROM outbox WHERE published_at IS NULL"
                    "   AND created_at < now() - make_interval(secs => :slack))"
                ),
                {"max_wait": ladder.matchmaking.max_wait_s, "slack": SLACK_S},
            )
        ).scalar_one()
        states: dict[str, int] = dict(
            (await session.execute(text("SELECT state, count(*) FROM matches GROUP BY state"))).all()
        )
        waves = (await session.execute(text("SELECT count(*) FROM waves"))).scalar_one()
        failures = (await session.execute(text("SELECT count(*) FROM delivery_failures"))).scalar_one()
        mismatches = await session.run_sync(lambda s: rating_mismatches(s, ladder, initial))

    views = {p: _view(standin, p, tally.answers.get(p, set())) for p in player_ids}
    lost = duplicates = results_not_shown = 0
    examples: dict[str, list[tuple[int, int]]] = {"lost": [], "duplicate": [], "result_not_shown": []}
    for m in matches:
        for p in (m.player1_id, m.player2_id):
            view = views[p]
            if m.id not in view["found"]:
                lost += 1
                examples["lost"].append((m.id, p))
            extra = max(0, view["found"][m.id] - 1) + max(0, view["reminded"][m.id] - 1)
            if extra:
                duplicates += extra
                examples["duplicate"].append((m.id, p))
            if m.state == "completed" and m.id not in view["result"]:
                results_not_shown += 1
                examples["result_not_shown"].append((m.id, p))
    return {
        "players": len(player_ids),
        "faults_injected": dict(sorted(faults.items())),
        "matches": len(matches),
        "double_matched": doubled,
        "lost_notifications": lost,
        "duplicate_notifications": duplicates,
        "results_not_shown": results_not_shown,
        "stuck": stuck,
        "ratings_consistent": not mismatches,
        "matches_by_state": dict(sorted(states.items())),
        "waves": waves,
        "joins": tally.joins,
        "cancels": tally.cancels,
        "requeues": tally.requeues,
        "matches_played": tally.matches_played,
        "steps_unanswered": tally.steps_unanswered,
        "interactions_failed": len(standin.failed_interactions),
        "rate_limited": standin.rate_limited,
        "invalid_requests": standin.invalid_requests,
        "invalid_requests_peak_per_10_min": standin.invalid_peak_per_10_min,
        "spec_violations": len(standin.violations),
        "spec_violation_examples": sorted({str(v) for v in standin.violations})[:10],
        "delivery_failures_recorded": failures,
        "rating_mismatches": mismatches[:20],
        "examples_of_harm": {
            kind: [f"match {m}, player {p}" for m, p in found[:20]] for kind, found in examples.items() if found
        },
        # What each harmed player's messages showed, version by version: where to start looking.
        "views_of_harmed_players": harmed_views(standin, [pair for found in examples.values() for pair in found[:4]]),
        "definitions": DEFINITIONS,
    }


def _view(standin: StandIn, player_id: int, answers: set[int]) -> dict[str, Counter[int]]:
    """For each match: how many of the player's messages showed it found, reminded, and its result."""
    found: Counter[int] = Counter()
    reminded: Counter[int] = Counter()
    result: Counter[int] = Counter()
    for message in standin.messages_seen_by(player_id):
        shown = matches_in(message, FOUND)
        if message.id in answers:
            # Their own /queue answered with their match: seen, but asked for.
            found.update({m: 0 for m in shown})
        else:
            found.update(shown)
        reminded.update(matches_in(message, REMINDER))
        result.update(matches_in(message, RESULT))
    return {"found": found, "reminded": reminded, "result": result}
