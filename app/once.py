"""What may happen only once: a kiosk form sent, a TOTP code used to log in.

The first time inserts a row in single_use_token whose unique hash names the event; a second
time finds the hash taken and is refused before anything else is written. The row expires
when a repeat could no longer matter (housekeeping removes it)."""

from datetime import datetime, timedelta

from app.db import fetch
from app.tokens import digest

# Constant SQL (app.db.fetch): every kiosk sign-in spends its form (also in the sign-in at
# once, app.visits.visits).
SPEND = (
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
    return bool(await fetch(SPEND, purpose, token_hash, now, now + keep, now, staff_id))


def event_hash(purpose: str, event: str) -> str:
    """The unique hash that names the event (the kiosk's one-statement sign-in writes it too)."""
    return digest(f"{purpose}:{event}")
