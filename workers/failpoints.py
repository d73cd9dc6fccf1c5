"""Named points where a test can make a worker die as a crash would (SIGKILL), to prove nothing is lost.

Inert unless the process was started with LADDER_FAILPOINT naming the point.
"""

from __future__ import annotations

import os
import signal


def reached(name: str) -> None:
    if os.environ.get("LADDER_FAILPOINT") == name:
        os.kill(os.getpid(), signal.SIGKILL)
