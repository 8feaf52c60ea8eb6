"""What may happen only once: a TOTP code used to log in. (A kiosk form sent is kept on its
visit: app.visits.visits.submission_hash, the same kind of hash.)

The first time inserts a row in single_use_token whose unique hash names the event; a second
time finds the hash taken and is refused before anything else is written. The row expires
when a repeat could no longer matter (housekeeping removes it)."""

from datetime import datetime, timedelta

from app.db import fetch
from app.tokens import digest

# Constant SQL (app.db.fetch): every staff login with a TOTP code spends it.
_SPEND = (
    "INSERT INTO single_use_token (purpose, token_hash, payload, created_at, expires_at, "
    "used_at, staff) VALUES (?, ?, '{}', ?, ?, ?, ?) ON CONFLICT (token_hash) DO NOTHING "
    "RETURNING id"
)


async def first_time(
    purpose: str, event: str, now: datetime, keep: timedelta, staff_id: int | None = None
) -> bool:
    """True the first time `event` of `purpose` happens (inside the caller's transaction,
    so it is undone with it), False every time after."""
    token_hash = event_hash(purpose, event)
    return bool(await fetch(_SPEND, purpose, token_hash, now, now + keep, now, staff_id))


def event_hash(purpose: str, event: str) -> str:
    """The unique hash that names the event (a kiosk form's is kept on its visit instead:
    app.visits.visits.submission_hash)."""
    return digest(f"{purpose}:{event}")
