"""Rights requests from candidates and visitors (GDPR Art. 12(3)): answered within one month
of receipt, extendable by two further months with a reason sent to the requester."""

import calendar
import uuid
from datetime import datetime, timedelta

from app.config import current
from app.privacy import statistics
from app.tables import RightsRequest

KINDS = ("access", "correction", "erasure", "restriction", "objection", "complaint")


def add_months(at: datetime, months: int) -> datetime:
    """The same day `months` later; a day that month lacks becomes its last day
    (31 January + 1 month = 28/29 February)."""
    total = at.month - 1 + months
    year, month_index = at.year + total // 12, total % 12 + 1
    last = calendar.monthrange(year, month_index)[1]
    return at.replace(year=year, month=month_index, day=min(at.day, last))


def due_date(received_at: datetime) -> datetime:
    return add_months(received_at, 1)


async def open_request(
    kind: str,
    requester_kind: str,
    now: datetime,
    *,
    candidate_id: int | None = None,
    name: str = "",
    email: str = "",
    details: str = "",
    language: str = "en",
) -> RightsRequest:
    """Record a request in the queue; the caller runs it inside its transaction."""
    if kind not in KINDS:
        raise ValueError(f"unknown request kind {kind!r}")
    row = RightsRequest(
        uid=uuid.uuid4(),
        kind=kind,
        requester_kind=requester_kind,
        candidate=candidate_id,
        requester_name=name,
        requester_email=email,
        details=details,
        language=language,
        status="open",
        received_at=now,
        due_at=due_date(now),
        erase_after=now + timedelta(days=current().retention.audit_days),
    )
    await row.save()
    await statistics.request_received(kind, now)
    return row
