"""Server-side login sessions for staff and candidates (SECURITY.md "Sessions").

A login always makes a new row with a new random id, so an id planted in a browser before
login is worthless (session fixation, ASVS 7.2.4). Logout and role changes delete rows."""

from datetime import datetime, timedelta

import msgspec

from app.db import fetch
from app.tables import Session
from app.tokens import digest, new_token

STAFF_IDLE = timedelta(minutes=30)
STAFF_ABSOLUTE = timedelta(hours=10)
CANDIDATE_IDLE = timedelta(minutes=30)
CANDIDATE_ABSOLUTE = timedelta(hours=2)
# last_seen_at is written at most this often: a page view need not always be a write.
TOUCH_EVERY = timedelta(seconds=60)


class SessionInfo(msgspec.Struct, frozen=True):
    id: int
    staff_id: int | None
    candidate_id: int | None


async def open_session(
    now: datetime,
    *,
    staff_id: int | None = None,
    candidate_id: int | None = None,
    id_token: str | None = None,
) -> str:
    lifetime = STAFF_ABSOLUTE if staff_id is not None else CANDIDATE_ABSOLUTE
    token = new_token()
    await Session.insert(
        Session(
            token_hash=digest(token),
            staff=staff_id,
            candidate=candidate_id,
            created_at=now,
            last_seen_at=now,
            expires_at=now + lifetime,
            id_token=id_token,
        )
    )
    return token


# Every signed-in request asks this: constant SQL (app.db.fetch, bench B3).
_LIVE = (
    "SELECT id, staff, candidate, expires_at, last_seen_at FROM web_session WHERE token_hash = ?"
)


async def load_session(token: str | None, now: datetime) -> SessionInfo | None:
    """The live session for `token`, or None when it is unknown, idle too long or too old."""
    if not token or len(token) > 100:
        return None
    rows = await fetch(_LIVE, digest(token))
    if not rows:
        return None
    row = rows[0]
    idle = STAFF_IDLE if row["staff"] is not None else CANDIDATE_IDLE
    if now >= row["expires_at"] or now - row["last_seen_at"] >= idle:
        await Session.delete().where(Session.id == row["id"])
        return None
    if now - row["last_seen_at"] >= TOUCH_EVERY:
        await Session.update({Session.last_seen_at: now}).where(Session.id == row["id"])
    return SessionInfo(id=row["id"], staff_id=row["staff"], candidate_id=row["candidate"])


async def close_session(token: str | None) -> str | None:
    """End the session; the provider's ID token it was opened with, if any, is returned for
    the provider's own sign-out (app.staff.identity_provider.sign_out_url)."""
    if not token:
        return None
    rows = await (
        Session.delete().where(Session.token_hash == digest(token)).returning(Session.id_token)
    )
    return rows[0]["id_token"] if rows else None


async def close_staff_sessions(staff_id: int) -> None:
    """At a role change, a disable or a password reset every session of that person ends."""
    await Session.delete().where(Session.staff == staff_id)


async def rotate_staff_sessions(staff_id: int, now: datetime) -> str:
    """After a password change or a change of second factor (issue 16; ASVS 7.4.3): every
    session of the account ends, another browser's and one opened with the old password or a
    one-time password alike, and the member's own continues under a new id (returned)."""
    await close_staff_sessions(staff_id)
    return await open_session(now, staff_id=staff_id)


async def purge_expired(now: datetime) -> int:
    """Hourly job: sessions past their absolute end or idle too long."""
    stale = await Session.select(Session.id).where(
        (Session.expires_at <= now)
        | ((Session.staff.is_not_null()) & (Session.last_seen_at <= now - STAFF_IDLE))
        | ((Session.candidate.is_not_null()) & (Session.last_seen_at <= now - CANDIDATE_IDLE))
    )
    ids = [r["id"] for r in stale]
    if ids:
        await Session.delete().where(Session.id.is_in(ids))
    return len(ids)
