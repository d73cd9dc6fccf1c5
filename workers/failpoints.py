"""Named points where a test can make a worker die as a crash would (SIGKILL), to prove nothing is lost, or
stall there (to stop a process in the middle of a step).

Inert unless the process was started with LADDER_FAILPOINT naming the point: `name` kills the process there,
`name:sleep=SECONDS` holds it there that long.
"""

from __future__ import annotations

import os
import signal
import time


def reached(name: str) -> None:
    point, _, action = os.environ.get("LADDER_FAILPOINT", "").partition(":")
    if point != name:
        return
    if action.startswith("sleep="):
        time.sleep(float(action.removeprefix("sleep=")))
    else:
        os.kill(os.getpid(), signal.SIGKILL)
