"""The text inputs of a submitted form (modal), read from the interaction's raw data."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any


def form_values(data: Any, keys: Collection[str], longest: int) -> dict[str, str]:
    """The inputs named `keys`, by custom id, each cut to `longest`: a forged submission may carry anything."""
    found: dict[str, str] = {}

    def walk(components: object) -> None:
        if not isinstance(components, list):
            return
        for c in components[:10]:
            if not isinstance(c, dict):
                continue
            if isinstance(c.get("component"), dict):
                walk([c["component"]])
            walk(c.get("components"))
            custom_id, value = c.get("custom_id"), c.get("value")
            if custom_id in keys and isinstance(value, str):
                found[str(custom_id)] = value[:longest]

    walk((data or {}).get("components"))
    return found
