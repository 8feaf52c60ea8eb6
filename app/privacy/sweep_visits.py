"""The visit batch of the retention sweep, in SQL: visits are the bulk of what is erased (a
busy lobby signs in hundreds a day), so a batch is counted and deleted without loading its
rows into Python (the kiosk shares the event loop and the database with the sweep).

Statistics are counted per local day and purpose from exactly the rows the batch deletes:
- PostgreSQL: a batch is the due visits of a range of ids, one statement, `WITH gone AS
  (DELETE ... RETURNING ...) SELECT ... GROUP BY`, the local day computed by the database
  (in the batch transaction's time zone). RETURNING names only the rows this statement deleted (a row a second
  sweeper deletes first is waited for, then skipped), so no row is ever counted twice. The
  ranges are shared by PG_WORKERS connections, since a batch's time is the database server's
  and one connection keeps one of its cores busy;
- SQLite: a batch is the next `size` due visits. Inside the IMMEDIATE transaction no one else
  writes, so the batch is grouped by UTC hour, then deleted; each hour is placed on its local
  day here (whole-hour zone offsets, as Europe/Copenhagen has). One writer: one batch at a
  time, and between batches the WAL's copying keeps up (app.db.make_room)."""

import functools
from collections import Counter
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from app.concurrency import side_by_side
from app.config import current
from app.db import fetch, make_room, transaction
from app.privacy import statistics
from app.privacy.erasure import in_transaction, write_receipts
from app.privacy.retention import RETENTION_REASON
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
# PostgreSQL: the due visits of the ids (low, high]. Ranges, not "the next n due ids": finding
# those first was a second pass over every row (bench B4, a fifth of the visit sweep), and
# disjoint ranges let two connections work side by side. A range may hold fewer due rows.
_POSTGRES = (
    "WITH gone AS (DELETE FROM visit WHERE id > {} AND id <= {} AND "
    "((erase_after <= {}) OR (erase_after IS NULL AND signed_out_at <= {})) "
    "RETURNING signed_in_at, purpose) "
    "SELECT signed_in_at::date AS bucket, purpose, count(*) AS n FROM gone GROUP BY 1, 2"
)
# The local day as `::date` in the transaction's own time zone: `AT TIME ZONE 'name'` looks
# the zone up for every row (bench B4: 25 ms against 20 ms per batch of 20,000).
_LOCAL_ZONE = "SELECT set_config('TimeZone', ?, true)"
_SPAN = "SELECT min(id) AS first, max(id) AS last FROM visit"
# Two: the bulk of 1,000,000 visits took 1.8 s on one connection, 0.9 s on two (bench B4, a
# two-core machine). The kiosk's inserts never wait for them (row locks, MVCC).
PG_WORKERS = 2


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


async def sweep_visits(
    now: datetime, size: int, tally: Counter[str], progress: Callable[[str, int], None] | None
) -> None:
    """Erase every due visit, `size` per batch, one transaction each (with its statistics
    and one receipt: a count and an id range, since internal ids mean nothing once the rows
    are gone)."""
    if current().is_sqlite:
        after_id = 0
        while True:
            async with transaction():
                erased, last = await _sqlite_batch(now, after_id, size)
                await _receipt(erased, after_id + 1, last, now)
            _done(erased, tally, progress)
            await make_room()
            if erased < size:
                return
            after_id = last
    span = (await fetch(_SPAN))[0]
    if span["first"] is None:
        return
    lows = iter(range(span["first"] - 1, span["last"], size))  # each range to one worker
    failed = False

    async def worker() -> None:
        nonlocal failed
        for low in lows:
            if failed:  # another worker's batch failed: finish, start nothing new
                return
            try:
                async with transaction():
                    erased = await _postgres_batch(now, low, low + size)
                    await _receipt(erased, low + 1, low + size, now)
            except BaseException:
                failed = True
                raise
            _done(erased, tally, progress)

    # Inside a caller's transaction there is one connection: one worker.
    await side_by_side(*(worker() for _ in range(1 if in_transaction() else PG_WORKERS)))


async def _sqlite_batch(now: datetime, after_id: int, size: int) -> tuple[int, int]:
    """The next `size` due visits past `after_id`: (erased, last id)."""
    stale = now - timedelta(days=current().retention.visits_days)
    args = (now, stale, after_id, size)
    async with _page_cache_for(size):
        groups = await Visit.raw(_SQLITE_GROUPS, *args)
        if groups:
            await Visit.raw(_SQLITE_DELETE, *args)
    return await _count(groups), max((g["last"] for g in groups), default=after_id)


async def _postgres_batch(now: datetime, low: int, high: int) -> int:
    stale = now - timedelta(days=current().retention.visits_days)
    await fetch(_LOCAL_ZONE, current().timezone)
    groups = await Visit.raw(_POSTGRES, low, high, now, stale)
    return await _count(groups)


async def _count(groups: list[dict]) -> int:
    """Add a batch's visits to the statistics per local day and purpose; returns how many."""
    per: Counter[tuple[date, str]] = Counter()
    for g in groups:
        per[(_day(g["bucket"]), g["purpose"] or "")] += g["n"]
    await statistics.add_many("visits", [(day, purpose, n) for (day, purpose), n in per.items()])
    return sum(per.values())


async def _receipt(erased: int, first_id: int, last_id: int, now: datetime) -> None:
    if erased:
        await write_receipts(
            "visits", [f"{erased} rows, ids {first_id}-{last_id}"], RETENTION_REASON, now
        )


def _done(erased: int, tally: Counter[str], progress: Callable[[str, int], None] | None) -> None:
    tally["visits"] += erased
    if progress is not None and erased:
        progress("visits", erased)
