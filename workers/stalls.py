"""Named points where a test can hold a worker for a while, to stop it in the middle of a step (a SIGTERM
mid-wave). Inert unless the process was started with LADDER_STALL="point:seconds"."""

from __future__ import annotations

import os
import time


def reached(name: str) -> None:
    point, _, seconds = os.environ.get("LADDER_STALL", "").partition(":")
    if point == name:
        time.sleep(float(seconds or 5))
