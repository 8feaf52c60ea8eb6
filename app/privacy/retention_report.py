"""What the retention sweep would erase now, and what falls due soon: for
`litestar retention run --dry-run` and the console's retention page. Read-only; it uses the
same "due" rules as the sweep, so the preview and the sweep never disagree."""

from datetime import datetime, timedelta
from typing import Any

import msgspec

from app.config import current
from app.privacy.sweep import KINDS, Kind
from app.tables import JobRun

HORIZON_DAYS = 30


class Due(msgspec.Struct, frozen=True):
    kind: str
    count: int
    earliest: datetime | None  # the oldest due date among them
    latest: datetime | None


async def _due(kind: Kind, at: datetime, after: datetime | None = None) -> Due:
    where = kind.due(at, current().retention)
    if after is not None:
        # Due between `after` and `at`: due at `at` but not yet at `after`.
        pk = kind.table._meta.primary_key
        already = kind.table.select(pk).where(kind.due(after, current().retention))
        where = where & pk.not_in(already)
    col = kind.date_column
    rows = await kind.table.select(col.as_alias("d")).where(where)
    dates = sorted(r["d"] for r in rows if r["d"] is not None)
    return Due(kind.name, len(rows), dates[0] if dates else None, dates[-1] if dates else None)


async def due_now(now: datetime) -> list[Due]:
    """Per kind of record: how many rows the sweep would erase at `now`, and their dates."""
    return [await _due(kind, now) for kind in KINDS]


async def due_soon(now: datetime, days: int = HORIZON_DAYS) -> list[Due]:
    """Per kind: what falls due after `now` and within `days`."""
    return [await _due(kind, now + timedelta(days=days), after=now) for kind in KINDS]


async def recent_runs(limit: int = 50) -> list[dict[str, Any]]:
    return await (
        JobRun.select()
        .order_by(JobRun.started_at, ascending=False)
        .order_by(JobRun.id, ascending=False)
        .limit(limit)
    )
