"""Anonymous statistics (policy: "the data will be anonymized"): counts per month, position,
stage, visit purpose; never a person. Counts under 5 are never shown."""

from collections.abc import Iterable
from datetime import date, datetime

from app.db import fetch_many

SMALL = 5


def month(at: datetime | date) -> date:
    return date(at.year, at.month, 1)


def day(at: datetime | date) -> date:
    return date(at.year, at.month, at.day)


_ADD = (
    "INSERT INTO anonymous_stat (key, metric, period, dimension, total) VALUES (?, ?, ?, ?, ?) "
    "ON CONFLICT (key) DO UPDATE SET total = anonymous_stat.total + excluded.total"
)


def _row(metric: str, period: date, dimension: str, n: int) -> tuple[str, str, date, str, int]:
    key = f"{metric}|{period.isoformat()}|{dimension}"[:300]
    return (key, metric, period, dimension[:200], n)


async def add(metric: str, period: date, dimension: str = "", n: int = 1) -> None:
    """Add `n` to one counter (an upsert, so two sweeps never make two rows)."""
    await add_many(metric, [(period, dimension, n)])


async def add_many(metric: str, counts: Iterable[tuple[date, str, int]]) -> None:
    """Add to several counters of one metric in one call to the driver (the sweep counts a
    batch's days and purposes at once: one round trip instead of one per counter, bench B4).
    Sorted by key, so two transactions always take the rows' locks in the same order."""
    rows = sorted(_row(metric, period, dimension, n) for period, dimension, n in counts if n)
    if rows:
        await fetch_many(_ADD, rows)


def shown(count: int) -> str:
    """What a person may see: a count from 1 to 4 could point at someone, so it is "<5"."""
    return "<5" if 0 < count < SMALL else str(count)
