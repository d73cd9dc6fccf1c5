"""The stand-in's time: wall time plus whatever the tests have skipped ahead.

It follows the wall clock so that a long demo ages interaction tokens the way Discord does, and it can be
moved forward so that a test reaches the 15-minute token limit without waiting for it.
"""

from __future__ import annotations

import time


class Clock:
    def __init__(self) -> None:
        self._offset = 0.0

    def now(self) -> float:
        return time.time() + self._offset

    def advance(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("the stand-in's clock only moves forward")
        self._offset += seconds
