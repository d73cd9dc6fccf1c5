"""Every view, embed and refusal the bot draws fits Discord's limits in every language, drawn with the longest
data a real ladder gives it: Korean and Russian run long, the pseudo-language longer still (+40%)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import discord
import pytest

from bot.catalogs import load_catalogs
from bot.commands import COMMANDS, REPLAY_COMMANDS
from bot.drawing.dispute import dispute_rendering
from bot.drawing.help import help_embed
from bot.drawing.leaderboard import board_rendering
from bot.drawing.match import match_rendering
from bot.drawing.match_log import match_log_rendering
from bot.drawing.player_setup import names_form, preview_embed, preview_view, rules_embed, rules_view
from bot.drawing.presenting import render_event
from bot.drawing.profile import profile_embed
from bot.drawing.refusals import refusal_text
from bot.drawing.renderings import Rendering
from bot.drawing.replay import replay_how_to, replay_received
from bot.drawing.searching import searching_embed, searching_view
from bot.drawing.setup import SetupState, setup_embed, setup_view
from bot.languages import LANGUAGES, PSEUDO
from bot.player_service import MAX_NAME
from bot.queue_choice import QueueChoice
from bot.queue_service import Joined, QueueSnapshot
from bot.words import Words
from db.events import (
    ADMIN_NOTICE,
    MATCH_REMINDER,
    QUEUE_EXPIRED,
    QUEUE_REMOVED,
    RATINGS_DRIFT,
    SOMEONE_WAITING,
    Event,
    EventType,
)
from db.identity import Identity
from db.ladder import LADDERS_DIR, load_ladder
from db.leaderboard import BoardFilter, BoardPage, BoardRow
from db.payloads import MatchPayload, payload_problem
from db.players import RECORD_DAYS, PastMatch, Profile, RaceStanding, Record
from db.refusals import Refusal, Why
from sandbox.discord_standin.rules import DiscordError, check_message
from sandbox.discord_standin.spec import violations

LADDER = load_ladder(LADDERS_DIR / "starcraft.toml")
CATALOGS = load_catalogs(LADDER, pseudo=True)
EVERY_LANGUAGE = [*LANGUAGES, PSEUDO]
# The longest name a player can have, every character one that markdown escaping doubles.
NAME = "_*" * (MAX_NAME // 2)
ME, THEM = 2**53 - 1, 2**53 - 2
MATCH_ID = 2**53 - 1
WHEN = "2026-11-29T12:00:00+00:00"
# Every field of a profile at its longest, each character one that markdown escaping doubles.
LONGEST_IDENTITY = Identity("_*" * 6, "_*" * 16, "_" * 12 + "#123456", ("_*" * 16, "*_" * 16), "GS", "SEA", "es-419")


def _fits(what: str, content: str | None = None, embed: discord.Embed | None = None, view: Any = None) -> None:
    payload: dict[str, Any] = {"content": content}
    if embed is not None:
        payload["embeds"] = [embed.to_dict()]
    if view is not None:
        payload["components"] = view.to_components()
    try:
        check_message(payload, creating=True)
    except DiscordError as refused:
        raise AssertionError(f"{what}: {refused.body()}") from None


def _rendering_fits(what: str, rendering: Rendering) -> None:
    _fits(what, embed=rendering.embed, view=rendering.view)


def _side(player_id: int, race: str, **more: Any) -> dict[str, Any]:
    return {"player_id": player_id, "display_name": NAME, "race": race, "race_name": race, "rating": 9999,
            "region": "SEA", "confirmed": False, "report": None, "rating_change": -39.9,
            "in_game_name": "`" * 32, "battletag": "W" * 12 + "#123456", "alt_names": ["W" * 32, "`" * 32],
            "country": "GS", "rank": "W" * 16, **more}  # fmt: skip


# Every problem a replay can show, each with the longest parameters the workers write.
LONGEST_PROBLEMS: list[dict[str, Any]] = [
    {"code": code, "params": {"count": 10**6, "played": "x" * 80, "wanted": "x" * 80, "map": "x" * 80,
                              "races": "x" * 80, "race": "x" * 40, "setting": "x" * 40, "shown": "x" * 40,
                              "name": "x" * 40, "known": "x" * 80}}
    for code in ("ai_player", "not_one_v_one", "observers", "wrong_map", "unknown_map", "wrong_races", "unknown_race",
                 "players_unknown", "players_not_told_apart", "not_the_players", "played_before_match",
                 "ended_after_upload", "lobby_setting", "no_winner", "a_newer_problem")
]  # fmt: skip


def _replay(state: str, problems: list[dict[str, Any]]) -> dict[str, Any]:
    players = [
        {"name": NAME + NAME, "race": "x" * 40, "race_code": None, "result": result} for result in ("win", "loss")
    ]
    return {"upload_id": MATCH_ID, "uploaded_by": THEM, "state": state, "problems": problems, "map": "x" * 200,
            "game_length_s": 10**7, "players": players, "winner": THEM, "draw": False}  # fmt: skip


def _matches() -> list[tuple[str, MatchPayload]]:
    base: dict[str, Any] = {"match_id": MATCH_ID, "map": "Keres Passage", "server": "USC",
                            "confirm_by": WHEN, "report_by": WHEN}  # fmt: skip
    me, them = _side(ME, "sc2_protoss"), _side(THEM, "bw_protoss")
    shapes: list[tuple[str, dict[str, Any]]] = [
        ("found", {"state": "awaiting_confirmation", "players": [me, them]}),
        ("confirmed by me", {"state": "awaiting_confirmation", "players": [{**me, "confirmed": True}, them]}),
        ("playing", {"state": "confirmed", "players": [me, them]}),
        ("reported", {"state": "confirmed", "players": [{**me, "report": "loss"}, them]}),
        ("they reported", {"state": "confirmed", "players": [me, {**them, "report": "win"}]}),
        ("won, settled", {"state": "completed", "result": "player1", "resolved_by": 1, "players": [me, them],
                          "new_ratings": {str(ME): 9999, str(THEM): 9999}}),
        ("lost", {"state": "completed", "result": "player2", "players": [me, them]}),
        ("draw", {"state": "completed", "result": "draw", "players": [me, them]}),
        ("disputed", {"state": "disputed", "end_reason": "reports_differ", "players": [me, them]}),
        ("timed out", {"state": "aborted", "end_reason": "timeout", "players": [me, them], "requeue": [ME]}),
        ("aborted by them", {"state": "aborted", "aborted_by": THEM, "players": [me, them], "requeue": [ME]}),
        ("aborted by me", {"state": "aborted", "aborted_by": ME, "players": [me, them]}),
        ("invalidated", {"state": "invalidated", "players": [me, them]}),
        ("playing, replays optional", {"state": "confirmed", "players": [me, them], "replays": "optional"}),
        ("playing, replays required", {"state": "confirmed", "players": [me, them], "replays": "required"}),
        ("replay failed", {"state": "confirmed", "players": [me, them], "replays": "optional",
                           "replay": _replay("failed", LONGEST_PROBLEMS)}),
        ("replay unreadable", {"state": "confirmed", "players": [me, them], "replay": _replay("failed", [
            {"code": "unreadable", "params": {}}])}),
        ("replay settled", {"state": "completed", "result": "player1", "players": [me, them],
                            "new_ratings": {str(ME): 9999, str(THEM): 9999}, "replay": _replay("verified", [])}),
        ("replay disputed", {"state": "disputed", "end_reason": "replay_differs", "players": [me, them],
                             "replay": _replay("verified", [])}),
    ]  # fmt: skip
    return [(name, {**base, **shape}) for name, shape in shapes]  # type: ignore[misc]


@pytest.fixture(params=EVERY_LANGUAGE)
def words(request: pytest.FixtureRequest) -> Words:
    return CATALOGS.words(request.param)


def test_the_match_message_fits_in_every_state(words: Words) -> None:
    for name, payload in _matches():
        _rendering_fits(name, match_rendering(payload, ME, "", words))
        _rendering_fits(f"{name} (reminder)", match_rendering(payload, ME, MATCH_REMINDER, words))


def test_queue_notices_fit(words: Words) -> None:
    events = [Event(1, QUEUE_EXPIRED, (ME,), {"waited_s": 10**9})]
    events += [Event(1, QUEUE_REMOVED, (ME,), {"why": why}) for why in ("removed", "cleared", "banned", "other")]
    every_race = [race.code for race in LADDER.races]
    events.append(Event(1, SOMEONE_WAITING, (ME,), {"waiting": 10**6, "races": every_race}))
    events.append(Event(1, SOMEONE_WAITING, (ME,), {"waiting": 1, "races": []}))
    events.append(Event(1, "a_newer_event", (ME,), {"match_id": MATCH_ID}))
    for event in events:
        _rendering_fits(event.type, render_event(event, ME, words))


def test_the_queue_setup_and_searching_views_fit(words: Words) -> None:
    state = SetupState(("bw_protoss", "sc2_protoss"), tuple(LADDER.maps.pool[: LADDER.maps.vetoes]))
    _fits("setup", embed=setup_embed(LADDER, words), view=setup_view(LADDER, ME, state, words))
    joined = Joined(MATCH_ID, datetime.now(UTC), QueueChoice(state.races, state.vetoes),
                    {"bw_protoss": 9999, "sc2_protoss": 9999})  # fmt: skip
    for snapshot in (
        QueueSnapshot(10**6, 1e9, 1e9, None, None),
        QueueSnapshot(10**6, 1e9, 1e9, datetime.now(UTC), datetime(2030, 1, 1, tzinfo=UTC), 10**7, 10**6),
    ):
        embed = searching_embed(LADDER, joined, snapshot, 45, words)
        _fits("searching", embed=embed, view=searching_view(ME, words))
    _fits("rules", embed=rules_embed(words), view=rules_view(ME, words))
    for to_queue in (True, False):
        for identity in (LONGEST_IDENTITY, Identity()):
            embed = preview_embed(identity, words, note="x" * 300, problems=["x" * 300] * 5)
            _fits("profile setup", embed=embed, view=preview_view(LADDER, ME, identity, words, to_queue=to_queue))
    typed = {k: "x" * 4000 for k in ("ladder_name", "in_game_name", "battletag", "alt_names", "country")}
    form = {"type": 9, "data": names_form(ME, typed, words).to_dict()}
    assert violations("ModalInteractionCallbackRequest", form) == [], "the names form"


def test_profile_and_leaderboard_fit(words: Words) -> None:
    lately = {days: Record(10**6, 10**6, 10**6) for days in RECORD_DAYS}
    standings = [RaceStanding(r.code, 9999, 10**6, 10**6, 10**6, 10**6 - 3, "S", 10**6, datetime.now(UTC), lately)
                 for r in LADDER.races]  # fmt: skip
    recent = [
        PastMatch(MATCH_ID - i, "completed", "win", THEM, NAME, "bw_zerg", "sc2_zerg", -39.9, datetime.now(UTC))
        for i in range(10)
    ]
    who = LONGEST_IDENTITY
    profile = Profile(ME, NAME, "OCE", True, standings, recent, who.in_game_name, who.battletag, who.alt_names, "GS")
    _fits("profile", embed=profile_embed(LADDER, profile, words))
    rows = [BoardRow(10**6 + i, THEM, NAME, "GS", "bw_protoss", 9999, 10**6, 10**6, 10**6, "S") for i in range(10)]
    # Every filter on, and a note above the board: the longest it gets.
    every = BoardFilter(races=("bw_terran", "sc2_zerg"), country="GS", band="S", best_only=True).of(LADDER)
    pages = words.number(10**5)
    note = words.ngettext("The board has {pages} page; here is the last.",
                          "The board has {pages} pages; here is the last.", 10**5, pages=pages)  # fmt: skip
    board = BoardPage(every, 10**5, 10**5, 10**6, rows)
    _rendering_fits("leaderboard", board_rendering(LADDER, board, words, note))


def test_help_fits(words: Words) -> None:
    listed = [(c.name, c.description) for c in COMMANDS + REPLAY_COMMANDS]
    embed = help_embed(LADDER, words, listed)
    _fits("help", embed=embed)
    assert embed.description and all(f"/{words.pgettext('command_name', n)}" in str(embed.to_dict()) for n, _ in listed)


def test_every_refusal_fits_a_message(words: Words) -> None:
    params: dict[str, str | int | float] = {"report": "draw", "state": "completed", "race": "x" * 100,
                                            "side": "bw", "count": 2, "map": "x" * 100, "most": 4, "chosen": 25,
                                            "reason": "x" * 200, "until": 1_800_000_000, "match_id": MATCH_ID,
                                            "region": "x" * 100, "extension": ".SC2Replay",
                                            "most_kb": 5120, "least": 3, "country": "x" * 40,
                                            "choices": "KP,KR,CG,CD,GB", "missing": "ladder_name,battletag,region",
                                            }  # fmt: skip
    for why in Why:
        _fits(str(why), content=refusal_text(words, Refusal(why, params)))


def test_the_admins_dispute_message_fits() -> None:
    for shape in ("disputed", "replay disputed"):
        payload = dict(_matches())[shape]
        drawn = dispute_rendering(payload, CATALOGS.words("en-US"), staff_role_id=2**53 - 1)
        _fits(shape, content=drawn.send_kwargs()["content"], embed=drawn.embed, view=drawn.view)


def test_the_match_log_fits_in_every_state(words: Words) -> None:
    for name, payload in _matches():
        _rendering_fits(name, match_log_rendering(payload, words))


def test_the_match_log_says_what_happened() -> None:
    english = CATALOGS.words("en-US")
    shapes = dict(_matches())
    me, them = shapes["found"]["players"]
    me, them = {**me, "display_name": "Kim"}, {**them, "display_name": "Ivan", "confirmed": True}
    won = {**shapes["won, settled"], "players": [me, them]}
    assert match_log_rendering(won, english).embed.description == "Kim won. An admin settled the result."  # type: ignore[arg-type]
    late = {**shapes["timed out"], "players": [me, them]}
    assert match_log_rendering(late, english).embed.description == "Kim did not confirm in time."  # type: ignore[arg-type]
    left = {**shapes["aborted by them"], "players": [me, them]}
    assert match_log_rendering(left, english).embed.description == "Ivan aborted the match."  # type: ignore[arg-type]


LONGEST_DRIFT = {"count": 10**9, "drifts": [{"player_id": ME, "race": "x" * 32, "stored": [-(10.0**15), 10**9, 10**9,
                 10**9, 10**9], "expected": [10.0**15, 10**9, 10**9, 10**9, 10**9]}] * 10}  # fmt: skip


def test_the_admins_drift_post_fits() -> None:
    english = CATALOGS.words("en-US")
    _rendering_fits("drift", render_event(Event(1, RATINGS_DRIFT, (), LONGEST_DRIFT), 0, english))
    assert payload_problem(RATINGS_DRIFT, LONGEST_DRIFT) is None


def test_the_admins_notices_fit(words: Words) -> None:
    reason = "_*" * 250  # the longest reason, every character one that markdown escaping doubles
    for notice in ({"action": "banned"}, {"action": "unbanned"}, {"action": "someday"},
                   {"action": "rating", "race": "bw_protoss", "old": 10_000.0, "new": 0.0},
                   *({"action": "resolved", "match_id": MATCH_ID, "resolution": r, "sides": [THEM, ME]}
                     for r in ("player1", "player2", "draw", "invalidate"))):  # fmt: skip
        payload = {**notice, "reason": reason, "languages": {}}
        assert payload_problem(ADMIN_NOTICE, payload) is None
        _rendering_fits(str(notice), render_event(Event(1, ADMIN_NOTICE, (ME,), payload), ME, words))


def test_every_event_type_has_its_own_drawing() -> None:
    """An event type the bot draws as "something changed" is one it was never taught to show."""
    generic = render_event(Event(1, "a_newer_event", (ME,), {"match_id": MATCH_ID}), ME, CATALOGS.words("en-US"))
    payloads = {QUEUE_EXPIRED: {"waited_s": 60}, QUEUE_REMOVED: {"why": "removed"},
                SOMEONE_WAITING: {"waiting": 2, "races": []}, RATINGS_DRIFT: LONGEST_DRIFT}  # fmt: skip
    for type_ in EventType:
        payload = payloads.get(type_, dict(_matches())["replay failed"])
        drawn = render_event(Event(1, type_, (ME,), payload), ME, CATALOGS.words("en-US"))  # type: ignore[arg-type]
        assert drawn.embed.title != generic.embed.title, type_


def test_the_replay_answers_fit(words: Words) -> None:
    _rendering_fits("replay received", replay_received(dict(_matches())["playing"], words))
    _fits("replay how-to", content=replay_how_to(words))


def test_a_check_that_could_fail() -> None:
    """The check these tests rely on refuses what Discord refuses."""
    with pytest.raises(AssertionError, match="BASE_TYPE_MAX_LENGTH"):
        _fits("too long", content="x" * 2001)
