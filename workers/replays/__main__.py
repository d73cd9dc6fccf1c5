"""`python -m workers.replays FILE... [--ladder PATH]`: each replay as the workers read it, one JSON object per
line, for operators and tests. Exits 0 when every file was readable, 1 otherwise; never a traceback.

Without `--ladder` the checks that need the ladder (races, map, lobby) are not made and `race_code` and
`ladder_map` are null.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from db.ladder import Ladder, LadderConfigError, load_ladder
from workers.replays.checks import ladder_map, problems, race_code
from workers.replays.facts import ReplayError, ReplayFacts, read_replay

# Bigger than any 1v1 replay (the community's are about 33 KB): a file this size is read no further.
MAX_BYTES = 20 * 1024 * 1024


def describe(name: str, facts: ReplayFacts, ladder: Ladder | None) -> dict[str, Any]:
    return {
        "file": name,
        "readable": facts.readable,
        "error": {"code": facts.error.code, "message": facts.error.message} if facts.error else None,
        "players": [
            {
                "name": p.name,
                "race": p.race,
                "race_code": race_code(ladder, p.race) if ladder and p.human else None,
                "result": p.result,
                "human": p.human,
                "region": p.region,
            }
            for p in facts.players
        ],
        "observers": facts.observers,
        "map": facts.map,
        "ladder_map": ladder_map(ladder, facts.map) if ladder else None,
        "game_length_s": facts.game_length_s,
        "ended_at": facts.ended_at.isoformat() if facts.ended_at else None,
        "one_v_one": facts.one_v_one,
        "problems": [{"code": p.code, "message": p.message} for p in problems(facts, ladder)],
    }


def read_file(path: Path) -> ReplayFacts:
    try:
        with path.open("rb") as f:
            data = f.read(MAX_BYTES + 1)
    except OSError as exc:
        return ReplayFacts(readable=False, error=ReplayError("no_file", f"{exc.strerror or exc}"))
    if len(data) > MAX_BYTES:
        return ReplayFacts(readable=False, error=ReplayError("too_big", f"over {MAX_BYTES // 1024 // 1024} MB"))
    return read_replay(data)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m workers.replays", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--ladder", type=Path, help="the ladder file whose races, maps and lobby to check against")
    args = parser.parse_intermixed_args(argv)
    ladder = None
    if args.ladder:
        try:
            ladder = load_ladder(args.ladder)
        except (LadderConfigError, OSError) as exc:
            print(f"cannot use the ladder file: {exc}", file=sys.stderr)
            return 2
    all_readable = True
    for path in args.files:
        facts = read_file(path)
        all_readable &= facts.readable
        print(json.dumps(describe(str(path), facts, ladder), ensure_ascii=False))
    return 0 if all_readable else 1


if __name__ == "__main__":
    sys.exit(main())
