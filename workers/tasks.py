"""Celery tasks: thin, each hands over to a plain function."""

from __future__ import annotations

import os
from dataclasses import asdict
from typing import Any

from celery.signals import task_success, worker_init, worker_shutdown

from db.lost_events import recover_lost
from db.outbox import publish, trim_stream
from db.settings import get_settings
from workers import metrics
from workers.celery import app
from workers.charts import service as charts
from workers.charts.drawing import ChartWords
from workers.deadlines import sweep
from workers.pairing import warm_up
from workers.queue_pings import ping_who_asked
from workers.reconcile import check_ratings
from workers.replays.check import check_upload
from workers.replays.handover import forget_old_replays, hand_over_lost
from workers.runtime import runtime
from workers.wave import expire_entries, run_wave

REPLAY_SOFT_LIMIT_S = 30


@worker_init.connect
def warm_up_pairing(**_: Any) -> None:
    """The pairing's compiled kernels, ready before the first wave (prefork children inherit them)."""
    warm_up()


# How much lower a replay reader's CPU priority is than a wave's: on a machine the two share, parsing takes
# what the waves leave (Linux's nice; the pool processes inherit it).
REPLAY_READER_NICENESS = 19


@worker_init.connect
def yield_to_waves(sender: Any = None, **_: Any) -> None:
    """A worker that reads only replays (the Procfile's `replays`) runs below the waves' priority."""
    consumed = set(sender.app.amqp.queues.consume_from or {}) if sender is not None else set()
    if consumed == {get_settings().replay_queue} and hasattr(os, "nice"):
        os.nice(REPLAY_READER_NICENESS)


_metrics_server: metrics.MetricsServer | None = None


@worker_init.connect
def serve_metrics(**_: Any) -> None:
    """In the main process, before the pool forks: the pool processes inherit where metrics are written."""
    global _metrics_server
    settings = get_settings()
    if settings.worker_metrics_port:
        _metrics_server = metrics.serve(settings.worker_metrics_port, settings.database_url, settings.redis_url,
                                        settings.event_stream, settings.consumer_group)  # fmt: skip


@worker_shutdown.connect
def stop_serving_metrics(**_: Any) -> None:
    if _metrics_server is not None:
        _metrics_server.stop()


@task_success.connect
def count_in_metrics(sender: Any = None, result: Any = None, **_: Any) -> None:
    """In the process that ran the task, from what it returned: the tasks themselves stay as they are."""
    if sender is not None:
        metrics.record_task(sender.name, result)


@app.task(name="ladder.matchmaking_wave")
def matchmaking_wave() -> dict[str, Any]:
    rt = runtime()
    return asdict(run_wave(rt.sessions, rt.redis, rt.stream, rt.ladder))


@app.task(name="ladder.relay_outbox")
def relay_outbox() -> int:
    """Publishes events a worker committed but did not publish (it died in between), and again those the
    stream lost before every player saw them (Redis restarted without its data)."""
    rt = runtime()
    return publish(rt.sessions, rt.redis, rt.stream, min_age_s=1.0) + recover_lost(rt.sessions, rt.redis, rt.stream)


@app.task(name="ladder.expire_entries")
def expire_overdue_entries() -> int:
    rt = runtime()
    return expire_entries(rt.sessions, rt.redis, rt.stream, rt.ladder)


# Drawing holds a pool process for a tenth of a second or so: a wave's tick waits at most that behind one.
@app.task(name="ladder.draw_chart", ignore_result=True, soft_time_limit=20, time_limit=30)
def draw_chart(kind: str, subject: dict[str, Any], words: dict[str, Any], reply_to: str) -> int:
    """Draws the chart the bot asked for and hands it back on `reply_to`; how many bytes it is."""
    rt = runtime()
    try:
        picture = charts.chart(rt.sessions, rt.redis, kind, subject, ChartWords(**words))
    except Exception:
        charts.answer(rt.redis, reply_to, charts.FAILED)
        raise
    charts.answer(rt.redis, reply_to, picture)
    return len(picture)


@app.task(name="ladder.trim_stream")
def trim_event_stream() -> int:
    rt = runtime()
    return trim_stream(rt.redis, rt.stream)


# Its own queue (`replay_queue`), so a wave never waits behind a replay; the time limits end a file that
# would hold a worker for ever (the soft one marks the upload failed, the hard one ends the child process).
@app.task(name="ladder.check_replay", soft_time_limit=REPLAY_SOFT_LIMIT_S, time_limit=REPLAY_SOFT_LIMIT_S + 15)
def check_replay(upload_id: int) -> str:
    rt = runtime()
    return check_upload(rt.sessions, rt.redis, rt.stream, rt.ladder, upload_id)


@app.task(name="ladder.hand_over_replays")
def hand_over_replays() -> int:
    """Uploads the bot stored but whose hand-over to a reader was lost: sent to the readers again."""
    rt = runtime()
    settings = get_settings()
    return hand_over_lost(rt.sessions, lambda upload_id, expires: check_replay.apply_async(
        args=(upload_id,), queue=settings.replay_queue, expires=expires), settings.replay_handover_s)  # fmt: skip


@app.task(name="ladder.forget_old_replays")
def forget_replay_files() -> int:
    return forget_old_replays(runtime().sessions, get_settings().replay_keep_days)


@app.task(name="ladder.ping_waiting")
def ping_waiting() -> int:
    """/notify: players who asked are told that others have been waiting (each at most once per cooldown)."""
    rt = runtime()
    return ping_who_asked(rt.sessions, rt.redis, rt.stream, rt.ladder)


@app.task(name="ladder.check_ratings")
def check_ratings_against_history() -> int:
    """Daily: every rating and counter against the completed matches and the admins' changes."""
    rt = runtime()
    return check_ratings(rt.sessions, rt.redis, rt.stream, rt.ladder)


@app.task(name="ladder.match_deadlines")
def match_deadlines() -> dict[str, int]:
    """Reminders to confirm, confirmations that ran out, report windows that closed."""
    rt = runtime()
    swept = sweep(rt.sessions, rt.redis, rt.stream, rt.ladder)
    return {"reminded": swept.reminded, "timed_out": swept.timed_out, "settled": swept.settled,
            "disputed": swept.disputed}  # fmt: skip
