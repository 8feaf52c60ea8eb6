"""Growing delays after failed attempts (SECURITY.md: lockout per account and per client).

Counters live in the database, so every worker sees the same ones. Keys are hashed: the table
never holds an e-mail address or an IP prefix."""

from datetime import datetime, timedelta

from app.db import transaction
from app.errors import TooManyAttempts
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
