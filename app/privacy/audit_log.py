"""Browsing the audit log (admins, the data-protection officer facing an audit): filter by
actor, action and date; newest first, keyset-paged on id so any page is cheap."""

from datetime import UTC, date, datetime, time, timedelta

import msgspec

from app.tables import AuditEvent, StaffMember

PAGE_SIZE = 100


class AuditFilter(msgspec.Struct, frozen=True):
    actor_id: int | None = None
    action: str = ""
    since: date | None = None
    until: date | None = None
    subject_ref: str = ""


async def search(
    f: AuditFilter, before_id: int | None = None, limit: int = PAGE_SIZE
) -> tuple[list[dict], int | None]:
    query = AuditEvent.select(
        AuditEvent.id,
        AuditEvent.at,
        AuditEvent.actor_kind,
        AuditEvent.actor_id,
        AuditEvent.actor_role,
        AuditEvent.action,
        AuditEvent.subject_kind,
        AuditEvent.subject_ref,
        AuditEvent.object_id,
        AuditEvent.reason,
    )
    if f.actor_id is not None:
        query = query.where(AuditEvent.actor_id == f.actor_id)
    if f.action:
        query = query.where(AuditEvent.action == f.action)
    if f.subject_ref:
        query = query.where(AuditEvent.subject_ref == f.subject_ref)
    if f.since:
        query = query.where(AuditEvent.at >= datetime.combine(f.since, time(), tzinfo=UTC))
    if f.until:
        end = datetime.combine(f.until + timedelta(days=1), time(), tzinfo=UTC)
        query = query.where(AuditEvent.at < end)
    if before_id is not None:
        query = query.where(AuditEvent.id < before_id)
    rows = await query.order_by(AuditEvent.id, ascending=False).limit(limit + 1)
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, (rows[-1]["id"] if more and rows else None)


async def actions() -> list[str]:
    rows = await AuditEvent.select(AuditEvent.action).distinct().order_by(AuditEvent.action)
    return [r["action"] for r in rows]


async def actors() -> list[dict]:
    """Staff names for the filter; the log itself keeps only their ids."""
    return await StaffMember.select(StaffMember.id, StaffMember.display_name).order_by(
        StaffMember.display_name
    )
