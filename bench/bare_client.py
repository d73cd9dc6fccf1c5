"""The ceiling a burst is measured against: a plain aiohttp client in a process of its own (as the bot is) sends
the bot's own edits of a burst to the same stand-in again, as fast as it can with as many in flight as the bot
allows itself.

    python -m bench.bare_client API_BASE EDITS_FILE AT_ONCE     # prints edits per second

EDITS_FILE holds one JSON object per line: {"path": ..., "text": ...}, each a PATCH to API_BASE + path.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from pathlib import Path

import aiohttp


async def edits_per_s(api_base: str, edits: list[dict[str, str]], at_once: int) -> float:
    slots = asyncio.Semaphore(at_once)
    headers = {"Content-Type": "application/json"}

    async def send(session: aiohttp.ClientSession, edit: dict[str, str]) -> None:
        async with slots, session.patch(api_base + edit["path"], data=edit["text"], headers=headers) as response:
            await response.read()
            # A refused edit is no edit: the ceiling counts only what the stand-in did.
            if response.status != 200:
                raise RuntimeError(f"the stand-in answered {response.status} to a replayed edit")

    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=at_once)) as session:
        started = time.monotonic()
        await asyncio.gather(*(send(session, edit) for edit in edits))
        return len(edits) / (time.monotonic() - started)


def main() -> None:
    api_base, edits_file, at_once = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3])
    edits = [json.loads(line) for line in edits_file.read_text().splitlines() if line.strip()]
    print(round(asyncio.run(edits_per_s(api_base, edits, at_once)), 1))


if __name__ == "__main__":
    main()
