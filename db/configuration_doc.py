"""docs/CONFIGURATION.md, written from the settings class: each setting is documented where it is declared.

python -m db.configuration_doc     # writes docs/CONFIGURATION.md (make docs)
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import SecretStr
from pydantic.fields import FieldInfo

from db.settings import PROJECT_DIR, Settings

DOC = PROJECT_DIR / "docs" / "CONFIGURATION.md"

_HEAD = """# Configuration

Every process reads its settings from the environment (or a `.env` file in the working directory; see
`.env.example`). Written by `make docs` from `db/settings.py`, where each setting is declared and documented;
a test fails when this file and the settings differ. Empty values count as unset.

| variable | default | meaning |
|---|---|---|
"""


def render() -> str:
    rows = [_row(name, field) for name, field in Settings.model_fields.items()]
    return _HEAD + "\n".join(rows) + "\n"


def _row(name: str, field: FieldInfo) -> str:
    if not field.description:
        raise ValueError(f"the setting {name} has no description in db/settings.py")
    return f"| `{name.upper()}` | {_default(field.default)} | {field.description} |"


def _default(value: Any) -> str:
    if value is None or value == "" or (isinstance(value, SecretStr) and not value.get_secret_value()):
        return "—"
    if isinstance(value, Path):
        return f"`{value.relative_to(PROJECT_DIR)}/`" if value.is_relative_to(PROJECT_DIR) else f"`{value}`"
    if isinstance(value, list):
        return f"`{json.dumps(value)}`"
    return f"`{value}`"


def main() -> None:
    DOC.write_text(render())
    print(f"written to {DOC}")


if __name__ == "__main__":
    main()
