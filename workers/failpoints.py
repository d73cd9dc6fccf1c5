"""Named points where a test can make a worker die as a crash would (SIGKILL), to prove nothing is lost.

Inert unless the process was started with LADDER_FAILPOINT naming the point (it dies there every time), or
with LADDER_FAILPOINT_FILE: then it dies at the point the file names, once, when something writes the file
(the chaos run arms a running worker this way).
"""

from __future__ import annotations

import os
import signal
from pathlib import Path


def reached(name: str) -> None:
    if os.environ.get("LADDER_FAILPOINT") == name or _armed(name):
        os.kill(os.getpid(), signal.SIGKILL)


def _armed(name: str) -> bool:
    path = os.environ.get("LADDER_FAILPOINT_FILE")
    if not path:
        return False
    armed = Path(path)
    try:
        if armed.read_text().strip() != name:
            return False
        armed.unlink()
    except OSError:  # not armed, or another process of the worker took it first
        return False
    return True
