"""The ladder configuration file: the game rules, validated at start-up with clear errors.

Everything game-specific lives here, so another 1v1 community runs the same bot with a different file.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Iterable, Mapping
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any, Literal, Self

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, StringConstraints, ValidationError, model_validator

LADDERS_DIR = Path(__file__).resolve().parent.parent / "ladders"
DEFAULT_LADDER_FILE = LADDERS_DIR / "starcraft.toml"


class LadderConfigError(Exception):
    """A ladder file that cannot be used; the message names each key and what is wrong with it."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# A language code as Discord writes it (`ko`, `es-419`, `zh-CN`), and what a thing is called in it.
LanguageCode = Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,3})?$")]
LocalName = Annotated[str, StringConstraints(min_length=1, max_length=80)]
# Names by language: `{ ko = "테란", ru = "Терран" }`; a language not given shows the default name.
Names = dict[LanguageCode, LocalName]


class LadderInfo(_Strict):
    name: str = Field(min_length=1, max_length=100)
    names: Names = Field(default_factory=dict)


class Side(_Strict):
    code: str = Field(min_length=1, max_length=32, pattern=r"^[a-z0-9_]+$")
    name: str = Field(min_length=1, max_length=80)
    names: Names = Field(default_factory=dict)


class Race(_Strict):
    code: str = Field(min_length=1, max_length=32, pattern=r"^[a-z0-9_]+$")
    name: str = Field(min_length=1, max_length=80)
    names: Names = Field(default_factory=dict)
    side: str | None = None
    # How replays write this race, in every client language: `["BW Terran", "스1 테란", "SC1人类"]`.
    replay_names: list[str] = Field(default_factory=list)


# A Battle.net link (`battlenet:://starcraft/map/2/258907`) or a web address, by game region (AM, EU, AS).
Link = Annotated[str, StringConstraints(min_length=1, max_length=200)]
GameRegion = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2,3}$")]


class MapInfo(_Strict):
    author: str | None = Field(default=None, min_length=1, max_length=80)
    links: dict[GameRegion, Link] = Field(default_factory=dict)


class Mod(_Strict):
    """The mod every match is played in: its name, author and links per game region."""

    name: str = Field(min_length=1, max_length=80)
    author: str | None = Field(default=None, min_length=1, max_length=80)
    links: dict[GameRegion, Link] = Field(default_factory=dict)


class Meeting(_Strict):
    """How two matched players meet in the game, on the match card: the in-game channel to join, and what to do
    there (the lobby settings), per language."""

    channel: str | None = Field(default=None, min_length=1, max_length=40)
    text: str = Field(min_length=1, max_length=600)
    texts: dict[LanguageCode, Annotated[str, StringConstraints(min_length=1, max_length=600)]] = Field(
        default_factory=dict
    )


class Maps(_Strict):
    pool: list[str] = Field(default_factory=list, max_length=25)
    vetoes: int = Field(default=0, ge=0)
    # A map's name in other languages, by its name in the pool: `Radeon = { ko = "라데온" }`.
    names: dict[str, Names] = Field(default_factory=dict)
    # The names a map's replays carry, by its name in the pool: `Radeon = ["[SC:Evo] Radeon (라데온)"]`.
    replay_names: dict[str, list[str]] = Field(default_factory=dict)
    # Who made a map and where to get it, per game region: `Radeon = { author = "...", links = { AM = "..." } }`.
    info: dict[str, MapInfo] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _check(self) -> Self:
        for key, table in (("names", self.names), ("replay_names", self.replay_names), ("info", self.info)):
            for map_name in table:
                if map_name not in self.pool:
                    raise ValueError(f"{key}: {map_name!r} is not in the pool")
        if len(set(self.pool)) != len(self.pool):
            raise ValueError("pool: a map is listed twice")
        if self.pool and 2 * self.vetoes >= len(self.pool):
            raise ValueError(
                f"vetoes: {self.vetoes} vetoes per player would leave no map for two players "
                f"from a pool of {len(self.pool)}; use at most {(len(self.pool) - 1) // 2}"
            )
        if not self.pool and self.vetoes:
            raise ValueError("vetoes: there are no maps to veto")
        return self


class Region(_Strict):
    code: str = Field(min_length=1, max_length=16)
    name: str = Field(min_length=1, max_length=80)
    names: Names = Field(default_factory=dict)


class ServerPair(_Strict):
    regions: tuple[str, str]
    server: str = Field(min_length=1, max_length=80)


class GameServer(_Strict):
    """A game server, named in the pairs by its code (which a match stores); players see its short name."""

    code: str = Field(min_length=1, max_length=16, pattern=r"^[A-Za-z0-9_-]+$")
    name: str = Field(min_length=1, max_length=80)
    short_name: str = Field(min_length=1, max_length=40)
    game_region: GameRegion
    names: Names = Field(default_factory=dict)


class Servers(_Strict):
    default_region: str
    # The server of a pair of regions the table does not list; not needed when it lists every pair.
    fallback: str | None = Field(default=None, min_length=1, max_length=80)
    pairs: list[ServerPair] = Field(default_factory=list)
    # The servers by code, each with its game region (which link of a map or the mod its players need). A ladder
    # without a list names its servers in the pairs as players see them.
    entries: list[GameServer] = Field(default_factory=list, alias="list")
    # A server's name in other languages, for a ladder without a list: `"US West" = { ko = "미국 서부" }`.
    names: dict[str, Names] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _check(self) -> Self:
        codes = {e.code for e in self.entries}
        if codes:
            named = [*(p.server for p in self.pairs), *([self.fallback] if self.fallback else [])]
            for server in named:
                if server not in codes:
                    raise ValueError(
                        f"{server!r} is not a server of the list; expected one of {', '.join(sorted(codes))}"
                    )
        known = {*(p.server for p in self.pairs), *([self.fallback] if self.fallback else [])}
        for server in self.names:
            if server not in known:
                raise ValueError(f"names: {server!r} is not a server of the pairs or the fallback")
        seen: set[frozenset[str]] = set()
        for pair in self.pairs:
            if frozenset(pair.regions) in seen:
                raise ValueError(f"pairs: {'/'.join(pair.regions)} is listed twice")
            seen.add(frozenset(pair.regions))
        return self


class Rating(_Strict):
    start: float = Field(gt=0)
    k_factor: float = Field(gt=0)
    divisor: float = Field(gt=0)
    # What a draw scores for each player (a win scores 1, a loss 0).
    draw_score: float = Field(default=0.5, ge=0, le=1)


class MatchRules(_Strict):
    """The match after it is found: how long players have to confirm and report, and what a no-show costs."""

    confirm_window_s: float = Field(default=90, ge=10, le=3600)
    report_window_s: float = Field(default=3 * 3600, ge=60)
    # Queue cooldown for the player who aborts, and for the one who lets the confirmation run out.
    abort_cooldown_s: float = Field(default=300, ge=0)
    no_show_cooldown_s: float = Field(default=600, ge=0)
    # When only one side reported within the report window: "stands" completes the match with that report,
    # "admins" sends it to the admins as a dispute.
    single_report: Literal["stands", "admins"] = "stands"


class NotifyRules(_Strict):
    """/notify on: a direct message when someone has been waiting in the queue for `delay_s`, at most once per
    cooldown per player (their own, chosen with /notify, else `cooldown_s`)."""

    # A join that is matched or cancelled within this long calls nobody to an empty queue.
    delay_s: float = Field(default=60, ge=0)
    cooldown_s: float = Field(default=1800, ge=60)
    # Players told per sweep, so a sweep never holds its transaction long; the rest are told at the next one.
    max_per_sweep: int = Field(
        default=50, ge=0, le=1000, validation_alias=AliasChoices("max_per_sweep", "max_per_join")
    )


class RankBand(_Strict):
    name: str = Field(min_length=1, max_length=16)
    share: float = Field(gt=0, le=1)
    # Shown before the band's name on the leaderboard (an emoji, say); nothing by default.
    badge: str = Field(default="", max_length=8)


class Ranks(_Strict):
    """Ranks by percentile bands, best first; players without a game in `active_days` are unranked."""

    bands: list[RankBand] = Field(
        default_factory=lambda: [
            RankBand(name=n, share=s)
            for n, s in (("S", 0.01), ("A", 0.07), ("B", 0.21), ("C", 0.21), ("D", 0.21), ("E", 0.21), ("F", 0.08))
        ],
        min_length=1,
    )
    active_days: float = Field(default=28, gt=0)

    @model_validator(mode="after")
    def _check(self) -> Self:
        total = sum(b.share for b in self.bands)
        if abs(total - 1) > 1e-6:
            raise ValueError(f"bands: the shares add up to {total:g}; they must add up to 1")
        return self


class ReplayRules(_Strict):
    """Replays of a match: whether they are asked for, and what their lobby must have been."""

    # off: no replays; optional: a verified replay settles the match; required: reporting waits for one.
    mode: Literal["off", "optional", "required"] = "off"
    # Lobby settings as replays write them (`"Game Speed" = "Faster"`): a replay showing another is refused.
    lobby: dict[str, str] = Field(default_factory=dict)


RulesText = Annotated[str, StringConstraints(min_length=1, max_length=3800)]


class LadderRules(_Strict):
    """The rules a player accepts before their first game. A new `version` asks every player to accept again.

    In the file, `file` and `files` name the texts (paths beside the ladder file, one per language); `text` and
    `texts` hold them once read (or inline). What a player reads must fit one Discord embed."""

    version: str = Field(min_length=1, max_length=64)
    text: RulesText
    texts: dict[LanguageCode, RulesText] = Field(default_factory=dict)


class Notice(_Strict):
    """A notice shown once to the players it concerns, who acknowledge it before their next Join: those who
    queue with one of its `races`, or who may play one of its `maps` (not vetoed); with neither, everyone. A
    new `id` shows it again."""

    id: str = Field(min_length=1, max_length=32, pattern=r"^[a-z0-9_-]+$")
    text: RulesText
    texts: dict[LanguageCode, RulesText] = Field(default_factory=dict)
    races: list[str] = Field(default_factory=list)
    maps: list[str] = Field(default_factory=list)

    def concerns(self, races: Iterable[str], vetoes: Iterable[str], pool: Iterable[str]) -> bool:
        if not self.races and not self.maps:
            return True
        vetoed = set(vetoes)
        return bool(set(self.races) & set(races)) or any(m in self.maps for m in pool if m not in vetoed)


class Matchmaking(_Strict):
    wave_interval_s: float = Field(default=45, gt=0)
    window_base: float = Field(gt=0)
    window_growth: float = Field(ge=0)
    # k > 0: a player's window is also no wider than the gap to their k-th nearest partner on the other side
    # plus window_growth x waves waited, so that where many wait a far pair waits a wave for a closer one
    # (docs/LADDER.md). 0: off.
    window_neighbours: int = Field(default=0, ge=0, le=50)
    max_wait_s: float = Field(gt=0)
    wait_weight: float = Field(default=2.0, ge=0)
    gap_weight: float = Field(default=1.0, ge=0)
    rematch_penalty: float = Field(default=1.0, ge=0)
    # Last call: in the last wave before a player would give up (max_wait_s), their window is unbounded, so a
    # wave matches them if it can match them at all rather than let them leave unmatched.
    last_call: bool = False
    # Which matchmaker pairs a wave: "optimal", the most players then the greatest weight under the keys above;
    # or "greedy", the seed community's matchmaker (closest pairs first, a player of both sides put on the
    # emptier side), which uses the window keys and ignores the weights: the greedy's own point of the trade-off
    # between waits and gaps, for a community that prefers it (docs/LADDER.md); it ignores window_neighbours too.
    algorithm: Literal["optimal", "greedy"] = "optimal"

    @property
    def last_call_waves(self) -> int | None:
        """The waves waited at which a player is in their last wave (the next one is past `max_wait_s`)."""
        return max(0, math.ceil(self.max_wait_s / self.wave_interval_s) - 1) if self.last_call else None


class Ladder(_Strict):
    """One ladder's rules. Build it with `load_ladder` so a mistake is reported by key."""

    ladder: LadderInfo
    sides: list[Side] = Field(default_factory=list)
    races: list[Race] = Field(min_length=1)
    maps: Maps = Field(default_factory=Maps)
    regions: list[Region] = Field(min_length=1)
    servers: Servers
    rating: Rating
    matchmaking: Matchmaking
    match: MatchRules = Field(default_factory=MatchRules)
    ranks: Ranks = Field(default_factory=Ranks)
    notify: NotifyRules = Field(default_factory=NotifyRules)
    replays: ReplayRules = Field(default_factory=ReplayRules)
    rules: LadderRules | None = None
    mod: Mod | None = None
    meeting: Meeting | None = None
    notices: list[Notice] = Field(default_factory=list, max_length=20)

    @model_validator(mode="after")
    def _check_references(self) -> Self:
        problems: list[str] = []
        _unique("sides", [s.code for s in self.sides], problems)
        _unique("races", [r.code for r in self.races], problems)
        _unique("regions", [r.code for r in self.regions], problems)
        if len(self.sides) == 1 or len(self.sides) > 2:
            problems.append(f"sides: a 1v1 ladder has two sides or none, not {len(self.sides)}")
        side_codes = {s.code for s in self.sides}
        for i, race in enumerate(self.races):
            if side_codes and race.side is None:
                problems.append(f"races[{i}].side: missing; race {race.code!r} must name one of {_listed(side_codes)}")
            elif race.side is not None and race.side not in side_codes:
                allowed = _listed(side_codes) if side_codes else "nothing: this ladder has no sides"
                problems.append(f"races[{i}].side: {race.side!r} is not a side; expected {allowed}")
        if self.matchmaking.window_neighbours and not side_codes:
            problems.append(
                "matchmaking.window_neighbours: the cap counts partners on the other side; this ladder has no "
                "sides (use 0)"
            )
        if self.matchmaking.algorithm == "greedy" and not side_codes:
            problems.append(
                "matchmaking.algorithm: 'greedy' pairs one player of each side; this ladder has no sides "
                "(use 'optimal')"
            )
        for side in self.sides:
            if not any(r.side == side.code for r in self.races):
                problems.append(f"sides: side {side.code!r} has no race")
        region_codes = {r.code for r in self.regions}
        if self.servers.default_region not in region_codes:
            problems.append(
                f"servers.default_region: {self.servers.default_region!r} is not a region; "
                f"expected {_listed(region_codes)}"
            )
        for i, pair in enumerate(self.servers.pairs):
            for region in pair.regions:
                if region not in region_codes:
                    problems.append(
                        f"servers.pairs[{i}].regions: {region!r} is not a region; expected {_listed(region_codes)}"
                    )
        if self.servers.fallback is None:
            pairs = len(region_codes) * (len(region_codes) + 1) // 2
            if len(self.server_table) < pairs:
                problems.append(
                    f"servers.fallback: missing; the pairs list {len(self.server_table)} of {pairs} pairs of regions"
                )
        _unique("notices", [n.id for n in self.notices], problems)
        for i, notice in enumerate(self.notices):
            for code in notice.races:
                if code not in self.race_by_code:
                    problems.append(
                        f"notices[{i}].races: {code!r} is not a race; expected {_listed(set(self.race_by_code))}"
                    )
            for name in notice.maps:
                if name not in self.maps.pool:
                    problems.append(f"notices[{i}].maps: {name!r} is not in the map pool")
        if problems:
            raise ValueError("\n".join(problems))
        return self

    @property
    def has_sides(self) -> bool:
        return bool(self.sides)

    @cached_property
    def race_by_code(self) -> Mapping[str, Race]:
        return {r.code: r for r in self.races}

    @cached_property
    def region_codes(self) -> frozenset[str]:
        return frozenset(r.code for r in self.regions)

    @cached_property
    def server_table(self) -> Mapping[frozenset[str], str]:
        return {frozenset(p.regions): p.server for p in self.servers.pairs}

    def server_for(self, region_a: str | None, region_b: str | None) -> str:
        a = region_a or self.servers.default_region
        b = region_b or self.servers.default_region
        return self.server_table.get(frozenset((a, b)), self.servers.fallback or "")

    @cached_property
    def server_by_code(self) -> Mapping[str, GameServer]:
        return {e.code: e for e in self.servers.entries}

    def map_link(self, map_name: str | None, server: str | None) -> str | None:
        """Where the players of a match on this server get the map (the link of the server's game region)."""
        found = self.server_by_code.get(server or "")
        info = self.maps.info.get(map_name or "")
        return info.links.get(found.game_region) if found and info else None

    def mod_link(self, server: str | None) -> str | None:
        found = self.server_by_code.get(server or "")
        return self.mod.links.get(found.game_region) if found and self.mod else None

    @cached_property
    def region_by_code(self) -> Mapping[str, Region]:
        return {r.code: r for r in self.regions}

    @cached_property
    def race_by_replay_name(self) -> Mapping[str, str]:
        """A race as a replay writes it (its code and default name count too), to its code."""
        found: dict[str, str] = {}
        for race in self.races:
            for shown in (race.code, race.name, *race.replay_names):
                found.setdefault(shown.casefold(), race.code)
        return found

    @cached_property
    def map_by_replay_name(self) -> Mapping[str, str]:
        """A map as a replay names it (its pool name counts too), to its name in the pool."""
        found: dict[str, str] = {}
        for name in self.maps.pool:
            for shown in (name, *self.maps.replay_names.get(name, [])):
                found.setdefault(shown.casefold(), name)
        return found

    def races_of_side(self, side: str | None) -> list[Race]:
        return [r for r in self.races if r.side == side]


def _unique(key: str, codes: list[str], problems: list[str]) -> None:
    seen: set[str] = set()
    for code in codes:
        if code in seen:
            problems.append(f"{key}: code {code!r} is used twice")
        seen.add(code)


def _listed(codes: set[str] | frozenset[str]) -> str:
    return "one of " + ", ".join(sorted(codes))


def parse_ladder(data: Mapping[str, Any], source: str = "<ladder>", folder: Path = LADDERS_DIR) -> Ladder:
    """`folder`: where the files the ladder names (its rules) are found."""
    if isinstance(data.get("rules"), dict):
        data = {**data, "rules": _read_rules(data["rules"], folder / source)}
    try:
        return Ladder.model_validate(data)
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            key = _key(err["loc"])
            message = err["msg"].removeprefix("Value error, ")
            if err["type"] == "extra_forbidden":
                message = "unknown key (a typo?)"
            elif err["type"] == "missing":
                message = "missing"
            lines.append(f"{key}: {message}" if key else message)
        raise LadderConfigError(f"ladder file {source} is not valid:\n  " + "\n  ".join(lines)) from None


def load_ladder(path: str | Path | None = None) -> Ladder:
    file = Path(path) if path else DEFAULT_LADDER_FILE
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise LadderConfigError(f"ladder file {file} cannot be read: {exc.strerror}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise LadderConfigError(f"ladder file {file} is not valid TOML: {exc}") from None
    return parse_ladder(data, str(file), folder=file.parent)


def _read_rules(rules: dict[str, Any], ladder_file: Path) -> dict[str, Any]:
    """`file` and `files` replaced by the texts they name (paths relative to the ladder file)."""
    out = {k: v for k, v in rules.items() if k not in ("file", "files")}

    def read(path: object, key: str) -> str:
        where = ladder_file.parent / str(path)
        try:
            return where.read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise LadderConfigError(
                f"ladder file {ladder_file}: rules.{key}: {where} cannot be read: {exc.strerror}"
            ) from None

    if "file" in rules:
        out["text"] = read(rules["file"], "file")
    files = rules.get("files")
    if isinstance(files, dict):
        out["texts"] = {**out.get("texts", {}), **{lang: read(path, f"files.{lang}") for lang, path in files.items()}}
    return out


def _key(loc: tuple[int | str, ...]) -> str:
    key = ""
    for part in loc:
        if isinstance(part, int):
            key += f"[{part}]"
        else:
            key += f".{part}" if key else part
    return key
