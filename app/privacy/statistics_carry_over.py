"""The one-time data migration to statistics counted when things happen (issue 20).

Before, a record was counted when it was erased: anonymous_stat already holds every erased
application (per local month of arrival and position title) and every erased visit (per local
day and purpose). From this version on, records are counted when they arrive and erasure
counts nothing. So the records still alive at the upgrade were counted by neither: this
counts them once, into the same counters (same keys; visits also by their kiosk's location),
and leaves the erasure-time counts where they are. Nothing is counted twice: an erased record
is in the old counts only, a live one in this carry-over only, a new one at its arrival only.

All of it is one transaction that ends by writing a marker counter: an interrupted run leaves
nothing behind and the next `migrate` does it again from the start; a finished one is never
repeated. It reads personal rows (arrival times, titles, purposes) once, to count them, and
keeps nothing of them but the counts. The old version must be stopped first (app.cli.migrate
runs before the new server starts): an old server erasing a record after this ran would
count it again."""

from collections import Counter
from datetime import UTC, date, datetime
from typing import Any

from app.config import current
from app.db import fetch, transaction
from app.privacy import statistics

MARKER = statistics.Count("_migration", date(2000, 1, 1), "counted_at_event")

# Constant SQL: applications per UTC hour of arrival and title; visits per UTC hour of
# arrival, purpose and kiosk location. Each hour is placed on its local month or day in
# Python, the same way on both databases (SQLite has no time zones; Europe/Copenhagen's
# offsets are whole hours). {hour} is the hour of a timestamp column on each database.
_APPLICATIONS = (
    "SELECT {hour} AS hour, coalesce(p.title, '') AS title, count(*) AS n "
    "FROM application a LEFT JOIN position p ON p.id = a.position GROUP BY 1, 2"
)
_VISITS = (
    "SELECT {hour} AS hour, v.purpose AS purpose, "
    "coalesce(nullif(k.location, ''), k.name, '') AS place, count(*) AS n "
    "FROM visit v LEFT JOIN kiosk k ON k.id = v.kiosk GROUP BY 1, 2, 3"
)


def _sql(sql: str, column: str) -> str:
    if current().is_sqlite:
        return sql.format(hour=f"substr({column}, 1, 13)")
    return sql.format(hour=f"date_trunc('hour', {column})")


_DONE = "SELECT 1 FROM anonymous_stat WHERE key = ?"


def _instant(value: Any) -> datetime:
    """A timestamp as either driver returns it (SQLite: ISO text, maybe an hour only)."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    text = str(value).replace("T", " ")
    if len(text) == 13:
        text += ":00"
    at = datetime.fromisoformat(text)
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def done_key() -> str:
    return statistics.key(MARKER.metric, MARKER.period, MARKER.dimension)


async def carry_over() -> dict[str, int]:
    """Count the live applications and visits once; {} when it was done before."""
    async with transaction():
        if await fetch(_DONE, done_key()):
            return {}
        counts: Counter[tuple[str, date, str, str]] = Counter()
        for row in await fetch(_sql(_APPLICATIONS, "a.created_at")):
            month = statistics.local_month(_instant(row["hour"]))
            counts[("applications", month, row["title"], "")] += int(row["n"])
        for row in await fetch(_sql(_VISITS, "v.signed_in_at")):
            day = statistics.local_day(_instant(row["hour"]))
            counts[("visits", day, row["purpose"] or "", row["place"])] += int(row["n"])
        await _add(counts)
        await statistics.count(MARKER)
    return {
        "applications": sum(n for k, n in counts.items() if k[0] == "applications"),
        "visits": sum(n for k, n in counts.items() if k[0] == "visits"),
    }


async def _add(counts: Counter[tuple[str, date, str, str]]) -> None:
    """In statements of at most 500 counters (SQLite binds at most 32,766 values)."""
    batch = [statistics.Count(m, p, d, detail, n) for (m, p, d, detail), n in counts.items()]
    for start in range(0, len(batch), 500):
        await statistics.count(*batch[start : start + 500])
