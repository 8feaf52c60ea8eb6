"""The rights-request queue (GDPR Art. 12(3)): every request from a candidate or a visitor with
its received date, its due date (one month, extendable by up to two further months with a reason
sent to the requester), its status and its assignee. Overdue requests stand out; a daily job
mails each assignee what falls due within 7 days."""

from collections import defaultdict
from collections.abc import Awaitable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from app import dates
from app.config import current
from app.db import transaction
from app.errors import Conflict, NotFound, ValidationFailed
from app.i18n import gettext_for
from app.mail import queue as queue_mail
from app.privacy import audit, erasure, export, statistics
from app.privacy.rights_requests import add_months
from app.tables import Application, Candidate, RightsRequest, StaffMember

OPEN_STATUSES = ("open", "in_progress")
CLOSED_STATUSES = ("done", "refused")
MAX_EXTENSION_MONTHS = 2  # Art. 12(3): "extended by two further months where necessary"
REMIND_DAYS = 7


def effective_due(row: dict) -> datetime:
    return row["extended_due_at"] or row["due_at"]


def latest_due(received_at: datetime) -> datetime:
    return add_months(received_at, 1 + MAX_EXTENSION_MONTHS)


def is_overdue(row: dict, now: datetime) -> bool:
    return row["status"] in OPEN_STATUSES and effective_due(row) < now


async def due_soon(now: datetime, days: int = REMIND_DAYS) -> dict[str, int]:
    """For the console home: open requests past their deadline, and those due within `days`
    (Art. 12(3): one month, extended at most by two)."""
    rows = await RightsRequest.select(
        RightsRequest.status, RightsRequest.due_at, RightsRequest.extended_due_at
    ).where(RightsRequest.status.is_in(list(OPEN_STATUSES)))
    dues = [effective_due(r) for r in rows]
    return {
        "overdue": sum(1 for due in dues if due < now),
        "soon": sum(1 for due in dues if now <= due < now + timedelta(days=days)),
    }


async def list_requests(status: str, now: datetime) -> list[dict]:
    query = RightsRequest.select(
        RightsRequest.id,
        RightsRequest.kind,
        RightsRequest.requester_kind,
        RightsRequest.status,
        RightsRequest.received_at,
        RightsRequest.due_at,
        RightsRequest.extended_due_at,
        RightsRequest.assignee.display_name.as_alias("assignee"),
    )
    if status == "open":
        query = query.where(RightsRequest.status.is_in(list(OPEN_STATUSES)))
    elif status in (*OPEN_STATUSES, *CLOSED_STATUSES):
        query = query.where(RightsRequest.status == status)
    rows = await query.order_by(RightsRequest.due_at).limit(500)
    for r in rows:
        r["due"] = effective_due(r)
        r["overdue"] = is_overdue(r, now)
    rows.sort(key=lambda r: r["due"])
    return rows


async def get_request(request_id: int) -> dict:
    row = (
        await RightsRequest.select(
            *RightsRequest.all_columns(),
            RightsRequest.candidate.uid.as_alias("candidate_uid"),
        )
        .where(RightsRequest.id == request_id)
        .first()
    )
    if row is None:
        raise NotFound("We could not find that request.")
    return row


def _subject(row: dict) -> dict[str, Any]:
    if row.get("candidate_uid"):
        return {"subject_kind": "candidate", "subject_ref": row["candidate_uid"]}
    return {"subject_kind": row["requester_kind"], "subject_ref": row["uid"]}


async def view(actor: audit.Actor, request_id: int, now: datetime) -> dict:
    """The request with the requester's details: a read of personal data, so audited."""
    async with transaction():
        row = await get_request(request_id)
        await audit.record(
            actor, "rights_request_viewed", now, object_id=request_id, **_subject(row)
        )
    row["due"] = effective_due(row)
    row["overdue"] = is_overdue(row, now)
    row["latest_due"] = latest_due(row["received_at"])
    return row


async def assign(actor: audit.Actor, request_id: int, assignee_id: int, now: datetime) -> None:
    async with transaction():
        row = await get_request(request_id)
        staff = (
            await StaffMember.select(StaffMember.role, StaffMember.disabled)
            .where(StaffMember.id == assignee_id)
            .first()
        )
        if staff is None or staff["disabled"] or staff["role"] not in ("admin", "hr"):
            raise ValidationFailed({"assignee": "Choose an active HR or admin colleague."})
        changes: dict[Any, Any] = {RightsRequest.assignee: assignee_id}
        if row["status"] == "open":
            changes[RightsRequest.status] = "in_progress"
        await RightsRequest.update(changes).where(RightsRequest.id == request_id)
        await audit.record(
            actor,
            "rights_request_assigned",
            now,
            object_id=request_id,
            reason=f"assignee {assignee_id}",
            **_subject(row),
        )


async def _requester_email(row: dict) -> str:
    if row["requester_email"]:
        return str(row["requester_email"])
    if row["candidate"]:
        found = (
            await Candidate.select(Candidate.email).where(Candidate.id == row["candidate"]).first()
        )
        return str(found["email"]) if found else ""
    return ""


async def extend(
    actor: audit.Actor, request_id: int, new_due: date, reason: str, now: datetime
) -> datetime:
    """Art. 12(3): at most two months beyond the first month, with the reason told to the
    requester. The mail goes through the outbox in the same transaction."""
    reason = reason.strip()
    if not reason:
        raise ValidationFailed({"reason": "Say why the request needs more time."})
    async with transaction():
        row = await get_request(request_id)
        if row["status"] not in OPEN_STATUSES:
            raise Conflict("This request is already closed.")
        # The chosen date is a day of the company's calendar, as the page shows the due date
        # (dates.day): combined with the current due's local time, the requester's mail names
        # that same day. Combined in UTC, a request due after 23:00 UTC moved to the day after.
        current_due = effective_due(row)
        if current_due.tzinfo is None:
            current_due = current_due.replace(tzinfo=UTC)
        due = datetime.combine(new_due, current_due.astimezone(dates.zone()).timetz())
        if due <= current_due:
            raise ValidationFailed({"due": "The new due date must be later than the current one."})
        latest = latest_due(row["received_at"])
        if dates.today(due) > dates.today(latest):
            raise ValidationFailed({"due": "A request can be extended by at most two months."})
        due = min(due, latest)  # the last day offered, at most to the instant (a DST change)
        await RightsRequest.update(
            {RightsRequest.extended_due_at: due, RightsRequest.extension_reason: reason}
        ).where(RightsRequest.id == request_id)
        to = await _requester_email(row)
        if to:
            _ = gettext_for(row["language"] or "en")
            body = _(
                "We need more time to answer your request. Our new answer date is %(due)s."
            ) % {"due": dates.day(due, row["language"] or "en")}
            await queue_mail(
                to,
                _("Your request: we need more time"),
                f"{body}\n\n{_('The reason')}: {reason}\n",
                now,
            )
        await audit.record(
            actor,
            "rights_request_extended",
            now,
            object_id=request_id,
            reason=f"due {due.date().isoformat()}",
            **_subject(row),
        )
    return due


async def close(
    actor: audit.Actor, request_id: int, status: str, outcome: str, now: datetime
) -> None:
    if status not in CLOSED_STATUSES:
        raise ValidationFailed({"status": "Choose one of the options."})
    async with transaction():
        row = await get_request(request_id)
        if row["status"] not in OPEN_STATUSES:
            raise Conflict("This request is already closed.")
        if row["kind"] == "objection" and row["candidate"] and status == "refused":
            # Art. 21(1): processing may go on once we have shown compelling grounds, i.e. the
            # objection is answered and refused; an upheld objection keeps the freeze.
            await Application.update(
                {Application.objected: False, Application.updated_at: now}
            ).where(Application.candidate == row["candidate"])
        await RightsRequest.update(
            {
                RightsRequest.status: status,
                RightsRequest.outcome: outcome.strip(),
                RightsRequest.closed_at: now,
            }
        ).where(RightsRequest.id == request_id)
        await statistics.request_answered(row["kind"], effective_due(row), now)
        await audit.record(
            actor, f"rights_request_{status}", now, object_id=request_id, **_subject(row)
        )


async def remind_assignees(now: datetime) -> dict[str, int]:
    """The daily reminder: each assignee gets one mail listing their open requests that fall
    due within 7 days (or are overdue). Ids, kinds and dates only: no personal data in mail."""
    horizon = now + timedelta(days=REMIND_DAYS)
    rows = await RightsRequest.select(
        RightsRequest.id,
        RightsRequest.kind,
        RightsRequest.due_at,
        RightsRequest.extended_due_at,
        RightsRequest.status,
        RightsRequest.assignee.email.as_alias("to"),
    ).where(RightsRequest.status.is_in(list(OPEN_STATUSES)) & RightsRequest.assignee.is_not_null())
    by_assignee: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        if effective_due(r) <= horizon and r["to"]:
            by_assignee[r["to"]].append(r)
    base = current().base_url.rstrip("/")
    async with transaction():
        for to, items in by_assignee.items():
            items.sort(key=effective_due)
            subject, body = _reminder(items, base, now)
            await queue_mail(to, subject, body, now)
    return {"assignees": len(by_assignee), "requests": sum(len(v) for v in by_assignee.values())}


async def carry_out_erasure(actor: audit.Actor, request_id: int, now: datetime) -> str:
    """An erasure request from a candidate, carried out by the same service as the candidate's
    own "erase everything" button. Not wrapped in our own transaction: the erasure service
    removes the CV files only after its own commit. The request row goes with the candidate
    (it is their data); the deletion receipt and the audit event remain as proof."""
    row = await get_request(request_id)
    if row["kind"] != "erasure" or not row["candidate"]:
        raise Conflict("Only a candidate's erasure request can be carried out here.")
    if row["status"] not in OPEN_STATUSES:
        raise Conflict("This request is already closed.")

    # The request row goes with the candidate: it is answered in the erasure's transaction.
    def answered() -> Awaitable[None]:
        return statistics.request_answered(row["kind"], effective_due(row), now)

    return await erasure.erase_candidate(
        row["candidate"], "erasure_request", now, actor, also=answered
    )


async def carry_out_access(actor: audit.Actor, request_id: int, now: datetime) -> bytes:
    """An access request (Art. 15) from a candidate: the same ZIP as the candidate's own
    download, for the handler to send on. Audited as the staff member's export."""
    row = await get_request(request_id)
    if row["kind"] != "access" or not row["candidate"]:
        raise Conflict("Only a candidate's access request can be exported here.")
    return await export.export_zip(
        row["candidate"], now, actor, object_id=request_id, reason="access request"
    )


def _reminder(items: list[dict], base: str, now: datetime) -> tuple[str, str]:
    """A staff member's language is not stored: the reminder is written in every language
    Intake offers, each with its own dates (issue 21 point 8), Danish first when offered."""
    subjects, bodies = [], []
    languages = sorted(current().languages, key=lambda lang: lang != "da")
    for lang in languages:
        _ = gettext_for(lang)
        subjects.append(
            _("Rights requests due within %(days)s days: %(n)s")
            % {"days": REMIND_DAYS, "n": len(items)}
        )
        lines = []
        for r in items:
            due = dates.day(effective_due(r), lang)
            late = " (" + _("OVERDUE") + ")" if effective_due(r) < now else ""
            lines.append(
                f"- #{r['id']} {_(r['kind'])}: {_('due %(date)s') % {'date': due}}{late} "
                f"{base}/console/requests/{r['id']}"
            )
        bodies.append(_("These requests fall due soon:") + "\n\n" + "\n".join(lines) + "\n")
    return " / ".join(subjects), "\n---\n\n".join(bodies)
