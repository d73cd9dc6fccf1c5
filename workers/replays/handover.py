"""The uploads' safety nets: an upload whose hand-over to a reader was lost is handed over again, and the files
of old replays are let go once the ladder's retention has passed."""

from __future__ import annotations

import logging
from collections.abc import Callable

from sqlalchemy.orm import Session, sessionmaker

from db.replays import forget_old_files, take_lost_uploads

log = logging.getLogger(__name__)


def hand_over_lost(sessions: sessionmaker[Session], send: Callable[[int, float], object], after_s: float) -> int:
    """Sends each lost upload to the readers again. A resent task expires before the next resend, so readers
    that were down for an hour find one task per upload waiting, not sixty."""
    with sessions.begin() as session:
        lost = take_lost_uploads(session, after_s)
    for upload_id in lost:
        send(upload_id, after_s * 0.9)
    if lost:
        log.warning("handed %d replay upload(s) over to the readers again: %s", len(lost), lost[:20])
    return len(lost)


def forget_old_replays(sessions: sessionmaker[Session], keep_days: float) -> int:
    with sessions.begin() as session:
        forgotten = forget_old_files(session, keep_days)
    if forgotten:
        log.info("let go of %d replay file(s) older than %g days", forgotten, keep_days)
    return forgotten
