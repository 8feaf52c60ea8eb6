"""The visit batch of the retention sweep, in SQL: visits are the bulk of what is erased (a
busy lobby signs in hundreds a day), so a batch is deleted without loading its rows into
Python (the kiosk shares the event loop and the database with the sweep). Nothing is counted:
each visit was counted when it was signed in (app.privacy.statistics, issue 20).

- PostgreSQL: a batch is the due visits of a range of ids, one statement, `WITH gone AS
  (DELETE ... RETURNING 1) SELECT count(*)`: the rows this statement deleted (a row a second
  sweeper deletes first is waited for, then skipped). The ranges are shared by PG_WORKERS
  connections, since a batch's time is the database server's and one connection keeps one
  of its cores busy;
- SQLite: a batch is the next `size` due visits, `DELETE ... RETURNING id`. One writer: one
  batch at a time, and between batches the WAL's copying keeps up (app.db.make_room). A kiosk
  sign-in may wait for a whole batch, so batches are sized by how long they hold the writer,
  measured as the sweep goes (BatchSizer: about HOLD_MS each, on any machine), not by a count
  that was right on one machine (issue 20: a fixed 2,000 held it three times longer on a
  machine three times slower, and the kiosk's p99 during a sweep grew with it). A batch also
  holds it at least OVERHEAD_TIMES as long as it spends on what every batch costs besides its
  DELETE (BEGIN, receipt, COMMIT): on a machine slow enough for that to near HOLD_MS, batches
  of HOLD_MS would spend as much time on overhead as on erasing, and the sweep took 4.4x a raw
  DELETE (bench B4 on a machine three times slower; 2.3x on the fast one).

Visit uids are in sign-in order (app.visits.uids), so a batch of the oldest visits erases a
contiguous run of every index, not one random page of the uid index per visit."""

import asyncio
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime, timedelta

from app.concurrency import side_by_side
from app.config import current
from app.db import fetch, make_room, transaction
from app.privacy.erasure import in_transaction, write_receipts
from app.privacy.retention import RETENTION_REASON
from app.tables import Visit

# Constant SQL (values are bound parameters): due visits past an id, oldest first.
_SQLITE_DELETE = (
    "DELETE FROM visit WHERE id IN (SELECT id FROM visit WHERE "
    "((erase_after <= {}) OR (erase_after IS NULL AND signed_out_at <= {})) AND id > {} "
    "ORDER BY id LIMIT {}) RETURNING id"
)
# PostgreSQL: the due visits of the ids (low, high]. Ranges, not "the next n due ids": finding
# those first was a second pass over every row (bench B4, a fifth of the visit sweep), and
# disjoint ranges let two connections work side by side. A range may hold fewer due rows.
_POSTGRES = (
    "WITH gone AS (DELETE FROM visit WHERE id > {} AND id <= {} AND "
    "((erase_after <= {}) OR (erase_after IS NULL AND signed_out_at <= {})) "
    "RETURNING 1) SELECT count(*) AS n FROM gone"
)
_SPAN = "SELECT min(id) AS first, max(id) AS last FROM visit"
# How long a batch may hold SQLite's writer: a kiosk sign-in that arrives meanwhile waits
# at most this (plus its own work). Smaller batches cost more round trips per visit.
HOLD_MS = 4.0
# ...unless the batch's own overhead is more than a fifth of that: then at least this many
# times the overhead, so erasing stays four fifths of the sweep's time on any machine.
OVERHEAD_TIMES = 5.0
FIRST_BATCH = 200
SMALLEST, LARGEST = 20, 20_000


class BatchSizer:
    """The next batch's size from the last one's time holding the writer: scaled towards
    the hold wanted (HOLD_MS, or OVERHEAD_TIMES the overhead, averaged over the batches so
    far), at most doubled or halved per step (one slow batch, a checkpoint or another
    process, does not swing it), within SMALLEST..LARGEST."""

    def __init__(self, fixed: int = 0) -> None:
        self.fixed = fixed
        self.size = fixed or FIRST_BATCH
        self.overhead = 0.0  # seconds per batch besides its DELETE, a moving average

    @property
    def hold(self) -> float:
        """Seconds a batch should hold the writer."""
        return max(HOLD_MS / 1000, OVERHEAD_TIMES * self.overhead)

    def held(self, rows: int, seconds: float, erasing: float | None = None) -> None:
        """The last batch: `rows` erased, the writer held `seconds`, of which `erasing` in
        its DELETE (None: all of them)."""
        if self.fixed or rows < self.size or seconds <= 0:
            return  # a fixed size, or the last (short) batch: nothing to learn
        spent = max(0.0, seconds - (seconds if erasing is None else erasing))
        self.overhead = spent if not self.overhead else 0.8 * self.overhead + 0.2 * spent
        wanted = self.size * self.hold / seconds
        self.size = int(min(LARGEST, max(SMALLEST, self.size / 2, min(self.size * 2, wanted))))


# Two: the bulk of 1,000,000 visits took 1.8 s on one connection, 0.9 s on two (bench B4, a
# two-core machine). The kiosk's inserts never wait for them (row locks, MVCC).
PG_WORKERS = 2


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
    """Erase every due visit, `size` per batch, one transaction each (with one receipt: a
    count and an id range, since internal ids mean nothing once the rows are gone)."""
    if current().is_sqlite:
        sizer = BatchSizer(size)
        after_id = 0
        while True:
            batch = sizer.size
            async with transaction():  # holds the writer from BEGIN IMMEDIATE to COMMIT
                # Timed from here, once the writer is ours: the wait for it is the kiosk's
                # writes, not this batch's overhead. Counted in, that wait grew the batches
                # under load (5x the overhead) and the kiosk waited longer still (bench B4:
                # the kiosk's p50 during a sweep 21 -> 44 ms in one run of two).
                started = time.perf_counter()
                erased, last, erasing = await _sqlite_batch(now, after_id, batch)
                await _receipt(erased, after_id + 1, last, now)
            sizer.held(erased, time.perf_counter() - started, erasing)
            _done(erased, tally, progress)
            await make_room()
            # A turn of the event loop between batches, always: every statement of a batch
            # runs on the loop's thread (app.db), so without it the sweep would not let the
            # kiosk's requests, nor the WAL's checkpoints, run until it ended (bench B4).
            await asyncio.sleep(0)
            if erased < batch:
                return
            after_id = last
    span = (await fetch(_SPAN))[0]
    if span["first"] is None:
        return
    size = size or 20_000
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


async def _sqlite_batch(now: datetime, after_id: int, size: int) -> tuple[int, int, float]:
    """The next `size` due visits past `after_id`: (erased, last id, seconds erasing)."""
    stale = now - timedelta(days=current().retention.visits_days)
    async with _page_cache_for(size):
        started = time.perf_counter()
        gone = await Visit.raw(_SQLITE_DELETE, now, stale, after_id, size)
        erasing = time.perf_counter() - started
    return len(gone), max((g["id"] for g in gone), default=after_id), erasing


async def _postgres_batch(now: datetime, low: int, high: int) -> int:
    stale = now - timedelta(days=current().retention.visits_days)
    return int((await Visit.raw(_POSTGRES, low, high, now, stale))[0]["n"])


async def _receipt(erased: int, first_id: int, last_id: int, now: datetime) -> None:
    if erased:
        await write_receipts(
            "visits", [f"{erased} rows, ids {first_id}-{last_id}"], RETENTION_REASON, now
        )


def _done(erased: int, tally: Counter[str], progress: Callable[[str, int], None] | None) -> None:
    tally["visits"] += erased
    if progress is not None and erased:
        progress("visits", erased)
