"""A matchmaking wave as a plain function: claim, pair, write the matches and their events, commit, publish."""

from __future__ import annotations

import logging
import random
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import redis
from sqlalchemy.orm import Session, sessionmaker

from db import waves
from db.events import MATCH_FOUND, QUEUE_EXPIRED, NewEvent
from db.ladder import Ladder
from db.outbox import add_events, publish
from db.ranks import ranks_of
from workers import failpoints, stalls
from workers.pairing import Pairing, PairingRules, RaceRating, Seeker, pair_seekers

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class WaveResult:
    skipped: bool
    wave_id: int | None = None
    claimed: int = 0
    matched_pairs: int = 0
    pairing_ms: float = 0.0
    commit_ms: float = 0.0
    published: int = 0
    total_ms: float = 0.0


def pairing_rules(ladder: Ladder) -> PairingRules:
    mm = ladder.matchmaking
    sides = (ladder.sides[0].code, ladder.sides[1].code) if ladder.has_sides else None
    return PairingRules(
        sides=sides,
        window_base=mm.window_base,
        window_growth=mm.window_growth,
        window_neighbours=mm.window_neighbours,
        wait_weight=mm.wait_weight,
        gap_weight=mm.gap_weight,
        rematch_penalty=mm.rematch_penalty,
        last_call_waves=mm.last_call_waves,
        algorithm=mm.algorithm,
        maps=tuple(ladder.maps.pool),
        servers=ladder.server_table,
        default_region=ladder.servers.default_region,
        fallback_server=ladder.servers.fallback or "",
    )


def run_wave(sessions: sessionmaker[Session], client: redis.Redis, stream: str, ladder: Ladder) -> WaveResult:
    """One wave. A wave that finds another one running skips (the advisory lock) and says so."""
    began = time.perf_counter()
    with sessions.begin() as session:
        if not waves.try_wave_lock(session):
            log.info("wave skipped: another wave holds the lock")
            return WaveResult(skipped=True)
        wave_id, started_at = waves.start_wave(session)
        confirm_by = started_at + timedelta(seconds=ladder.match.confirm_window_s)
        claimed = waves.claim_waiting(session)
        ids = [c.player_id for c in claimed]
        ratings, active = waves.ratings_of(session, ids, ladder.ranks.active_days)
        last = waves.last_opponents(session, ids)
        seekers = [seeker_of(c, ladder, ratings, last.get(c.player_id)) for c in claimed]
        paired_at = time.perf_counter()
        pairings = pair_seekers(seekers, pairing_rules(ladder), random.Random(wave_id))
        pairing_ms = (time.perf_counter() - paired_at) * 1000
        by_entry = {c.entry_id: c for c in claimed}
        sides = [(s.player_id, r) for p in pairings for s, r in ((p.first, p.first_race), (p.second, p.second_race))]
        rank = ranks_of(session, ladder, [(pid, r.race, r.rating) for pid, r in sides if (pid, r.race) in active])
        match_ids = waves.insert_matches(session, wave_id, [_match_row(p, rank) for p in pairings], confirm_by)
        matched_entries = [e for p in pairings for e in (p.first.entry_id, p.second.entry_id)]
        waves.mark_matched(session, matched_entries, [m for m in match_ids for _ in (0, 1)])
        matched = set(matched_entries)
        waves.count_wave_waited(session, [c.entry_id for c in claimed if c.entry_id not in matched])
        stalls.reached("wave_mid_transaction")
        event_ids = add_events(
            session,
            [
                _match_found(m, p, by_entry, ladder, wave_id, confirm_by, rank)
                for m, p in zip(match_ids, pairings, strict=True)
            ],
        )
        waves.finish_wave(session, wave_id, len(claimed), len(pairings), pairing_ms)
        failpoints.reached("wave_before_commit")
    committed = time.perf_counter()
    failpoints.reached("wave_after_commit")
    published = publish(sessions, client, stream, event_ids) if event_ids else 0
    result = WaveResult(
        skipped=False,
        wave_id=wave_id,
        claimed=len(claimed),
        matched_pairs=len(pairings),
        pairing_ms=pairing_ms,
        commit_ms=(committed - began) * 1000,
        published=published,
        total_ms=(time.perf_counter() - began) * 1000,
    )
    log.info(
        "wave %s: %s waiting, %s matches, pairing %.1f ms, committed at %.1f ms, %s events published at %.1f ms",
        wave_id,
        result.claimed,
        result.matched_pairs,
        pairing_ms,
        result.commit_ms,
        published,
        result.total_ms,
        extra={"wave_id": wave_id},
    )
    return result


def expire_entries(sessions: sessionmaker[Session], client: redis.Redis, stream: str, ladder: Ladder) -> int:
    """Ends the entries that waited longer than the ladder allows, each with a `queue_expired` event."""
    with sessions.begin() as session:
        expired = waves.expire_overdue(session, ladder.matchmaking.max_wait_s)
        event_ids = add_events(
            session,
            [
                NewEvent(
                    QUEUE_EXPIRED,
                    (e["player_id"],),
                    {
                        "entry_id": e["id"],
                        "player_id": e["player_id"],
                        "waited_s": (e["ended_at"] - e["joined_at"]).total_seconds(),
                        "waves_waited": e["waves_waited"],
                        "message_refs": {str(e["player_id"]): e["message_ref"]},
                    },
                )
                for e in expired
            ],
        )
    if event_ids:
        publish(sessions, client, stream, event_ids)
    return len(expired)


def seeker_of(c: waves.ClaimedEntry, ladder: Ladder, ratings: dict[tuple[int, str], float], last: int | None) -> Seeker:
    races = tuple(
        RaceRating(race, ladder.race_by_code[race].side, ratings.get((c.player_id, race), ladder.rating.start))
        for race in c.races
        if race in ladder.race_by_code  # a race removed from the ladder file since the player queued
    )
    return Seeker(
        entry_id=c.entry_id,
        player_id=c.player_id,
        races=races,
        vetoes=frozenset(c.vetoes),
        waves_waited=c.waves_waited,
        region=c.region,
        last_opponent_id=last,
    )


def _match_row(p: Pairing, rank: dict[tuple[int, str], str]) -> dict[str, Any]:
    return {
        "rank1": rank.get((p.first.player_id, p.first_race.race)),
        "rank2": rank.get((p.second.player_id, p.second_race.race)),
        "p1": p.first.player_id,
        "p2": p.second.player_id,
        "r1": p.first_race.race,
        "r2": p.second_race.race,
        "rt1": p.first_race.rating,
        "rt2": p.second_race.rating,
        "map": p.map,
        "server": p.server,
    }


def _match_found(
    match_id: int,
    p: Pairing,
    by_entry: dict[int, waves.ClaimedEntry],
    ladder: Ladder,
    wave_id: int,
    confirm_by: datetime,
    rank: dict[tuple[int, str], str],
) -> NewEvent:
    """Everything a match-found view shows, so the bot renders it without another query."""

    def side(s: Seeker, race: RaceRating) -> dict[str, Any]:
        entry = by_entry[s.entry_id]
        return {
            "player_id": s.player_id,
            "display_name": entry.display_name,
            "in_game_name": entry.in_game_name,
            "battletag": entry.battletag,
            "alt_names": list(entry.alt_names or ()),
            "country": entry.country,
            "rank": rank.get((s.player_id, race.race)),
            "race": race.race,
            "race_name": ladder.race_by_code[race.race].name,
            "rating": round(race.rating),
            "region": entry.region,
            "language": entry.language,
            "locale": entry.locale,
            "entry_id": s.entry_id,
            "joined_at": entry.joined_at.isoformat(),
            "waves_waited": entry.waves_waited,
        }

    refs = {str(s.player_id): by_entry[s.entry_id].message_ref for s in (p.first, p.second)}
    return NewEvent(
        MATCH_FOUND,
        (p.first.player_id, p.second.player_id),
        {
            "match_id": match_id,
            "state": "awaiting_confirmation",
            "wave_id": wave_id,
            "confirm_by": confirm_by.isoformat(),
            "players": [side(p.first, p.first_race), side(p.second, p.second_race)],
            "map": p.map,
            "server": p.server,
            "message_refs": refs,
        },
    )
