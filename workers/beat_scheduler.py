"""The beat scheduler: RedBeat's, so that several beats can run and exactly one schedules.

RedBeat keeps the schedule (each entry's last run) in Redis and lets only the beat holding its lock send
ticks; the others wait for the lock. A beat that dies unannounced (SIGKILL, a lost host) keeps the lock until
it expires, so the lock's timeout sets how long the ladder goes without a scheduler: `schedule_timings` makes
a standby take over within one wave interval. The standby reads the last runs from Redis and sends a wave that
fell due meanwhile at once.

What RedBeat alone does not survive, and this subclass does: a Redis that restarts without its data (the lock
and the schedule are gone: the beat that held the lock stands by again, and whichever beat takes it installs
the schedule again), a Redis out of reach for a moment (the beat waits and retries rather than exiting), and a
beat that stalled past its lock's timeout (another took over: it stands by).
"""

from __future__ import annotations

import logging
from typing import Any

from redbeat.schedulers import LUA_EXTEND_TO_SCRIPT, RedBeatScheduler, get_redis
from redis.exceptions import LockError, RedisError

log = logging.getLogger(__name__)

# The beat's loop never sleeps longer than this, whatever the interval (the lock is extended once a loop).
LONGEST_LOOP_S = 5.0
# A lock's timeout is a whole number of seconds (RedBeat extends it by int(timeout)): 1 s would leave no room
# for a loop that runs late.
SHORTEST_LOCK_S = 2


def schedule_timings(wave_interval_s: float) -> tuple[float, int]:
    """The beat's longest sleep and its lock's timeout. A standby takes the lock at most timeout + sleep after
    the active beat last extended it, which is within one wave interval (for intervals of 5 s and more), while
    the active beat extends its lock at least three times per timeout."""
    lock_s = max(SHORTEST_LOCK_S, min(30, int(wave_interval_s * 0.6)))
    loop_s = min(LONGEST_LOOP_S, lock_s / 3, wave_interval_s / 5)
    return loop_s, lock_s


class LadderScheduler(RedBeatScheduler):  # type: ignore[misc]
    lock: Any = None
    closed = False

    def close(self) -> None:
        self.closed = True
        super().close()

    def tick(self, min: Any = min, **kwargs: Any) -> float:
        if self.closed:
            # SIGTERM's handler closed the scheduler (the lock released) and raised SystemExit, which Celery's
            # code can swallow (it may land in a destructor). A closed beat ends rather than take the lock again.
            raise SystemExit()
        try:
            if self.lock_key and self.lock is None:
                self._stand_by()
            self._install_schedule_if_lost()
            return float(super().tick(min=min, **kwargs))
        except LockError:
            log.warning("beat: lost the schedule lock (Redis lost its data, or this beat stalled); standing by")
            self.lock = None
            return 0.0
        except RedisError as exc:
            log.warning("beat: Redis out of reach (%s); trying again", type(exc).__name__)
            return float(self.max_interval)

    def _stand_by(self) -> None:
        """Waits for the lock, as a beat that starts while another schedules does (RedBeat's own start-up)."""
        client = get_redis(self.app)
        lock = client.lock(self.lock_key, timeout=self.lock_timeout, sleep=self.max_interval)
        lock.lua_extend = client.register_script(LUA_EXTEND_TO_SCRIPT)
        log.info("beat: standing by for the schedule lock")
        lock.acquire()
        self.lock = lock
        log.info("beat: Acquired lock")

    def _install_schedule_if_lost(self) -> None:
        if not get_redis(self.app).exists(self.app.redbeat_conf.statics_key):
            log.warning("beat: the schedule is gone from Redis (it lost its data); installing it again")
            self.setup_schedule()
