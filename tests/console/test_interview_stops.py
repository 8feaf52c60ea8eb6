"""A planned interview is evaluation (purpose n): when the candidate withdraws n, restricts the
application or objects, it is called off at once, and the candidate's and the interviewers'
calendars get METHOD:CANCEL through the real SMTP server on loopback (Art. 7(3), 18, 21).
Before, the interview stayed in every calendar and the reviewer could no longer cancel it."""

from email import message_from_bytes

import pytest
from icalendar import Calendar

from app.clock import utcnow
from app.mail import deliver_pending
from app.privacy import candidate_rights
from app.tables import AuditEvent, Interview
from tests.console.support import post_on
from tests.console.test_interviews import _world, calendars, consenting_email, event, invite, url
from tests.factories import set_consent
from tests.test_mail_delivery import inbox  # noqa: F401 - the loopback SMTP server fixture


def calendar_mails(inbox) -> dict[str, Calendar]:  # noqa: F811
    """Recipient -> the calendar attached; an objection's own receipt mail carries none."""
    out = {}
    for recipients, raw in inbox.messages:
        for part in message_from_bytes(raw).walk():
            if part.get_content_type() == "text/calendar":
                out[recipients[0]] = Calendar.from_ical(part.get_payload(decode=True))
    return out


async def _stop(how: str, a: dict) -> None:
    now = utcnow()
    if how == "withdraws n":
        await candidate_rights.change_consent(
            a["candidate_id"], "n", False, language="en", ip_prefix="127.0.0.0", now=now
        )
    elif how == "restricts":
        await candidate_rights.set_restriction(a["candidate_id"], a["application_id"], True, now)
    else:
        await candidate_rights.object_to_processing(a["candidate_id"], "Stop, please.", "en", now)


@pytest.mark.parametrize("how", ["withdraws n", "restricts", "objects"])
async def test_the_candidate_stopping_calls_the_interview_off_in_every_calendar(
    client,
    inbox,  # noqa: F811
    how,
):
    reviewer, colleague, colleague_email, pid, a = await _world(client)
    candidate_email = await consenting_email(a)
    invited = await invite(client, pid, a["application_id"], interviewers=[reviewer, colleague])
    assert invited.status_code == 303
    await deliver_pending(utcnow())
    uid = str(event(calendars(inbox)[candidate_email][1])["uid"])

    await _stop(how, a)
    await deliver_pending(utcnow())

    row = await Interview.select().first()
    assert row["status"] == "cancelled" and row["sequence"] == 1
    got = calendar_mails(inbox)
    assert sorted(got) == sorted([candidate_email, colleague_email, f"hr-{id(client)}@example.org"])
    for cal in got.values():
        assert str(cal["method"]) == "CANCEL"
        assert str(event(cal)["uid"]) == uid and int(event(cal)["sequence"]) == 1
    cancelled = await AuditEvent.select().where(AuditEvent.action == "interview_cancelled")
    assert [(e["actor_kind"], e["object_id"]) for e in cancelled] == [
        ("system", str(a["application_id"]))
    ]


async def test_a_reviewer_may_still_cancel_an_interview_the_candidate_stopped(
    client,
    inbox,  # noqa: F811
):
    """An interview left from before (the flag changed without the service) is still cancelled
    by hand: stopping is never refused."""
    reviewer, _, _, pid, a = await _world(client)
    assert (
        await invite(client, pid, a["application_id"], interviewers=[reviewer])
    ).status_code == 303
    await set_consent(a["candidate_id"], a["candidate_uid"], "n", False)
    answer = await post_on(
        client,
        url(pid, a["application_id"]),
        url(pid, a["application_id"], "/interview/cancel"),
        {},
    )
    assert answer.status_code == 303
    assert (await Interview.select(Interview.status).first())["status"] == "cancelled"
