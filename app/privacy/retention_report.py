"""What the retention sweep would erase now, and what falls due soon: for
`litestar retention run --dry-run` and the console's retention page. Read-only; it uses the
same "due" rules as the sweep, so the preview and the sweep never disagree."""

from collections import Counter
from datetime import date, datetime, timedelta
from typing import Any

import msgspec

from app import dates as local
from app.config import current
from app.privacy.sweep import KINDS, Kind
from app.tables import JobRun

HORIZON_DAYS = 30


class Due(msgspec.Struct, frozen=True):
    kind: str
    count: int
    earliest: datetime | None  # the oldest due date among them
    latest: datetime | None
    days: dict[date, int] = {}  # the company's day -> how many fall due that day


async def _due(kind: Kind, at: datetime, after: datetime | None = None) -> Due:
    where = kind.due(at, current().retention)
    if after is not None:
        # Due between `after` and `at`: due at `at` but not yet at `after`.
        pk = kind.table._meta.primary_key
        already = kind.table.select(pk).where(kind.due(after, current().retention))
        where = where & pk.not_in(already)
    col = kind.date_column
    rows = await kind.table.select(col.as_alias("d")).where(where)
    dates = sorted(_moment(r["d"]) for r in rows if r["d"] is not None)
    # The company's days (INTAKE_TIMEZONE), as the page shows every date: a record due at
    # 23:30 UTC falls due the next day in Copenhagen.
    days = Counter(local.today(d) for d in dates)
    first, last = (dates[0], dates[-1]) if dates else (None, None)
    return Due(kind.name, len(rows), first, last, dict(sorted(days.items())))


def _moment(value: Any) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


async def due_now(now: datetime) -> list[Due]:
    """Per kind of record: how many rows the sweep would erase at `now`, and their dates."""
    return [await _due(kind, now) for kind in KINDS]


async def due_soon(now: datetime, days: int = HORIZON_DAYS) -> list[Due]:
    """Per kind: what falls due after `now` and within `days`."""
    return [await _due(kind, now + timedelta(days=days), after=now) for kind in KINDS]


RUNS_PER_PAGE = 50


async def recent_runs(
    before: int | None = None, limit: int = RUNS_PER_PAGE
) -> list[dict[str, Any]]:
    """The newest job runs, a page at a time: `before` is the last id of the previous page
    (keyset, so a page costs the same however many runs the table holds)."""
    query = JobRun.select().order_by(JobRun.id, ascending=False).limit(limit)
    if before is not None:
        query = query.where(JobRun.id < before)
    return await query.output(load_json=True)


def rules() -> list[tuple[str, str, int]]:
    """The retention rules in force (label, rule, days) from the settings; labels and rules
    are msgids, the page fills in `%(n)s`."""
    r = current().retention
    return [
        ("Visits", "%(n)s days after sign-out", r.visits_days),
        ("Expected visits", "%(n)s days after the expected day", r.visits_days),
        ("Applications", "%(n)s days after rejection or the position closes",
         r.applications_days),
        ("Applications in the talent pool", "%(n)s days after rejection or the position closes",
         r.talent_pool_days),
        ("Applications waiting for consent", "%(n)s days after arrival", r.waiting_consent_days),
        ("Applications sent with a known address and not confirmed by its owner",
         "%(n)s hours after arrival", r.unconfirmed_application_hours),
        ("Withdrawal of both evaluation consents", "at once", 0),
        ("Candidates", "with their last application", 0),
        ("Audit, consent and disclosure records, answered requests, receipts", "%(n)s days",
         r.audit_days),
        ("Outbox mail", "%(n)s days", r.mail_days),
        ("Expired sessions and single-use links", "every hour", 0),
    ]  # fmt: skip


def calendar(soon: list[Due]) -> list[dict[str, Any]]:
    """Per day of the horizon: what falls due, per kind (days with nothing are left out)."""
    days: dict[date, dict[str, int]] = {}
    for due in soon:
        for day, n in due.days.items():
            days.setdefault(day, {})[due.kind] = n
    return [{"day": d, "kinds": days[d], "total": sum(days[d].values())} for d in sorted(days)]


async def overview(now: datetime, runs_before: int | None = None) -> dict[str, Any]:
    """Everything the console's retention page shows."""
    soon = await due_soon(now)
    runs = await recent_runs(runs_before)
    return {
        "now": now,
        "enabled": current().retention.enabled,
        "batch_size": current().retention_batch_size,
        "rules": rules(),
        "due_now": await due_now(now),
        "due_soon": soon,
        "calendar": calendar(soon),
        "runs": runs,
        "older_runs": runs[-1]["id"] if len(runs) == RUNS_PER_PAGE else None,
        "runs_before": runs_before,
    }
