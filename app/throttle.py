"""Growing delays after failed attempts (SECURITY.md: lockout per account and per client), and
caps on what sends mail: at most so many per recipient, client or kiosk in a window (issue 16).

Counters live in the database, so every worker sees the same ones. Keys are hashed: the table
never holds an e-mail address or an IP prefix."""

from datetime import datetime, timedelta

from app.config import Cap
from app.db import fetch, transaction
from app.errors import MailCapped, TooManyAttempts
from app.tables import Throttle
from app.tokens import digest


class Policy:
    def __init__(self, free: int, base_seconds: int, cap_seconds: int, reset_after: int) -> None:
        self.free = free  # failures allowed before any delay
        self.base = base_seconds
        self.cap = cap_seconds
        self.reset_after = timedelta(seconds=reset_after)  # quiet time that forgives

    def delay(self, failures: int) -> int:
        over = failures - self.free
        return 0 if over <= 0 else min(self.base * 2 ** (over - 1), self.cap)


LOGIN_ACCOUNT = Policy(free=4, base_seconds=30, cap_seconds=900, reset_after=3600)
LOGIN_CLIENT = Policy(free=19, base_seconds=30, cap_seconds=900, reset_after=3600)
SHORT_CODE = Policy(free=4, base_seconds=30, cap_seconds=600, reset_after=900)


def key(kind: str, value: str) -> str:
    return f"{kind}:{digest(value.strip().lower())[:40]}"


async def ensure_allowed(keys: list[str], now: datetime) -> None:
    """Raise TooManyAttempts while any key is locked."""
    rows = await Throttle.select(Throttle.locked_until).where(Throttle.key.is_in(keys))
    waits = [int((r["locked_until"] - now).total_seconds()) + 1 for r in rows if r["locked_until"]]
    waits = [w for w in waits if w > 0]
    if waits:
        raise TooManyAttempts(retry_after=max(waits))


async def record_failure(k: str, policy: Policy, now: datetime) -> None:
    async with transaction():
        row = await Throttle.objects().where(Throttle.key == k).first()
        if row is None:
            row = Throttle(key=k, failures=0, last_failure_at=now)
        elif now - row.last_failure_at > policy.reset_after:
            row.failures = 0
        row.failures += 1
        row.last_failure_at = now
        wait = policy.delay(row.failures)
        row.locked_until = now + timedelta(seconds=wait) if wait else None
        await row.save()


async def clear(keys: list[str]) -> None:
    await Throttle.delete().where(Throttle.key.is_in(keys))


# One event counted against a cap (constant SQL, app.db.fetch: each kiosk sign-in spends
# one). The row's `failures` counts the events of the window that started at
# `last_failure_at`; a window that has ended starts again at this event. Both databases read
# the old row on the right-hand side of SET, so the two CASEs agree.
_COUNTED = (
    " ON CONFLICT (key) DO UPDATE SET "
    "failures = CASE WHEN throttle.last_failure_at <= ? THEN 1 ELSE throttle.failures + 1 END, "
    "last_failure_at = CASE WHEN throttle.last_failure_at <= ? THEN ? "
    "ELSE throttle.last_failure_at END"
)
_INSERT = "INSERT INTO throttle (key, failures, last_failure_at, locked_until) "
SPEND = _INSERT + "VALUES (?, 1, ?, NULL)" + _COUNTED + " RETURNING failures"
# The same, as a step of a larger statement: counted only if `{after}` (a CTE) has a row.
SPEND_AFTER = _INSERT + "SELECT ?, 1, ?, NULL FROM {after}" + _COUNTED  # noqa: S608 - constants
# True while the key's window is live and full (spend_args' key, the limit, the window start).
FULL = "SELECT 1 FROM throttle WHERE key = ? AND failures >= ? AND last_failure_at > ?"


def full_args(k: str, cap: Cap, now: datetime) -> tuple:
    return (k, cap.limit, now - timedelta(seconds=cap.seconds))


def spend_args(k: str, cap: Cap, now: datetime) -> tuple:
    ended = now - timedelta(seconds=cap.seconds)
    return (k, now, ended, ended, now)


async def spend(caps: list[tuple[str, Cap]], now: datetime) -> None:
    """Count one event against each (key, cap), inside the caller's transaction when there
    is one; raise MailCapped when any key is past its limit (the mail is not sent)."""
    for k, cap in caps:
        rows = await fetch(SPEND, *spend_args(k, cap, now))
        if int(rows[0]["failures"]) > cap.limit:
            await refuse(k, cap, now)


async def refuse(k: str, cap: Cap, now: datetime) -> None:
    """Raise MailCapped with the time left in the key's window."""
    row = await Throttle.select(Throttle.last_failure_at).where(Throttle.key == k).first()
    started = row["last_failure_at"] if row else now
    left = started + timedelta(seconds=cap.seconds) - now
    raise MailCapped(retry_after=max(1, int(left.total_seconds()) + 1))
