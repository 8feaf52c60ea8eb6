"""What reception reads: who is on site now, who is expected today, the visit log.

Visits hold no candidate data; the log shows only what the retention sweep has not yet
erased, so it spans the retention period by construction."""

from datetime import datetime

from piccolo.query import WhereRaw

from app.search import contains
from app.tables import ExpectedVisit, Visit
from app.visits.local_time import local_date

LOG_LIMIT = 200


def _columns() -> list:
    return [
        Visit.id,
        Visit.visitor_name,
        Visit.company,
        Visit.purpose,
        Visit.host.name.as_alias("host_name"),
        Visit.kiosk.name.as_alias("kiosk_name"),
        Visit.signed_in_at,
        Visit.signed_out_at,
        Visit.signed_out_by,
        Visit.language,
        Visit.channel,
    ]


async def on_site_now() -> list[dict]:
    return list(
        await Visit.select(*_columns())
        .where(Visit.signed_out_at.is_null())
        .order_by(Visit.signed_in_at)
    )


async def expected_today(now: datetime) -> list[dict]:
    return list(
        await ExpectedVisit.select(
            ExpectedVisit.id,
            ExpectedVisit.visitor_name,
            ExpectedVisit.company,
            ExpectedVisit.purpose,
            ExpectedVisit.host.name.as_alias("host_name"),
            ExpectedVisit.used_at,
        )
        .where(ExpectedVisit.expected_on == local_date(now))
        .order_by(ExpectedVisit.visitor_name)
    )


async def visit_log(search: str = "") -> list[dict]:
    """The latest visits; with a search, those whose visitor, company or host name contains
    it (app.search: any case, any alphabet)."""
    query = Visit.select(*_columns()).order_by(Visit.signed_in_at, ascending=False)
    if search.strip():
        found = [
            WhereRaw(*contains(column._meta.get_full_name(with_alias=False), search, "{}"))
            for column in (Visit.visitor_name, Visit.company, Visit.host.name)
        ]
        query = query.where(found[0] | found[1] | found[2])
    return list(await query.limit(LOG_LIMIT))
