"""The disclosure register (policy: "Police and other authorities can demand handing over
personal information ... only ... if there is a warrant"). Each hand-over is recorded with its
legal basis and reference, and is itself an audit event."""

import uuid
from datetime import datetime

from app.config import current
from app.db import transaction
from app.errors import ValidationFailed
from app.privacy import audit
from app.privacy.retention import record_erase_after
from app.tables import Candidate, Disclosure, Visit

SUBJECT_KINDS = ("candidate", "visitor")


async def _subject_exists(kind: str, ref: str) -> bool:
    """A reference must parse as a uid before it reaches a UUID column (PostgreSQL refuses
    anything else with an error, which must be a form message, not a 500)."""
    try:
        uid = uuid.UUID(ref)
    except ValueError:
        return False
    table = Candidate if kind == "candidate" else Visit
    return bool(await table.exists().where(table.uid == uid))


async def record(
    actor: audit.Actor,
    subject_kind: str,
    subject_ref: str,
    recipient: str,
    legal_basis: str,
    reference: str,
    description: str,
    disclosed_at: datetime,
    now: datetime,
) -> int:
    """Subjects are named by their internal uid (shown on the application page), never by name."""
    if subject_kind not in SUBJECT_KINDS:
        raise ValidationFailed({"subject_kind": "Choose one of the options."})
    async with transaction():
        if not await _subject_exists(subject_kind, subject_ref):
            raise ValidationFailed({"subject_ref": "No candidate or visit has this reference."})
        row = Disclosure(
            subject_kind=subject_kind,
            subject_ref=subject_ref,
            recipient=recipient,
            legal_basis=legal_basis,
            reference=reference,
            description=description,
            disclosed_at=disclosed_at,
            recorded_by=actor.id,
            erase_after=record_erase_after(now, current().retention),
        )
        await row.save()
        await audit.record(
            actor,
            "disclosure_recorded",
            now,
            subject_kind=subject_kind,
            subject_ref=subject_ref,
            object_id=row.id,
            reason=legal_basis,
        )
    return int(row.id)


async def register() -> list[dict]:
    return await Disclosure.select(
        *Disclosure.all_columns(exclude=[Disclosure.recorded_by]),
        Disclosure.recorded_by.display_name.as_alias("by"),
    ).order_by(Disclosure.disclosed_at, ascending=False)
