"""The visit batch of the retention sweep, in SQL: visits are the bulk of what is erased (a
busy lobby signs in hundreds a day), so a batch is counted and deleted without loading its
rows into Python (the kiosk shares the event loop and the database with the sweep).

Statistics are counted per local day and purpose from exactly the rows the batch deletes:
- PostgreSQL: one statement, `WITH gone AS (DELETE ... RETURNING ...) SELECT ... GROUP BY`,
  the local day computed by the database (`AT TIME ZONE`). The DELETE takes the due rows of
  an id range; RETURNING names only the rows this statement deleted (a row a second sweeper
  deletes first is waited for, then skipped), so no row is ever counted twice;
- SQLite: inside the IMMEDIATE transaction no one else writes, so the batch is grouped by UTC
  hour, then deleted; each hour is placed on its local day here (whole-hour zone offsets,
  as Europe/Copenhagen has)."""

import functools
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from app.config import current
from app.db import fetch
from app.privacy import statistics
from app.tables import Visit

# Constant SQL (values are bound parameters): due visits past an id, oldest first.
_SQLITE_GROUPS = (
    "SELECT substr(signed_in_at, 1, 13) AS bucket, purpose, count(*) AS n, max(id) AS last "
    "FROM visit WHERE id IN (SELECT id FROM visit WHERE "
    "((erase_after <= {}) OR (erase_after IS NULL AND signed_out_at <= {})) AND id > {} "
    "ORDER BY id LIMIT {}) GROUP BY bucket, purpose"
)
_SQLITE_DELETE = (
    "DELETE FROM visit WHERE id IN (SELECT id FROM visit WHERE "
    "((erase_after <= {}) OR (erase_after IS NULL AND signed_out_at <= {})) AND id > {} "
    "ORDER BY id LIMIT {})"
)
# PostgreSQL: the batch's last id first (the first `size` due ids), then ONE range DELETE
# ... RETURNING, grouped. Half the time of `DELETE ... WHERE id IN (SELECT ... FOR UPDATE
# SKIP LOCKED)` (bench B4, 200,000 visits: 0.25 s against 0.49 s): no row is locked, then
# deleted (two writes per row), and no id list is joined back.
_POSTGRES = (
    "WITH batch AS (SELECT max(id) AS last FROM (SELECT id FROM visit WHERE "
    "((erase_after <= {}) OR (erase_after IS NULL AND signed_out_at <= {})) AND id > {} "
    "ORDER BY id LIMIT {}) due), "
    "gone AS (DELETE FROM visit WHERE id > {} AND id <= (SELECT last FROM batch) AND "
    "((erase_after <= {}) OR (erase_after IS NULL AND signed_out_at <= {})) "
    "RETURNING id, signed_in_at, purpose) "
    "SELECT (signed_in_at AT TIME ZONE {})::date AS bucket, purpose, count(*) AS n, "
    "max(id) AS last FROM gone GROUP BY 1, 2"
)


def _day(bucket: Any) -> date:
    if isinstance(bucket, date):
        return bucket  # PostgreSQL: already the local day
    return _hour_day(str(bucket)[:13], current().timezone)


@functools.lru_cache(maxsize=4096)
def _hour_day(hour: str, timezone: str) -> date:
    """The local day of a UTC hour ("2026-03-15 23" or "2026-03-15T23"): a batch has a few
    dozen hours, each seen again in the next batches (parsing each cost 5% of the sweep, B4)."""
    at = datetime(int(hour[:4]), int(hour[5:7]), int(hour[8:10]), int(hour[11:13]), tzinfo=UTC)
    return at.astimezone(ZoneInfo(timezone)).date()


# Pages a batch dirties per visit: its table row and six index entries, one of them in the
# random-ordered uid index (~1.5 pages per visit at 1,000,000 visits, bench B4), with room.
PAGE_CACHE_KIB_PER_VISIT = 8
PAGE_CACHE_MAX_KIB = 64 * 1024


@asynccontextmanager
async def _page_cache_for(size: int) -> AsyncIterator[None]:
    """SQLite: a page cache that holds every page the batch dirties (a batch of 2,000
    dirties ~3,000 pages, SQLite's default cache holds 500), then the connection's own size
    again before it goes back to the pool. With the default cache SQLite spills dirty pages
    to the WAL in the middle of the DELETE and reads them back: the batch took ~20% longer
    (bench B4, the spill and re-read in the profile's DELETE)."""
    kib = min(PAGE_CACHE_MAX_KIB, max(2_000, size * PAGE_CACHE_KIB_PER_VISIT))
    previous = int((await fetch("PRAGMA cache_size"))[0]["cache_size"])
    await fetch(f"PRAGMA cache_size = {-kib}")
    try:
        yield
    finally:
        await fetch(f"PRAGMA cache_size = {previous}")


async def erase_visit_batch(now: datetime, after_id: int, size: int) -> tuple[int, int]:
    """Count and delete up to `size` due visits past `after_id` (inside the caller's
    transaction). Returns (visits erased, last id)."""
    stale = now - timedelta(days=current().retention.visits_days)
    args = (now, stale, after_id, size)
    if current().is_sqlite:
        async with _page_cache_for(size):
            groups = await Visit.raw(_SQLITE_GROUPS, *args)
            if groups:
                await Visit.raw(_SQLITE_DELETE, *args)
    else:
        groups = await Visit.raw(_POSTGRES, *args, after_id, now, stale, current().timezone)
    per: Counter[tuple[date, str]] = Counter()
    for g in groups:
        per[(_day(g["bucket"]), g["purpose"] or "")] += g["n"]
    await statistics.add_many("visits", [(day, purpose, n) for (day, purpose), n in per.items()])
    erased = sum(per.values())
    return erased, max((g["last"] for g in groups), default=after_id)
