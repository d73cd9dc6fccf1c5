"""Admin actions shown before they are done: kept with what the preview said they would do, taken once by the
admin who asked, within PREVIEW_TTL_S."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

# A preview left this long is stale: the ladder may have moved on since it was drawn.
PREVIEW_TTL_S = 900


@dataclass(frozen=True)
class Preview:
    id: int
    actor_id: int
    action: str
    params: dict[str, Any]
    shown: Any


class Taken:
    """Why a preview could not be taken (the bot words these for the admin)."""

    GONE = "gone"  # no such preview
    NOT_YOURS = "not_yours"
    DECIDED = "decided"  # confirmed or cancelled already
    EXPIRED = "expired"


def normal(value: Any) -> Any:
    """As JSON keeps it: what a confirmation compares against the stored preview."""
    return json.loads(json.dumps(value, default=str))


def keep(session: Session, actor_id: int, action: str, params: dict[str, Any], shown: Any) -> int:
    # Previews are worth nothing once decided or stale: a week's are kept for a look, older ones go.
    session.execute(text("DELETE FROM admin_previews WHERE created_at < now() - interval '7 days'"))
    return int(
        session.execute(
            text(
                "INSERT INTO admin_previews (actor_id, action, params, shown)"
                " VALUES (:a, :action, CAST(:params AS jsonb), CAST(:shown AS jsonb)) RETURNING id"
            ),
            {"a": actor_id, "action": action, "params": json.dumps(params), "shown": json.dumps(normal(shown))},
        ).scalar_one()
    )


def take(session: Session, preview_id: int, actor_id: int) -> Preview | str:
    """The preview, locked until the caller's transaction ends; or why it cannot be taken."""
    row = session.execute(
        text(
            "SELECT id, actor_id, action, params, shown, decision,"
            " created_at < now() - make_interval(secs => :ttl) AS expired"
            " FROM admin_previews WHERE id = :p FOR UPDATE"
        ),
        {"p": preview_id, "ttl": PREVIEW_TTL_S},
    ).one_or_none()
    if row is None:
        return Taken.GONE
    if row.actor_id != actor_id:
        return Taken.NOT_YOURS
    if row.decision is not None:
        return Taken.DECIDED
    if row.expired:
        return Taken.EXPIRED
    return Preview(row.id, row.actor_id, row.action, dict(row.params), row.shown)


def decide(session: Session, preview_id: int, decision: str) -> bool:
    """Marks the preview confirmed, cancelled or stale; False if it was decided already."""
    return (
        session.execute(
            text(
                "UPDATE admin_previews SET decision = :d, decided_at = now()"
                " WHERE id = :p AND decision IS NULL RETURNING id"
            ),
            {"p": preview_id, "d": decision},
        ).scalar()
        is not None
    )
