"""The visit batch of the retention sweep, in SQL: visits are the bulk of what is erased (a
busy lobby signs in hundreds a day), so a batch is counted and deleted without loading its
rows into Python (the kiosk shares the event loop and the database with the sweep).

Statistics are counted per local day and purpose from exactly the rows the batch deletes:
- PostgreSQL: one statement, `WITH gone AS (DELETE ... RETURNING ...) SELECT ... GROUP BY`,
  the local day computed by the database (`AT TIME ZONE`); SKIP LOCKED lets a second sweeper
  take other rows, never the same ones;
- SQLite: inside the IMMEDIATE transaction no one else writes, so the batch is grouped by UTC
  hour, then deleted; each hour is placed on its local day here (whole-hour zone offsets,
  as Europe/Copenhagen has)."""

from collections import Counter
from datetime import UTC, date, datetime, timedelta
from typing import Any

from app.config import current
from app.privacy import statistics
from app.privacy.erasure import local_day
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
_POSTGRES = (
    "WITH gone AS (DELETE FROM visit WHERE id IN (SELECT id FROM visit WHERE "
    "((erase_after <= {}) OR (erase_after IS NULL AND signed_out_at <= {})) AND id > {} "
    "ORDER BY id LIMIT {} FOR UPDATE SKIP LOCKED) RETURNING id, signed_in_at, purpose) "
    "SELECT (signed_in_at AT TIME ZONE {})::date AS bucket, purpose, count(*) AS n, "
    "max(id) AS last FROM gone GROUP BY 1, 2"
)


def _day(bucket: Any) -> date:
    if isinstance(bucket, date):
        return bucket  # PostgreSQL: already the local day
    hour = datetime.strptime(str(bucket)[:13].replace("T", " "), "%Y-%m-%d %H")
    return local_day(hour.replace(tzinfo=UTC))


async def erase_visit_batch(now: datetime, after_id: int, size: int) -> tuple[int, int]:
    """Count and delete up to `size` due visits past `after_id` (inside the caller's
    transaction). Returns (visits erased, last id)."""
    stale = now - timedelta(days=current().retention.visits_days)
    args = (now, stale, after_id, size)
    if current().is_sqlite:
        groups = await Visit.raw(_SQLITE_GROUPS, *args)
        if groups:
            await Visit.raw(_SQLITE_DELETE, *args)
    else:
        groups = await Visit.raw(_POSTGRES, *args, current().timezone)
    per: Counter[tuple[date, str]] = Counter()
    for g in groups:
        per[(_day(g["bucket"]), g["purpose"] or "")] += g["n"]
    await statistics.add_many("visits", [(day, purpose, n) for (day, purpose), n in per.items()])
    erased = sum(per.values())
    return erased, max((g["last"] for g in groups), default=after_id)
