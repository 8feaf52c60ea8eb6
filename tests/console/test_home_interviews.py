"""The console home's 'Interviews today' (issue 17 points 5 and 9): a count of the
interviews planned for the company's today (INTAKE_TIMEZONE), without names; cancelled ones
and those of an application decide() now refuses (frozen, purpose n withdrawn) are not work;
reception sees no such box."""

import uuid
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from app.clock import utcnow
from app.config import current
from app.tables import Application, Interview
from tests.console.support import signed_in
from tests.console.test_home import counts
from tests.factories import consenting_application, open_position

NAMES = ("Tove Today", "Tim Tomorrow", "Cilla Cancelled", "Fritz Frozen")


def _local_noon(days: int) -> datetime:
    zone = ZoneInfo(current().timezone)
    day = utcnow().astimezone(zone).date() + timedelta(days=days)
    return datetime.combine(day, time(12, 0), tzinfo=zone)


async def _interview(pid: int, name: str, days: int, status: str = "scheduled") -> int:
    a = await consenting_application(pid, name, cv=None)
    await Interview.insert(Interview(uid=uuid.uuid4(), application=a["application_id"],
                                     starts_at=_local_noon(days), minutes=60, place="Room 1",
                                     interviewers=[], status=status))  # fmt: skip
    return a["application_id"]


async def test_interviews_today_are_counted_without_names(client):
    await signed_in(client, "hr")
    pid = await open_position("Data engineer")
    await _interview(pid, NAMES[0], 0)
    await _interview(pid, NAMES[1], 1)
    await _interview(pid, NAMES[2], 0, status="cancelled")
    frozen = await _interview(pid, NAMES[3], 0)
    await Application.update({Application.restricted: True}).where(Application.id == frozen)
    page = (await client.get("/console")).text
    assert counts(page, "interviews") == {"interviews": "1"}
    for name in NAMES:
        assert name not in page


async def test_reception_has_no_interviews_box(client):
    await signed_in(client, "reception")
    assert 'id="work-interviews"' not in (await client.get("/console")).text
