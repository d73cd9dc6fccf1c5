"""What an admin action did, in words for the admin and the admins' log channel (English only: admins' texts)."""

from __future__ import annotations

from db.admin import Done, Note
from db.replays import UploadShown

_SAID = {
    Note.NOT_IN_QUEUE: "Player {player} is not in the queue.",
    Note.REMOVED: "Removed player {player} from the queue.",
    Note.CLEARED: "Cleared the queue: {count} players removed.",
    Note.UNKNOWN_RESOLUTION: "Resolve as one of: {resolutions}.",
    Note.NO_SUCH_MATCH: "There is no match #{match}.",
    Note.RESOLVED: "Match #{match} resolved: {resolution}.",
    Note.UNKNOWN_RACE: "{race!r} is not a race of this ladder.",
    Note.RATING_OUT_OF_RANGE: "A rating must stay between 0 and 10000.",
    Note.UNKNOWN_RATING_CHANGE: "Change a rating by one of: {changes}.",
    Note.REASON_TOO_LONG: "A reason can be at most {most} characters: nothing was changed.",
    Note.NEVER_PLAYED: "Player {player} has never used this ladder.",
    Note.RATING_SET: "Player {player}'s {race} rating: {old} → {new}.",
    Note.NOT_BANNED: "Player {player} is not banned.",
    Note.UNBANNED: "Player {player} is no longer banned.",
    Note.RATINGS_CONSISTENT: "Every rating agrees with the match history: nothing to repair.",
    Note.RATINGS_REPAIRED: "Repaired {count} ratings to what the match history says (each audited).",
    Note.ALREADY_SETTLED: "Match #{match} is already {was}: nothing to change.",
    Note.CHANGED_SINCE_PREVIEW: "Something changed since your preview (another admin, or the ladder moved on): "
    "nothing was done. Run the command again to see what it would do now.",
    Note.PREVIEW_GONE: "That preview does not exist: nothing was done.",
    Note.PREVIEW_NOT_YOURS: "That preview is another admin's: only they can confirm or cancel it.",
    Note.PREVIEW_DECIDED: "That preview was already confirmed or cancelled.",
    Note.PREVIEW_EXPIRED: "That preview is more than 15 minutes old: nothing was done. Run the command again.",
    Note.CANCELLED: "Cancelled: nothing was changed.",
}


def admin_summary(done: Done) -> str:
    params = dict(done.params)
    if done.note is Note.NOT_DISPUTED:
        state = str(params.get("state", "")).replace("_", " ")
        return f"Match #{params.get('match')} is {state}, not disputed: nothing to resolve."
    if done.note is Note.BANNED:
        return f"Player {params.get('player')} is banned" + (
            " and out of the queue." if params.get("left_queue") else "."
        )
    return _SAID[done.note].format_map(params)


def replay_line(upload: UploadShown) -> str:
    """One upload of a match as the admins read it: who, when, what its check found, whether its file is kept."""
    found = "; ".join(str(p.get("message", p.get("code"))) for p in upload.problems) or "every check passed"
    result = f", result {upload.result}" if upload.result else ""
    kept = "" if upload.kept else " (file no longer kept)"
    return (f"replay #{upload.upload_id} by {upload.player_id}, {upload.filename} ({upload.size:,} bytes), "
            f"{upload.uploaded_at:%Y-%m-%d %H:%M} UTC: {upload.state}{result}: {found}{kept}")[:400]  # fmt: skip
