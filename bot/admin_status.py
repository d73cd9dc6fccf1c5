"""What `/admin status` tells an admin: the queue, the last wave, events not yet shown, failures, the bot."""

from __future__ import annotations

from bot.drawing.renderings import timestamp
from bot.health import BotHealth
from db.status import LadderStatus, StreamStatus


def status_text(ladder: LadderStatus, stream: StreamStatus | None, health: BotHealth | None) -> str:
    lines = [f"**Queue**: {ladder.waiting} waiting" + (
        f", the longest for {duration(ladder.oldest_wait_s)}." if ladder.waiting else "."
    )]  # fmt: skip
    wave = ladder.last_wave
    if wave is None:
        lines.append("**Last wave**: none yet.")
    else:
        lines.append(
            f"**Last wave**: #{wave.id} {timestamp(wave.started_at)}, {wave.matched_pairs} "
            f"match{'es' if wave.matched_pairs != 1 else ''} of {wave.claimed} waiting, in {wave.duration_s:.2f} s."
        )
    if stream is None:
        shown = "the event stream cannot be reached"
    else:
        unread = f", {stream.unread} not yet read" if stream.unread is not None else ""
        shown = f"{stream.pending} being shown{unread}"
    lines.append(f"**Events not yet shown**: {shown}; {ladder.outbox_unpublished} not yet published.")
    lines.append(f"**Failed deliveries**: {ladder.delivery_failures} (players the bot could not reach at all).")
    if health is not None:
        gateway = "connected" if health.gateway_connected else "**disconnected**"
        listener = "running" if health.listener_alive else "**stopped**"
        lines.append(f"**Bot**: gateway {gateway} ({health.gateway_drops} drops), listener {listener}.")
    return "\n".join(lines)


def duration(seconds: float) -> str:
    seconds = int(seconds)
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min {seconds % 60} s"
    return f"{seconds // 3600} h {seconds % 3600 // 60} min"
