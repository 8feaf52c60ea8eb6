"""The audit log: every staff read of a candidate's personal data, and every change that
matters, as who / what / whose / when / why (policy: "only accessible to our employees ...
as needed"). It names people by internal ids only and never copies the data itself."""

from datetime import datetime, timedelta

import msgspec

from app.config import current
from app.db import fetch


class Actor(msgspec.Struct, frozen=True):
    kind: str  # staff | candidate | system | kiosk
    id: int | None = None
    role: str = ""


SYSTEM = Actor(kind="system")

_RECORD = (
    "INSERT INTO audit_event (at, actor_kind, actor_id, actor_role, action, subject_kind, "
    "subject_ref, object_id, reason, erase_after) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


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
    # In the caller's transaction when there is one: the audit row commits with what it
    # records. Constant SQL: every staff read writes one (bench B3).
    await fetch(
        _RECORD,
        now, actor.kind, actor.id, actor.role, action, subject_kind, str(subject_ref),
        str(object_id), reason[:200], now + timedelta(days=current().retention.audit_days),
    )  # fmt: skip
