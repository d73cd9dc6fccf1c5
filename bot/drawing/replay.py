"""A checked replay as both players see it in their match message: who sent it, the game it shows (map, length,
each player's race and result), and every check, passed or failed with its reason. Also the uploader's first
answer ("received, checking") and the how-to behind the match message's replay button."""

from __future__ import annotations

from collections.abc import Callable

import discord
from discord.utils import escape_markdown

from bot.drawing.renderings import NEUTRAL_COLOUR, Rendering, name
from bot.words import Words
from db.payloads import MatchPayload, ReplayPayload, ReplayPlayer, ReplayProblem
from db.replays import REPLAY_EXTENSION

PASSED = "✅"
FAILED = "❌"
# Discord's limit on an embed field's value, and the most of a name from the replay the summary shows.
FIELD_VALUE_MAX = 1024
SHOWN_MAX = 40

# Each check a replay goes through, by the problems that fail it. A file that cannot be read fails the first
# and is the only line: nothing else was checked.
FILE, PLAYERS, MAP, RACES, WHO, TIME, LOBBY, WINNER = (
    "file",
    "players",
    "map",
    "races",
    "who",
    "time",
    "lobby",
    "winner",
)
_CHECK_OF = {
    "empty": FILE,
    "not_a_replay": FILE,
    "unreadable": FILE,
    "too_slow": FILE,
    "reader_crashed": FILE,
    "ai_player": PLAYERS,
    "not_one_v_one": PLAYERS,
    "observers": PLAYERS,
    "not_the_players": WHO,
    "wrong_map": MAP,
    "unknown_map": MAP,
    "wrong_races": RACES,
    "unknown_race": RACES,
    "players_unknown": RACES,
    "players_not_told_apart": RACES,
    "played_before_match": TIME,
    "ended_after_upload": TIME,
    "lobby_setting": LOBBY,
    "no_winner": WINNER,
}
_CHECKS = (PLAYERS, MAP, RACES, WHO, TIME, LOBBY, WINNER)


def _check_name(words: Words, check: str) -> str:
    if check == FILE:
        return words._("The file")
    if check == PLAYERS:
        return words._("Two players, nobody else")
    if check == MAP:
        return words._("The match's map")
    if check == RACES:
        return words._("The match's races")
    if check == WHO:
        return words._("The match's players, by their in-game names")
    if check == TIME:
        return words._("Played after the match was found")
    if check == LOBBY:
        return words._("Lobby settings")
    return words._("A winner")


def _count(problem: ReplayProblem) -> int:
    count = problem["params"].get("count", 0)
    return count if isinstance(count, int) else 0


def _param(problem: ReplayProblem, key: str) -> str:
    return escape_markdown(str(problem["params"].get(key, "?")))


_PROBLEMS: dict[str, Callable[[Words, ReplayProblem], str]] = {
    "empty": lambda w, p: w._("The file is empty."),
    "not_a_replay": lambda w, p: w._("This is not a StarCraft II replay."),
    "unreadable": lambda w, p: w._("The replay could not be read; it may be damaged."),
    "too_slow": lambda w, p: w._("Reading the replay took too long."),
    "reader_crashed": lambda w, p: w._("Reading this file failed every time it was tried."),
    "ai_player": lambda w, p: w.ngettext(
        "A computer player took part.", "{count} computer players took part.", _count(p)
    ),
    "not_one_v_one": lambda w, p: w.ngettext(
        "{count} player took part, not two.", "{count} players took part, not two.", _count(p)
    ),
    "observers": lambda w, p: w.ngettext(
        "{count} observer watched the game.", "{count} observers watched the game.", _count(p)
    ),
    "wrong_map": lambda w, p: w._(
        "The game was played on {played}, the match on {wanted}.",
        played=w.map(_param(p, "played")),
        wanted=w.map(_param(p, "wanted")),
    ),
    "unknown_map": lambda w, p: w._("{map} is not in the ladder's map pool.", map=_param(p, "map")),
    "wrong_races": lambda w, p: w._("The replay's races ({races}) are not the match's.", races=_param(p, "races")),
    "unknown_race": lambda w, p: w._("{race} is not a race of this ladder.", race=_param(p, "race")),
    "players_unknown": lambda w, p: w._("The replay does not show the match's two players."),
    "not_the_players": lambda w, p: w._(
        "{name} played in the replay, but the match's player plays as {known}.",
        name=_param(p, "name"),
        known=_param(p, "known"),
    ),
    "players_not_told_apart": lambda w, p: w._("Both played the same race, and no earlier replay tells who is who."),
    "played_before_match": lambda w, p: w._("The game ended before the match was found."),
    "ended_after_upload": lambda w, p: w._("The game ends after the file was uploaded."),
    "lobby_setting": lambda w, p: w._(
        "{setting} was {shown}; the ladder plays {wanted}.",
        setting=_param(p, "setting"),
        shown=_param(p, "shown"),
        wanted=_param(p, "wanted"),
    ),
    "no_winner": lambda w, p: w._("The replay records no winner."),
}


def problem_text(words: Words, problem: ReplayProblem) -> str:
    said = _PROBLEMS.get(problem["code"])
    return said(words, problem) if said is not None else words._("A check failed.")


def _result(words: Words, player: ReplayPlayer) -> str:
    if player["result"] == "win":
        return words.pgettext("replay", "won")
    if player["result"] == "loss":
        return words.pgettext("replay", "lost")
    if player["result"] == "tie":
        return words.pgettext("replay", "tie")
    return "?"


def _length(seconds: float | None) -> str:
    if seconds is None:
        return "?"
    whole = int(seconds)
    return f"{whole // 60}:{whole % 60:02d}"


def replay_field(embed: discord.Embed, payload: MatchPayload, player_id: int, words: Words) -> None:
    """The replay's summary as a field of the match message, when the event carries one."""
    replay = payload.get("replay")
    if replay is None:
        return
    embed.add_field(name=words._("Replay"), value=replay_summary(replay, payload, player_id, words), inline=False)


def replay_summary(replay: ReplayPayload, payload: MatchPayload, viewer: int | None, words: Words) -> str:
    """The verdict, every check, then the game it shows: what matters first, should the field run long."""
    lines = [_verdict(replay, payload, viewer, words), *_checks(replay.get("problems") or [], words)]
    players = replay.get("players") or []
    if players:
        game = words._("{map}, {length}", map=escape_markdown(str(replay.get("map") or "?")[:SHOWN_MAX]),
                       length=_length(replay.get("game_length_s")))  # fmt: skip
        shown = [f"{escape_markdown(p['name'][:SHOWN_MAX])} ({words.race(p['race_code'], p['race'][:SHOWN_MAX])}): "
                 f"{_result(words, p)}" for p in players[:2]]  # fmt: skip
        lines.append(game + " · " + " · ".join(shown))
    text = "\n".join(lines)
    return text if len(text) <= FIELD_VALUE_MAX else text[: FIELD_VALUE_MAX - 1] + "…"


def _verdict(replay: ReplayPayload, payload: MatchPayload, viewer: int | None, words: Words) -> str:
    """Whose replay, and whether it was accepted; `viewer` None for the admins, who are neither player."""
    by_viewer = viewer is not None and replay.get("uploaded_by") == viewer
    uploader = next((p for p in payload.get("players", []) if p.get("player_id") == replay.get("uploaded_by")), None)
    who = name(words, uploader) if uploader else words._("your opponent")
    if replay.get("state") == "verified":
        if by_viewer:
            return f"{PASSED} " + words._("Your replay is verified.")
        return f"{PASSED} " + words._("The replay {opponent} uploaded is verified.", opponent=who)
    if by_viewer:
        return f"{FAILED} " + words._("Your replay was not accepted.")
    return f"{FAILED} " + words._("The replay {opponent} uploaded was not accepted.", opponent=who)


def _checks(problems: list[ReplayProblem], words: Words) -> list[str]:
    failing: dict[str, list[ReplayProblem]] = {}
    for problem in problems:
        failing.setdefault(_CHECK_OF.get(problem["code"], WINNER), []).append(problem)
    if FILE in failing:
        return [f"{FAILED} {_check_name(words, FILE)}: {problem_text(words, failing[FILE][0])}"]
    lines = []
    for check in _CHECKS:
        found = failing.get(check)
        if found:
            reasons = " ".join(problem_text(words, p) for p in found[:3])
            lines.append(f"{FAILED} {_check_name(words, check)}: {reasons}")
        else:
            lines.append(f"{PASSED} {_check_name(words, check)}")
    return lines


def replay_received(payload: MatchPayload, words: Words) -> Rendering:
    """The uploader's first answer: their replay is stored and being read."""
    checking = words._("Checking your replay of match #{match}. The result appears here in a moment.",
                       match=payload.get("match_id", "?"))  # fmt: skip
    embed = discord.Embed(title=words._("Replay received"), description=checking, colour=NEUTRAL_COLOUR)
    return Rendering(embed)


def replay_how_to(words: Words) -> str:
    """What the match message's replay button answers."""
    return words._(
        "After your game, run /replay and attach its {extension} file. A verified replay settles the match at once.",
        extension=REPLAY_EXTENSION,
    )
