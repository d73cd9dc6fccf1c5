"""Celery's configuration: the broker, the beat schedule and the task options."""

from __future__ import annotations

from db.settings import get_settings
from workers.beat_scheduler import schedule_timings

_settings = get_settings()
_wave_interval = _settings.wave_interval()

broker_url = _settings.redis_url
# Results are only for Flower and the tests to read; they expire within the hour.
result_backend = _settings.redis_url
result_expires = 3600
task_default_queue = _settings.celery_queue
# Replays are read by workers of their own (the Procfile's `replays`): a slow file never delays a wave.
task_routes = {"ladder.check_replay": {"queue": _settings.replay_queue}}
task_serializer = "json"
result_serializer = "json"
accept_content = ["json"]
timezone = "UTC"
worker_hijack_root_logger = False
# A wave that dies with its worker is not redone by another: the next tick comes within the interval.
task_acks_late = False
worker_prefetch_multiplier = 1
broker_connection_retry_on_startup = True
worker_send_task_events = True
task_send_sent_event = True

# Any number of beats may run (the Procfile's `beat`, scaled): RedBeat keeps the schedule in Redis, and only the
# beat holding its lock sends ticks; a standby takes over within one wave interval of the active one dying.
beat_scheduler = "workers.beat_scheduler:LadderScheduler"
redbeat_redis_url = _settings.redis_url
# One ladder's schedule and lock apart from another's on the same Redis (they have different queues already).
redbeat_key_prefix = f"{_settings.celery_queue}:redbeat"
redbeat_redis_options = {"socket_timeout": 10.0, "socket_connect_timeout": 5.0}
beat_max_loop_interval, redbeat_lock_timeout = schedule_timings(_wave_interval)

beat_schedule = {
    "matchmaking-wave": {
        "task": "ladder.matchmaking_wave",
        "schedule": _wave_interval,
        # A tick still queued when the next one is due is dropped rather than piling up.
        "options": {"expires": _wave_interval * 0.8},
    },
    "relay-outbox": {
        "task": "ladder.relay_outbox",
        "schedule": _settings.relay_interval_s,
        "options": {"expires": _settings.relay_interval_s * 0.8},
    },
    "expire-entries": {
        "task": "ladder.expire_entries",
        "schedule": 30.0,
        "options": {"expires": 25.0},
    },
    "match-deadlines": {
        "task": "ladder.match_deadlines",
        "schedule": _settings.deadline_sweep_s,
        "options": {"expires": _settings.deadline_sweep_s * 0.8},
    },
    "ping-waiting": {
        "task": "ladder.ping_waiting",
        "schedule": _settings.notify_sweep_s,
        "options": {"expires": _settings.notify_sweep_s * 0.8},
    },
    "check-ratings": {
        "task": "ladder.check_ratings",
        "schedule": 86400.0,
        "options": {"expires": 3600.0},
    },
    "hand-over-replays": {
        "task": "ladder.hand_over_replays",
        "schedule": _settings.replay_handover_s,
        "options": {"expires": _settings.replay_handover_s * 0.8},
    },
    "forget-old-replays": {
        "task": "ladder.forget_old_replays",
        "schedule": 3600.0,
        "options": {"expires": 3000.0},
    },
    "trim-stream": {
        "task": "ladder.trim_stream",
        "schedule": 60.0,
        "options": {"expires": 50.0},
    },
}
