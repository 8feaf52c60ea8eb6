"""Requests per client and minute on the public forms (SECURITY.md: rate limits on login, apply,
kiosk pairing and sign-in links), counted where every worker and host sees the same count.

A fixed one-minute window per client, counted atomically: one statement on the database
(`INSERT ... ON CONFLICT DO UPDATE ... RETURNING`), or `INCR` in a Redis transaction when
REDIS_URL is set. Litestar's own middleware reads the count, then writes it back: across hosts
37-44 of 60 concurrent posts passed its limit of 30 (issue 18), and without Redis each process
counted on its own. Keys are hashes of the truncated address, never the address."""

from datetime import datetime, timedelta
from typing import Any, Protocol

from app.db import fetch
from app.tables import RateWindow
from app.tokens import digest

PER_MINUTE = 30
WINDOW = timedelta(minutes=1)


class Counter(Protocol):
    async def hit(self, key: str, expires_at: datetime) -> int:
        """Count one more request under `key`; the count so far, this one included."""
        ...


def window_key(client: str, now: datetime) -> tuple[str, datetime]:
    """The key of `client`'s current window, and when that window ends."""
    start = now.replace(second=0, microsecond=0)
    return f"rate:{digest(f'{client}|{start.isoformat()}')[:40]}", start + WINDOW


class DatabaseCounter:
    SQL = (
        "INSERT INTO rate_window (key, hits, expires_at) VALUES (?, 1, ?) "
        "ON CONFLICT (key) DO UPDATE SET hits = rate_window.hits + 1 RETURNING hits"
    )

    async def hit(self, key: str, expires_at: datetime) -> int:
        rows = await fetch(self.SQL, key, expires_at)
        return int(rows[0]["hits"])


class RedisCounter:
    def __init__(self, url: str, namespace: str) -> None:
        from redis.asyncio import Redis

        self.redis: Any = Redis.from_url(url)
        self.namespace = namespace  # two installations sharing a Redis count apart

    async def hit(self, key: str, expires_at: datetime) -> int:
        key = f"intake:{self.namespace}:{key}"
        async with self.redis.pipeline(transaction=True) as pipe:  # MULTI ... EXEC
            pipe.incr(key)
            pipe.expireat(key, expires_at + WINDOW)
            hits, _ = await pipe.execute()
        return int(hits)


def counter(redis_url: str, database_url: str) -> Counter:
    if redis_url:
        return RedisCounter(redis_url, digest(database_url)[:12])
    return DatabaseCounter()


async def over_limit(store: Counter, client: str, now: datetime) -> int:
    """Seconds to wait when `client` has sent more than PER_MINUTE this minute, else 0."""
    key, ends = window_key(client, now)
    if await store.hit(key, ends) <= PER_MINUTE:
        return 0
    return max(1, int((ends - now).total_seconds()) + 1)


async def purge_ended_windows(now: datetime) -> int:
    """The hourly housekeeping: windows that ended are of no use (and name nobody)."""
    rows = await RateWindow.delete().where(RateWindow.expires_at < now).returning(RateWindow.id)
    return len(rows)
