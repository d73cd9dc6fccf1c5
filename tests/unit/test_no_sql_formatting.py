"""No SQL is built by string formatting anywhere in the project (CI fails when some is).

The rule: a statement handed to the database is a literal (or a name bound to one), with every value passed
as a bound parameter (`text("... WHERE id = :p"), {"p": player_id}`) or built by SQLAlchemy's expression
language. An f-string, `%`, `.format()` on a string, `+` or `"".join()` that feeds `text()`, `execute()`,
`executemany()`, `exec_driver_sql()`, a cursor's `copy()` or psycopg's `sql.SQL()` is refused, whether it is
written inline or first bound to a name in the same scope. Identifiers that must vary (a database's name, a
table's) are composed with psycopg's `sql.SQL("... {}").format(sql.Identifier(name))`, which quotes them:
`.format()` on an `sql.SQL` object is that composition and is allowed; on a `str` it is not.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2]
SCANNED = ("bot", "db", "workers", "sandbox", "bench", "tests", "celeryconfig.py")
# Calls whose first argument is SQL.
SQL_SINKS = frozenset({"text", "execute", "executemany", "exec_driver_sql", "SQL", "copy"})


def _python_files() -> Iterator[Path]:
    for name in SCANNED:
        path = PROJECT / name
        if path.is_file():
            yield path
        elif path.is_dir():
            yield from sorted(p for p in path.rglob("*.py") if ".venv" not in p.parts)


def _sink_name(call: ast.Call) -> str | None:
    func = call.func
    name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else None
    return name if name in SQL_SINKS else None


def _is_string_formatting(node: ast.expr) -> bool:
    """An expression that builds a string from parts at run time."""
    if isinstance(node, ast.JoinedStr):
        return any(isinstance(v, ast.FormattedValue) for v in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
        return isinstance(node.left, ast.Constant | ast.JoinedStr) and isinstance(getattr(node.left, "value", ""), str)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        # Two literals glued together are still one literal; anything else is a string assembled at run time.
        return not (_is_literal(node.left) and _is_literal(node.right))
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        receiver = node.func.value
        if node.func.attr in ("format", "join") and isinstance(receiver, ast.Constant):
            return isinstance(receiver.value, str)
    return False


def _is_literal(node: ast.expr) -> bool:
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    return (
        isinstance(node, ast.BinOp)
        and isinstance(node.op, ast.Add)
        and _is_literal(node.left)
        and _is_literal(node.right)
    )


def _formatted_names(scope: ast.AST) -> set[str]:
    """Names a scope binds to a formatted string (so `q = f"..."; execute(q)` is caught too)."""
    names: set[str] = set()
    for node in ast.walk(scope):
        if isinstance(node, ast.Assign) and _is_string_formatting(node.value):
            names |= {t.id for t in node.targets if isinstance(t, ast.Name)}
        elif (
            isinstance(node, ast.AnnAssign | ast.AugAssign)
            and node.value is not None
            and isinstance(node.target, ast.Name)
            and (isinstance(node, ast.AugAssign) or _is_string_formatting(node.value))
        ):
            names.add(node.target.id)
    return names


def sql_formatting_in(source: str, filename: str = "<source>") -> list[str]:
    """Each place in the source where formatted SQL reaches the database, as `file:line: call(...)`."""
    tree = ast.parse(source, filename)
    formatted = _formatted_names(tree)
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        sink = _sink_name(node)
        if sink is None:
            continue
        statement = node.args[0]
        if _is_string_formatting(statement) or (isinstance(statement, ast.Name) and statement.id in formatted):
            found.append(f"{filename}:{node.lineno}: {sink}({ast.unparse(statement)[:80]})")
    return found


def test_the_project_builds_no_sql_by_string_formatting() -> None:
    found = [
        hit for path in _python_files() for hit in sql_formatting_in(path.read_text(), str(path.relative_to(PROJECT)))
    ]
    assert found == [], "SQL built by string formatting (bind the values as parameters):\n" + "\n".join(found)


@pytest.mark.parametrize(
    "source",
    [
        'session.execute(text(f"SELECT * FROM players WHERE id = {player_id}"))',
        "conn.execute(text(\"SELECT * FROM players WHERE name = '%s'\" % name))",
        "conn.execute(text(\"SELECT * FROM players WHERE name = '{}'\".format(name)))",
        'conn.execute(text("SELECT * FROM " + table))',
        'conn.exec_driver_sql(f"DROP DATABASE {name}")',
        'cursor.execute(f"DELETE FROM players WHERE id = {pid}")',
        'conn.execute(sql.SQL(f"CREATE DATABASE {name}"))',
        'query = f"SELECT * FROM matches WHERE id = {m}"\nsession.execute(text(query))',
        'q = "SELECT * FROM matches WHERE id = "\nq += str(m)\ncursor.execute(q)',
        'conn.execute(text(", ".join(columns)))',
    ],
)
def test_the_check_catches_formatted_sql(source: str) -> None:
    assert len(sql_formatting_in(source)) == 1


@pytest.mark.parametrize(
    "source",
    [
        'session.execute(text("SELECT * FROM players WHERE id = :p"), {"p": player_id})',
        'conn.execute(text("SELECT 1 " "FROM players"))',
        'conn.execute(text("SELECT * FROM players " + "WHERE banned"))',
        'conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))',
        'log.info(f"executed {n} statements")',
        "session.execute(select(Player).where(Player.id == player_id))",
    ],
)
def test_the_check_allows_bound_parameters_and_identifier_composition(source: str) -> None:
    assert sql_formatting_in(source) == []
