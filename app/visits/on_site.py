"""What reception reads: who is on site now, who is expected today, the visit log.

Visits hold no candidate data; the log shows only what the retention sweep has not yet
erased, so it spans the retention period by construction.

Each read is audited like a staff read of candidate data (policy: "only accessible to our
employees ... as needed"; issue 16 item 13): who, which list, when, and how many visits it
showed; never a name, and never the search text (it is usually a name)."""

from datetime import datetime
from typing import Any

from piccolo.query import WhereRaw

from app.privacy import audit
from app.search import contains
from app.tables import ExpectedVisit, Visit
from app.visits.local_time import local_date
from app.visits.sites import ALL_SITES, site_clocks, site_scope

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
        Visit.site.name.as_alias("site_name"),
        Visit.site.timezone.as_alias("site_timezone"),  # its times on that office's clocks
    ]


def _at(column: Any, scope: tuple[int, ...] | None) -> Any:
    """Only the sites in `scope` (app.visits.sites.site_scope): every list below asks it."""
    return None if scope is ALL_SITES else column.is_in(list(scope) or [0])


async def desk(actor: audit.Actor, now: datetime) -> tuple[list[dict], list[dict]]:
    """Reception's desk: who is on site now and who is expected today (one audit record),
    at the reader's own sites."""
    scope = await site_scope(actor)
    on_site, expected = await _on_site_now(scope), await _expected_today(now, scope)
    await _audited(actor, "reception_desk_viewed", now, len(on_site) + len(expected))
    return on_site, expected


async def evacuation_list(actor: audit.Actor, now: datetime) -> list[dict]:
    on_site = await _on_site_now(await site_scope(actor))
    await _audited(actor, "evacuation_list_viewed", now, len(on_site))
    return on_site


async def counts(actor: audit.Actor, now: datetime) -> dict[str, int]:
    """For the console home: how many are in the reader's buildings (their sites) and how
    many are still expected there today. Numbers only, so no read of anyone's visit to
    audit."""
    scope = await site_scope(actor)
    on_site = Visit.count().where(Visit.signed_out_at.is_null())
    expected = ExpectedVisit.count().where(
        await _expected_today_at(now, scope), ExpectedVisit.used_at.is_null()
    )
    if scope is not ALL_SITES:
        on_site = on_site.where(_at(Visit.site, scope))
        expected = expected.where(_at(ExpectedVisit.site, scope))
    return {"on_site": await on_site, "expected": await expected}


async def _expected_today_at(now: datetime, scope: tuple[int, ...] | None) -> Any:
    """Invitations for today at each site in `scope`, today being the site's own local day
    (issue 19.5: a New York office's morning is already tomorrow's afternoon elsewhere)."""
    today: Any = ExpectedVisit.site.is_null() & (ExpectedVisit.expected_on == local_date(now))
    for site_id, timezone, _ in await site_clocks():
        if scope is ALL_SITES or site_id in scope:
            here = (ExpectedVisit.site == site_id) & (
                ExpectedVisit.expected_on == local_date(now, timezone)
            )
            today = today | here
    return today


async def _audited(actor: audit.Actor, action: str, now: datetime, shown: int) -> None:
    await audit.record(actor, action, now, subject_kind="visits", reason=f"{shown} shown")


async def _on_site_now(scope: tuple[int, ...] | None) -> list[dict]:
    query = Visit.select(*_columns()).where(Visit.signed_out_at.is_null())
    if (here := _at(Visit.site, scope)) is not None:
        query = query.where(here)
    return list(await query.order_by(Visit.signed_in_at))


async def _expected_today(now: datetime, scope: tuple[int, ...] | None) -> list[dict]:
    query = ExpectedVisit.select(
        ExpectedVisit.id,
        ExpectedVisit.visitor_name,
        ExpectedVisit.company,
        ExpectedVisit.purpose,
        ExpectedVisit.host.name.as_alias("host_name"),
        ExpectedVisit.used_at,
        ExpectedVisit.site.name.as_alias("site_name"),
    ).where(await _expected_today_at(now, scope))
    if (here := _at(ExpectedVisit.site, scope)) is not None:
        query = query.where(here)
    return list(await query.order_by(ExpectedVisit.visitor_name))


async def visit_log(actor: audit.Actor, now: datetime, search: str = "") -> list[dict]:
    """The latest visits; with a search, those whose visitor, company or host name contains
    it (app.search: any case, any alphabet). The audit says whether it was a search, not
    what was searched for."""
    query = Visit.select(*_columns()).order_by(Visit.signed_in_at, ascending=False)
    if (here := _at(Visit.site, await site_scope(actor))) is not None:
        query = query.where(here)
    if search.strip():
        found = [
            WhereRaw(*contains(column._meta.get_full_name(with_alias=False), search, "{}"))
            for column in (Visit.visitor_name, Visit.company, Visit.host.name)
        ]
        query = query.where(found[0] | found[1] | found[2])
    rows = list(await query.limit(LOG_LIMIT))
    action = "visit_log_searched" if search.strip() else "visit_log_viewed"
    await _audited(actor, action, now, len(rows))
    return rows
