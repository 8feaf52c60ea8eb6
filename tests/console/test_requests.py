"""The rights-request queue: due dates across month ends, extensions of at most two months
with the reason mailed to the requester, overdue rows, the daily reminder, erasure carried out
by the same service as the candidate's own button."""

from datetime import UTC, date, datetime, timedelta

import pytest

from app.clock import utcnow
from app.dates import day, today
from app.db import transaction
from app.privacy.requests_queue import latest_due, remind_assignees
from app.privacy.rights_requests import add_months, due_date, open_request
from app.tables import Candidate, DeletionReceipt, OutboxMail, RightsRequest
from tests.console.support import audit_actions, post_on, signed_in
from tests.factories import consenting_application, open_position, staff_member


def at(y: int, m: int, d: int) -> datetime:
    return datetime(y, m, d, 9, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("received", "due", "latest"),
    [
        (at(2026, 1, 31), at(2026, 2, 28), at(2026, 4, 30)),
        (at(2028, 1, 31), at(2028, 2, 29), at(2028, 4, 30)),  # leap year
        (at(2026, 3, 31), at(2026, 4, 30), at(2026, 6, 30)),
        (at(2026, 11, 30), at(2026, 12, 30), at(2027, 2, 28)),
        (at(2026, 12, 31), at(2027, 1, 31), at(2027, 3, 31)),
        (at(2026, 8, 15), at(2026, 9, 15), at(2026, 11, 15)),
    ],
)
def test_due_dates_across_month_ends(received, due, latest):
    assert due_date(received) == due
    assert latest_due(received) == latest
    assert add_months(received, 0) == received


async def _request(kind: str = "access", received: datetime | None = None, **kw) -> int:
    async with transaction():
        row = await open_request(
            kind,
            "visitor",
            received or utcnow(),
            name="Val Visitor",
            email="val@example.org",
            details="Please send my data",
            **kw,
        )
    return int(row.id)


async def test_extension_is_limited_to_two_months_and_mailed_with_its_reason(client):
    await signed_in(client, "hr")
    # Received at 23:30 UTC, already the next day in Copenhagen (INTAKE_TIMEZONE): the page
    # shows and takes the company's days, so the mail must name the day HR chose, whatever
    # the hour the suite runs at.
    received = (utcnow() - timedelta(days=3)).replace(hour=23, minute=30)
    rid = await _request(received=received)
    page = f"/console/requests/{rid}"
    too_far = (today(latest_due(received)) + timedelta(days=1)).isoformat()
    refused = await post_on(client, page, page + "/extend", {"due": too_far, "reason": "Busy"})
    assert refused.status_code == 400 and "at most two months" in refused.text
    earlier = await post_on(
        client, page, page + "/extend", {"due": today(due_date(received)).isoformat(), "reason": "Busy"}
    )
    assert earlier.status_code == 400
    no_reason = await post_on(
        client,
        page,
        page + "/extend",
        {"due": today(add_months(received, 2)).isoformat(), "reason": ""},
    )
    assert no_reason.status_code == 400
    assert await OutboxMail.count() == 0
    row = await RightsRequest.select().where(RightsRequest.id == rid).first()
    assert row["extended_due_at"] is None

    new_due = today(latest_due(received))  # the last day the page offers
    ok = await post_on(
        client,
        page,
        page + "/extend",
        {"due": new_due.isoformat(), "reason": "Many archived files to check"},
    )
    assert ok.status_code == 303
    row = await RightsRequest.select().where(RightsRequest.id == rid).first()
    assert today(row["extended_due_at"]) == new_due
    mail = await OutboxMail.select().first()
    assert mail["to_address"] == "val@example.org"
    # the date in the requester's language, never ISO (issue 21 point 8)
    assert "Many archived files to check" in mail["body"] and day(new_due, "en") in mail["body"]
    assert "rights_request_extended" in await audit_actions()


async def test_overdue_requests_stand_out(client):
    await signed_in(client, "admin")
    await _request(received=utcnow() - timedelta(days=40))
    await _request(received=utcnow())
    page = await client.get("/console/requests")
    assert page.text.count('class="overdue"') == 1 and "Overdue" in page.text


async def test_daily_reminder_mails_each_assignee_what_falls_due_within_7_days():
    hr_id, hr_email, _ = await staff_member("hr", email="hr-remind@example.org")
    admin_id, _, _ = await staff_member("admin", email="admin-remind@example.org")
    now = utcnow()
    soon = await _request(received=now - timedelta(days=26))
    late = await _request(received=now - timedelta(days=40))
    later = await _request(received=now - timedelta(days=2))
    await RightsRequest.update({RightsRequest.assignee: hr_id}).where(
        RightsRequest.id.is_in([soon, late])
    )
    await RightsRequest.update({RightsRequest.assignee: admin_id}).where(RightsRequest.id == later)
    counts = await remind_assignees(now)
    assert counts == {"assignees": 1, "requests": 2}
    mails = await OutboxMail.select()
    assert [m["to_address"] for m in mails] == [hr_email]
    assert f"#{soon}" in mails[0]["body"] and f"#{late}" in mails[0]["body"]
    assert "OVERDUE" in mails[0]["body"] and "Val Visitor" not in mails[0]["body"]
    from app.jobs import JOBS

    assert "rights_request_reminders" in {j.name for j in JOBS}


async def test_assign_close_and_forged_ids(client):
    me = await signed_in(client, "admin")
    rid = await _request()
    page = f"/console/requests/{rid}"
    assert (
        await post_on(client, page, page + "/assign", {"assignee": "999999"})
    ).status_code == 400
    assert (await post_on(client, page, page + "/assign", {"assignee": str(me)})).status_code == 303
    row = await RightsRequest.select().where(RightsRequest.id == rid).first()
    assert row["assignee"] == me and row["status"] == "in_progress"
    closed = await post_on(client, page, page + "/close", {"status": "done", "outcome": "Sent"})
    assert closed.status_code == 303
    again = await post_on(client, page, page + "/close", {"status": "done"})
    assert again.status_code == 409
    assert (await client.get("/console/requests/999999")).status_code == 404
    assert (
        await post_on(client, page, "/console/requests/999999/assign", {"assignee": str(me)})
    ).status_code == 404
    assert (await post_on(client, page, page + "/bogus", {})).status_code == 400


async def test_an_erasure_request_is_carried_out_by_the_erasure_service(client):
    await signed_in(client, "admin")
    pid = await open_position()
    a = await consenting_application(pid, "Erin Erase")
    async with transaction():
        req = await open_request("erasure", "candidate", utcnow(), candidate_id=a["candidate_id"])
    page = f"/console/requests/{req.id}"
    response = await post_on(client, page, page + "/erase", {})
    assert response.status_code == 303
    assert await Candidate.count() == 0
    assert await DeletionReceipt.exists().where(DeletionReceipt.reference == a["candidate_uid"])
    assert "erasure" in await audit_actions(a["candidate_uid"])


async def test_answering_an_objection_with_a_refusal_lifts_the_freeze(client):
    await signed_in(client, "admin")
    pid = await open_position()
    a = await consenting_application(pid)
    from app.tables import Application

    await Application.update({Application.objected: True}).where(
        Application.id == a["application_id"]
    )
    async with transaction():
        req = await open_request("objection", "candidate", utcnow(), candidate_id=a["candidate_id"])
    page = f"/console/requests/{req.id}"
    response = await post_on(
        client, page, page + "/close", {"status": "refused", "outcome": "Compelling grounds: ..."}
    )
    assert response.status_code == 303
    row = await Application.select().where(Application.id == a["application_id"]).first()
    assert row["objected"] is False


def test_date_helper_sanity():
    assert date(2026, 2, 28) == due_date(at(2026, 1, 31)).date()


async def test_an_access_request_exports_the_same_zip_and_is_audited(client):
    import io
    import zipfile

    me = await signed_in(client, "hr")
    pid = await open_position()
    a = await consenting_application(pid, "Axel Access")
    async with transaction():
        req = await open_request("access", "candidate", utcnow(), candidate_id=a["candidate_id"])
        other = await open_request(
            "complaint", "candidate", utcnow(), candidate_id=a["candidate_id"]
        )
    response = await client.get(f"/console/requests/{req.id}/export")
    assert response.status_code == 200
    assert response.headers["content-disposition"].startswith("attachment")
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert "Axel Access" in archive.read("my-data.json").decode()
    from app.tables import AuditEvent

    staff_exports = await AuditEvent.select().where(
        (AuditEvent.action == "data_exported")
        & (AuditEvent.actor_id == me)
        & (AuditEvent.actor_kind == "staff")
    )
    assert len(staff_exports) == 1 and staff_exports[0]["subject_ref"] == a["candidate_uid"]
    assert staff_exports[0]["object_id"] == str(req.id)
    # One export, one record: not a second one in the candidate's name (they did not ask).
    assert await AuditEvent.count().where(AuditEvent.action == "data_exported") == 1
    assert (await client.get(f"/console/requests/{other.id}/export")).status_code == 409
    assert (await client.get("/console/requests/999999/export")).status_code == 404
