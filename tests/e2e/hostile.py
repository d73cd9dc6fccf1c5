"""What the hostile-input tests check after each forged or odd request: a polite answer, a quiet log, the
database as it was."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from hypothesis import strategies as st
from sqlalchemy import Engine, text

from sandbox.discord_standin import InteractionResult, Message
from tests.e2e.conftest import E2E_STATE
from tests.ladder_tables import dump

# Beat writes a row here on every tick whether anything happens or not: not the players' doing.
# An admin's preview is kept to be confirmed or cancelled: it changes nothing of the ladder until confirmed.
_NOT_COMPARED = frozenset({"waves", "admin_previews"})
_TROUBLE = ("Traceback", " ERROR ", " CRITICAL ", "Ignoring exception")
# Words a player must never see: the bot's insides.
_INSIDES = ("Traceback", "Exception", "exception", "psycopg", "sqlalchemy", "Error:", "NoneType")

# Odd text: control characters, NUL, right-to-left marks, combining marks, emoji, surrogates' neighbours,
# markdown and mentions, and the empty string.
ODD_TEXT = st.one_of(
    st.text(max_size=120),
    st.text(st.characters(codec="utf-8"), min_size=1, max_size=100),
    st.sampled_from(
        [
            "\x00",
            "EU\x00",
            "\u202eUE",
            "e\u0301\u0301\u0301\u0301",
            "🏳️‍🌈" * 20,
            "@everyone",
            "<@&1>",
            "**bold** `code` ||spoiler||",
            "'; DROP TABLE players; --",
            "%s %(x)s {0} {x}",
            " ",
            "\ufeff",
            "\U0010ffff",
            "eu",
            " EU ",
            "bw_zerg",
        ]
    ),
)
# Strings at Discord's lengths and beyond (forged requests only can carry the longer ones).
HUGE_TEXT = st.builds(lambda ch, n: ch * n, st.characters(codec="utf-8"), st.sampled_from([100, 101, 1000, 6000]))
SNOWFLAKES = st.one_of(
    st.integers(1, 2**63 - 1), st.sampled_from([1, 2**63 - 1, 2**63, 2**64 - 1]), st.integers(2**63, 2**64 - 1)
)
DB_INTEGERS = st.one_of(st.integers(-(2**70), 2**70), st.sampled_from([0, -1, 1, 2**31, 2**63 - 1, 2**63, 10**30]))


def ladder_state(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    return {table: rows for table, rows in dump(engine).items() if table not in _NOT_COMPARED}


def at_rest(engine: Engine) -> None:
    """Ends earlier tests' unfinished matches without events, so no deadline moves a row while a test compares."""
    with engine.begin() as conn:
        conn.execute(
            text(
                "UPDATE matches SET state = 'invalidated', ended_at = now() "
                "WHERE state IN ('awaiting_confirmation', 'confirmed')"
            )
        )


class Logs:
    """The lines the ladder's processes log from now on."""

    def __init__(self, *names: str) -> None:
        self._paths = [E2E_STATE / name for name in names]
        self._offsets = {p: _size(p) for p in self._paths}

    def trouble(self) -> list[str]:
        found = []
        for path in self._paths:
            with path.open("rb") as f:
                f.seek(self._offsets[path])
                found += [
                    line for line in f.read().decode(errors="replace").splitlines() if any(t in line for t in _TROUBLE)
                ]
        return found


def _size(path: Path) -> int:
    return path.stat().st_size if path.exists() else 0


@contextmanager
def nothing_changes(engine: Engine) -> Iterator[None]:
    before = _at_rest_state(engine)
    yield
    after = ladder_state(engine)
    changed = {t: (before[t], after[t]) for t in before if before[t] != after[t]}
    assert not changed, f"the database changed: {changed}"


def _at_rest_state(engine: Engine, timeout: float = 10.0) -> dict[str, list[tuple[Any, ...]]]:
    """The state once the earlier steps have settled: the bot records a delivery just after Discord took the
    edit, so a test that saw the edit may look a moment before the record is written."""
    deadline = time.monotonic() + timeout
    state = ladder_state(engine)
    while time.monotonic() < deadline:
        time.sleep(0.3)
        again = ladder_state(engine)
        if again == state:
            return state
        state = again
    return state


def polite(result: InteractionResult, *, private: bool = True) -> Message:
    """The answer the player sees: given in time, shown to them alone, in plain words."""
    assert result.answered and not result.failed, "the bot did not answer within Discord's 3 seconds"
    message = result.message
    assert message is not None and message.text().strip(), "the bot answered with nothing to read"
    assert not private or message.ephemeral, f"a refusal must be private: {message.text()[:200]!r}"
    assert not any(word in message.text() for word in _INSIDES), f"the bot's insides shown: {message.text()[:300]!r}"
    return message
