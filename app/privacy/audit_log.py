"""Browsing the audit log (admins, the data-protection officer facing an audit): filter by
staff member, action and date; newest first, keyset-paged on id so any page is cheap.

The log keeps internal ids only (MISSION: "they name a person only by an internal id"). The
page reads them for a person who is allowed to see the log: staff by name and role, and each
subject as a short reference to the record it is about while that record exists. Once the
record is erased the reference is plain text, and nothing on the page names the person."""

import re
import uuid
from collections.abc import AsyncIterator
from datetime import date, datetime

import msgspec

from app import dates
from app.db import transaction
from app.privacy import audit
from app.tables import Application, AuditEvent, Candidate, Position, RightsRequest, StaffMember

PAGE_SIZE = 100
# requests_queue.assign records the new assignee's staff id as "assignee 12".
_ASSIGNEE = re.compile(r"^assignee (\d{1,9})$")
# AuditFilter.described, read back: the parts in their order, each optional; an action has no
# space in it (else the reason is shown as written), the subject id is the rest.
_DESCRIBED = re.compile(
    r"^(?:staff=(?P<staff>\d{1,9}))?(?: ?action=(?P<action>[^ ]+))?"
    r"(?: ?from=(?P<from>\d{4}-\d{2}-\d{2}))?(?: ?to=(?P<to>\d{4}-\d{2}-\d{2}))?"
    r"(?: ?subject=(?P<subject>.+))?$",
    re.DOTALL,
)
EXPORT_BATCH = 1_000

_COLUMNS = (
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


class AuditFilter(msgspec.Struct, frozen=True):
    actor_id: int | None = None
    action: str = ""
    since: date | None = None  # the company's days (INTAKE_TIMEZONE), both ends included
    until: date | None = None
    subject_ref: str = ""

    def described(self) -> str:
        """For the export's own audit row: the filter, which holds no personal data."""
        parts = [
            f"staff={self.actor_id}" if self.actor_id is not None else "",
            f"action={self.action}" if self.action else "",
            f"from={self.since}" if self.since else "",
            f"to={self.until}" if self.until else "",
            f"subject={self.subject_ref}" if self.subject_ref else "",
        ]
        return " ".join(p for p in parts if p) or "all"


async def search(
    f: AuditFilter, before_id: int | None = None, limit: int = PAGE_SIZE
) -> tuple[list[dict], int | None]:
    query = AuditEvent.select(*_COLUMNS)
    if f.actor_id is not None:
        query = query.where(AuditEvent.actor_id == f.actor_id)
    if f.action:
        query = query.where(AuditEvent.action == f.action)
    if f.subject_ref:
        query = query.where(AuditEvent.subject_ref == f.subject_ref)
    start, end = dates.local_days(f.since, f.until)
    if start:
        query = query.where(AuditEvent.at >= start)
    if end:
        query = query.where(AuditEvent.at < end)
    if before_id is not None:
        query = query.where(AuditEvent.id < before_id)
    rows = await query.order_by(AuditEvent.id, ascending=False).limit(limit + 1)
    more = len(rows) > limit
    rows = rows[:limit]
    return await readable(rows), (rows[-1]["id"] if more and rows else None)


async def export(actor: audit.Actor, f: AuditFilter, now: datetime) -> AsyncIterator[list[dict]]:
    """Every row the filter matches, for the CSV download, a batch at a time (memory stays
    flat over three years of log). The export is audited before any row leaves (a copy of
    the log leaves the system), so the download lists its own row."""
    async with transaction():
        await audit.record(actor, "audit_log_exported", now, reason=f.described())
    return _batches(f)


async def _batches(f: AuditFilter) -> AsyncIterator[list[dict]]:
    before: int | None = None
    while True:
        rows, before = await search(f, before, EXPORT_BATCH)
        yield rows
        if before is None:
            return


async def readable(rows: list[dict]) -> list[dict]:
    """Adds `staff_name` to staff actors and `subject` to every row: a short reference, the
    record it links to while that record exists (`target`), and whether it is erased."""
    staff_ids = {r["actor_id"] for r in rows if r["actor_kind"] == "staff" and r["actor_id"]}
    staff_ids |= {int(r["subject_ref"]) for r in rows if _staff_subject(r)}
    for r in rows:
        r["exported_filter"] = exported_filter(r)
        r["reason_staff_id"] = reason_staff(r)
    staff_ids |= {r["reason_staff_id"] for r in rows if r["reason_staff_id"] is not None}
    names = await _staff_names(staff_ids)
    uids = _uids({r["subject_ref"] for r in rows if r["subject_kind"] == "candidate"})
    applications = await _applications_of(uids)
    candidates = await _existing_candidates(uids)
    positions = await _position_titles({r["object_id"] for r in rows if _position(r)})
    requests = await _existing(RightsRequest, {r["object_id"] for r in rows if _request(r)})
    for r in rows:
        r["staff_name"] = names.get(r["actor_id"]) if r["actor_kind"] == "staff" else None
        r["subject"] = _subject(r, names, applications, positions, requests)
        r["reason_staff_name"] = names.get(r["reason_staff_id"] or 0)
        if r["subject_kind"] == "candidate" and r["subject_ref"] in candidates:
            r["subject"]["erased"] = False  # kept without an application to link to
    return rows


def _subject(
    r: dict,
    names: dict[int, str],
    applications: dict[str, list[tuple[int, int]]],
    positions: dict[str, str],
    requests: set[str],
) -> dict:
    kind, ref, obj = r["subject_kind"], r["subject_ref"], r["object_id"]
    if _request(r):
        target: tuple | None = ("request", obj) if obj in requests else None
        shown = f"#{obj}"
        if kind == "candidate" and ref in applications:
            shown = ref[:8]
        return {"ref": shown, "target": target, "erased": target is None}
    if kind == "candidate":
        own = applications.get(ref, [])
        chosen = [a for a in own if str(a[1]) == obj] or own[:1]
        target = ("application", *chosen[0]) if chosen else None
        return {"ref": ref[:8], "target": target, "erased": not own}
    if _position(r):
        exists = obj in positions
        return {  # a position's title is no one's personal data: the admin reads which one
            "ref": positions.get(obj) or f"#{obj}",
            "target": ("position", obj) if exists else None,
            "erased": not exists,
        }
    if _staff_subject(r):
        name = names.get(int(ref))
        return {"ref": name or ref, "target": ("staff",) if name else None, "erased": not name}
    return {"ref": (ref or obj)[:8], "target": None, "erased": False}


def reason_staff(r: dict) -> int | None:
    """The staff id an event's reason names: the colleague a rights request was assigned to,
    or the staff member an export of this log was filtered by (`exported_filter` first)."""
    if r["action"] == "rights_request_assigned":
        found = _ASSIGNEE.match(r["reason"] or "")
        return int(found[1]) if found else None
    staff = (r.get("exported_filter") or {}).get("staff")
    return int(staff) if staff else None


def exported_filter(r: dict) -> dict[str, str] | None:
    """An export's own row: the filters its reason names (AuditFilter.described read back,
    by part: staff, action, from, to, subject), {} for every entry; None for any other row
    or a reason that is not one."""
    reason = r["reason"] or ""
    if r["action"] != "audit_log_exported" or not reason:
        return None
    if reason == "all":
        return {}
    found = _DESCRIBED.match(reason)
    return {k: v for k, v in found.groupdict().items() if v is not None} if found else None


def _position(r: dict) -> bool:
    return r["subject_kind"] == "position" and r["object_id"].isdigit()


def _request(r: dict) -> bool:
    return r["action"].startswith("rights_request_") and r["object_id"].isdigit()


def _staff_subject(r: dict) -> bool:
    return r["subject_kind"] == "staff" and r["subject_ref"].isdigit()


async def _staff_names(ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = await StaffMember.select(StaffMember.id, StaffMember.display_name).where(
        StaffMember.id.is_in(list(ids))
    )
    return {r["id"]: r["display_name"] for r in rows}


def _uids(refs: set[str]) -> list[uuid.UUID]:
    parsed = []
    for ref in refs:
        try:
            parsed.append(uuid.UUID(ref))
        except ValueError:
            continue
    return parsed


async def _existing_candidates(uids: list[uuid.UUID]) -> set[str]:
    if not uids:
        return set()
    rows = await Candidate.select(Candidate.uid).where(Candidate.uid.is_in(uids))
    return {str(r["uid"]) for r in rows}


async def _applications_of(parsed: list[uuid.UUID]) -> dict[str, list[tuple[int, int]]]:
    """Each existing candidate's applications as (position id, application id), newest first."""
    if not parsed:
        return {}
    rows = await (
        Application.select(
            Application.id, Application.position, Application.candidate.uid.as_alias("uid")
        )
        .where(Application.candidate.uid.is_in(parsed))
        .order_by(Application.id, ascending=False)
    )
    found: dict[str, list[tuple[int, int]]] = {}
    for row in rows:
        found.setdefault(str(row["uid"]), []).append((row["position"], row["id"]))
    return found


async def _position_titles(ids: set[str]) -> dict[str, str]:
    if not ids:
        return {}
    rows = await Position.select(Position.id, Position.title).where(
        Position.id.is_in([int(i) for i in ids])
    )
    return {str(r["id"]): r["title"] for r in rows}


async def _existing(table: type[Position] | type[RightsRequest], ids: set[str]) -> set[str]:
    if not ids:
        return set()
    rows = await table.select(table.id).where(table.id.is_in([int(i) for i in ids]))
    return {str(r["id"]) for r in rows}


async def actors() -> list[dict]:
    """Staff names for the filter; the log itself keeps only their ids."""
    return await StaffMember.select(
        StaffMember.id, StaffMember.display_name, StaffMember.role
    ).order_by(StaffMember.display_name)
