"""Anonymous statistics (policy: "the data will be anonymized"): counts per month, position,
stage, visit purpose; never a person. Counts under 5 are never shown."""

from datetime import date, datetime

from app.tables import AnonymousStat

SMALL = 5


def month(at: datetime | date) -> date:
    return date(at.year, at.month, 1)


def day(at: datetime | date) -> date:
    return date(at.year, at.month, at.day)


async def add(metric: str, period: date, dimension: str = "", n: int = 1) -> None:
    """Add `n` to one counter (an upsert, so two sweeps never make two rows)."""
    key = f"{metric}|{period.isoformat()}|{dimension}"[:300]
    await AnonymousStat.raw(
        "INSERT INTO anonymous_stat (key, metric, period, dimension, total) "
        "VALUES ({}, {}, {}, {}, {}) "
        "ON CONFLICT (key) DO UPDATE SET total = anonymous_stat.total + excluded.total",
        key,
        metric,
        period,
        dimension[:200],
        n,
    )


def shown(count: int) -> str:
    """What a person may see: a count from 1 to 4 could point at someone, so it is "<5"."""
    return "<5" if 0 < count < SMALL else str(count)
