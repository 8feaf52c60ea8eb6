"""The audit log: every staff read of a candidate's personal data, and every change that
matters, as who / what / whose / when / why (policy: "only accessible to our employees ...
as needed"). It names people by internal ids only and never copies the data itself."""

from datetime import datetime, timedelta

import msgspec

from app.config import current
from app.tables import AuditEvent


class Actor(msgspec.Struct, frozen=True):
    kind: str  # staff | candidate | system | kiosk
    id: int | None = None
    role: str = ""


SYSTEM = Actor(kind="system")


async def record(
    actor: Actor,
    action: str,
    now: datetime,
    *,
    subject_kind: str = "",
    subject_ref: str = "",
    object_id: str | int = "",
    reason: str = "",
) -> None:
    await AuditEvent.insert(
        AuditEvent(
            at=now,
            actor_kind=actor.kind,
            actor_id=actor.id,
            actor_role=actor.role,
            action=action,
            subject_kind=subject_kind,
            subject_ref=str(subject_ref),
            object_id=str(object_id),
            reason=reason[:200],
            erase_after=now + timedelta(days=current().retention.audit_days),
        )
    )
