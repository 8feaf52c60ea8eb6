"""Anonymous statistics (policy: "We can treat the data for statistical purposes, but in such
cases the data will be anonymized"; MISSION.md): counters written when the event happens, in
the event's own transaction, holding only a period, a category and a count. No statistic is
ever computed from personal rows, and erasing a record changes none.

Each event adds to its counters in ONE statement (a multi-row upsert), so a rolled-back event
counts nothing and an event never counts twice. The counters of a kiosk sign-in are a
statement of their own on its hot path (VISIT_COUNTED, bench B1); on PostgreSQL a visits
counter may be stored in several rows (shards, _VISIT_COUNTED_PG), so a reader always sums the
rows of a period, dimension and detail, never reads one row by its key.

Metrics (period: the local month, or the local day for visits):
- applications: position title;          source: how the candidate heard of us (item 5);
- stage_reached: stage (hired, rejected and withdrawn are the decisions);
- time_in_stage: stage left, duration bucket (the time in "received" is the time to first
  review); time_to_hire: duration bucket;
- consent: purpose, given | withdrawn;
- rights_received: kind; rights_answered: kind, on_time | late;
- visits: purpose, site (the kiosk's location before sites), per the site's own local day."""

import functools
from datetime import date, datetime, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from app.config import current
from app.db import fetch

SMALL = 5

# Coarse duration buckets (upper bound in days, label): coarse enough that a duration never
# points at a person, fine enough for a median an HR lead can act on.
BUCKETS: tuple[tuple[float, str], ...] = (
    (1, "0-1d"),
    (3, "1-3d"),
    (7, "3-7d"),
    (14, "7-14d"),
    (30, "14-30d"),
    (60, "30-60d"),
    (90, "60-90d"),
    (float("inf"), "90d+"),
)
BUCKET_LABELS = tuple(label for _, label in BUCKETS)


class Count(NamedTuple):
    metric: str
    period: date
    dimension: str
    detail: str = ""
    n: int = 1


def local_day(at: datetime | date, timezone: str | None = None) -> date:
    """Counted per local calendar day (a 00:30 visit in Copenhagen belongs to that day): the
    company's (INTAKE_TIMEZONE), or `timezone`'s (a visit's site's own, issue 19.5)."""
    if not isinstance(at, datetime):
        return at
    return at.astimezone(_zone(timezone or current().timezone)).date()


@functools.cache
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def local_month(at: datetime | date) -> date:
    return month(local_day(at))


def month(at: datetime | date) -> date:
    return date(at.year, at.month, 1)


def day(at: datetime | date) -> date:
    return date(at.year, at.month, at.day)


def bucket(duration: timedelta) -> str:
    days = max(0.0, duration.total_seconds() / 86_400)
    return next(label for upper, label in BUCKETS if days < upper)


def key(metric: str, period: date, dimension: str, detail: str = "") -> str:
    """The counter's identity for the upsert. Without a detail it is the key counters had
    before details existed, so counters carried over from them go on counting in place."""
    base = f"{metric}|{period.isoformat()}|{dimension}"
    return (base + f"|{detail}" if detail else base)[:300]


@functools.cache
def _upsert(rows: int) -> str:
    values = ", ".join(["(?, ?, ?, ?, ?, ?)"] * rows)
    return (
        "INSERT INTO anonymous_stat (key, metric, period, dimension, detail, total) "  # noqa: S608 - placeholders only
        f"VALUES {values} "
        "ON CONFLICT (key) DO UPDATE SET total = anonymous_stat.total + excluded.total"
    )


async def count(*counts: Count) -> None:
    """Add to these counters in one statement, in the caller's transaction. Counters named
    twice are merged first (PostgreSQL refuses to update one row twice in a statement) and
    sorted by key, so two transactions take the rows' locks in the same order."""
    merged: dict[str, list] = {}
    for c in counts:
        if not c.n:
            continue
        k = key(c.metric, c.period, c.dimension, c.detail)
        if k in merged:
            merged[k][5] += c.n
        else:
            merged[k] = [k, c.metric[:32], c.period, c.dimension[:200], c.detail[:200], c.n]
    if not merged:
        return
    rows = [merged[k] for k in sorted(merged)]
    await fetch(_upsert(len(rows)), *(value for row in rows for value in row))


async def add(metric: str, period: date, dimension: str = "", n: int = 1, detail: str = "") -> None:
    """Add `n` to one counter (tests and the data migration)."""
    await count(Count(metric, period, dimension, detail, n))


# --- the events -------------------------------------------------------------------------


async def application_received(position_title: str, source: str, now: datetime) -> None:
    """An application became visible to HR (for an unconfirmed one: when it is confirmed)."""
    period = local_month(now)
    counts = [Count("applications", period, position_title)]
    if source:
        counts.append(Count("source", period, source))
    await count(*counts)


async def stage_moved(
    from_stage: str, to_stage: str, entered_at: datetime, created_at: datetime, now: datetime
) -> None:
    """A stage reached (hired, rejected, withdrawn: the decisions), how long the application
    stayed in the stage it left, and for a hire the time from application to hire."""
    period = local_month(now)
    counts = [
        Count("stage_reached", period, to_stage),
        Count("time_in_stage", period, from_stage, bucket(now - entered_at)),
    ]
    if to_stage == "hired":
        counts.append(Count("time_to_hire", period, "", bucket(now - created_at)))
    await count(*counts)


async def withdrawn(applications: int, now: datetime) -> None:
    """The candidate withdrew from open applications (their withdrawal of consent to both
    evaluation purposes): a decision, counted before the erasure that follows it."""
    await count(Count("stage_reached", local_month(now), "withdrawn", n=applications))


async def consent_changed(purpose: str, given: bool, now: datetime) -> None:
    action = "given" if given else "withdrawn"
    await count(Count("consent", local_month(now), purpose, action))


async def request_received(kind: str, now: datetime) -> None:
    await count(Count("rights_received", local_month(now), kind))


async def request_answered(kind: str, due: datetime, now: datetime) -> None:
    """Answered on time or late against the deadline in force (Art. 12(3), as extended)."""
    timing = "on_time" if now <= due else "late"
    await count(Count("rights_answered", local_month(now), kind, timing))


# A sign-in's counter: visits per local day, purpose and site (issue 19.5; counters from
# before sites name the kiosk's location). Constant SQL with the key built by the database
# from the site row, so the sign-in's hot path binds four values and runs one statement
# (bench B1). Parameters: key prefix ("visits|<day>|<purpose>|"), day, purpose, site id.
# SQLite needs the WHERE for an upsert from a SELECT.
_SITE_NAME = "(SELECT coalesce((SELECT name FROM site WHERE id = ?), '') AS place)"
_PLACE = _SITE_NAME + " l"
VISIT_COUNTED = (
    "INSERT INTO anonymous_stat (key, metric, period, dimension, detail, total) "  # noqa: S608 - constants joined, values bound
    "SELECT CASE WHEN l.place = '' THEN substr(?1, 1, length(?1) - 1) ELSE ?1 || l.place END, "
    "'visits', ?2, ?3, l.place, 1 FROM " + _PLACE.replace("?", "?4") + " WHERE true "
    "ON CONFLICT (key) DO UPDATE SET total = anonymous_stat.total + 1"
)
# PostgreSQL: typed parameters (they sit in a SELECT list). {visit} is "v, " inside the
# sign-in's single statement (app.visits.visits), where only a stored visit is counted.
# Parameters: day, purpose, key prefix twice, site id (visit_counted_pg_args).
#
# Every sign-in of a site's day and purpose adds to one row, whose lock is held until its
# transaction commits, the WAL flush included: concurrent sign-ins waited for each other's
# commits one by one (bench B1, 32 tablets: most of the sign-ins' database time was
# "Lock: transactionid" on this row; 0.35 of the floor). So a sign-in that finds the row locked
# counts in a shard row instead, "#<n>|" + the key (n: its connection's backend pid mod 16;
# no metric starts with "#", so a shard never meets another counter's key), with the same
# period, dimension and detail: readers sum the rows of a period, dimension and detail
# (app.privacy.statistics_report), so the published numbers are the same. Still one row per
# sign-in, in its transaction (issue 20); shards exist only where sign-ins overlapped, at most
# 16 more rows per counter. SQLite has one writer at a time: nothing to share there.
_VISIT_COUNTED_PG = (
    "INSERT INTO anonymous_stat (key, metric, period, dimension, detail, total) "  # noqa: S608 - constants joined, values bound
    "SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM anonymous_stat a WHERE a.key = l.k) "
    "OR EXISTS (SELECT 1 FROM anonymous_stat a WHERE a.key = l.k FOR UPDATE SKIP LOCKED) "
    "THEN l.k ELSE '#' || (pg_backend_pid() % 16) || '|' || l.k END, "
    "'visits', ?::date, ?::text, l.place, 1 FROM {visit}"
    "(SELECT CASE WHEN n.place = '' THEN rtrim(?::text, '|') ELSE ?::text || n.place END AS k, "
    "n.place FROM " + _SITE_NAME + " n) l "
    "ON CONFLICT (key) DO UPDATE SET total = anonymous_stat.total + 1"
)
VISIT_COUNTED_PG_STEP = "s AS (" + _VISIT_COUNTED_PG.format(visit="v, ") + " RETURNING 1)"


def visit_counted_args(
    purpose: str, site_id: int | None, now: datetime, timezone: str | None = None
) -> tuple:
    """VISIT_COUNTED's parameters (SQLite). The day is the site's (`timezone`, its own): a
    visit at 08:00 in New York is that day's there, whatever the day is in Copenhagen."""
    today = local_day(now, timezone)
    return (f"visits|{today.isoformat()}|{purpose}|", today.isoformat(), purpose, site_id)


def visit_counted_pg_args(
    purpose: str, site_id: int | None, now: datetime, timezone: str | None = None
) -> tuple:
    """VISIT_COUNTED_PG_STEP's parameters (PostgreSQL), the day as in visit_counted_args."""
    today = local_day(now, timezone)
    prefix = f"visits|{today.isoformat()}|{purpose}|"
    return (today, purpose, prefix, prefix, site_id)


async def visit_signed_in(
    purpose: str, site_id: int | None, now: datetime, timezone: str | None = None
) -> None:
    """The general sign-in path's counter (in its transaction), the same as the hot path's."""
    if current().is_sqlite:
        await fetch(VISIT_COUNTED, *visit_counted_args(purpose, site_id, now, timezone))
    else:
        sql = _VISIT_COUNTED_PG.format(visit="")
        await fetch(sql, *visit_counted_pg_args(purpose, site_id, now, timezone))


def shown(count: int) -> str:
    """What a person may see: a count from 1 to 4 could point at someone, so it is "<5"."""
    return "<5" if 0 < count < SMALL else str(count)
