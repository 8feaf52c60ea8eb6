"""An interview still planned when its candidate is erased (withdrawal of both consents, an
erasure request, the retention sweep) is taken out of the interviewers' calendars: each gets
METHOD:CANCEL for the same UID through the real SMTP server on loopback. That mail is not
erased with the candidate, so it carries nothing of them: no name, no address, not even the
place typed for their interview. The candidate, being erased, gets nothing. Before, the
erasure took the invitations' mail with it and the entries stayed in every calendar."""

from datetime import timedelta

import pytest

from app.clock import utcnow
from app.mail import deliver_pending
from app.privacy import candidate_rights
from app.privacy.audit import SYSTEM
from app.privacy.erasure import erase_candidate
from app.privacy.sweep import sweep
from app.tables import Application, Candidate, Interview, OutboxMail
from tests.console.test_interview_stops import (
    calendar_mails,
    cancelled_everywhere,
    planned_interview,
)
from tests.console.test_interviews import NAME, _world, event, invite
from tests.test_mail_delivery import inbox  # noqa: F401 - the loopback SMTP server fixture

PLACE = "Room 4, Main street 1"


async def _erase(how: str, a: dict) -> None:
    now = utcnow()
    if how == "withdraws both consents":
        for purpose, erases in (("m", False), ("n", True)):
            await candidate_rights.change_consent(
                a["candidate_id"], purpose, False, language="en", ip_prefix="127.0.0.0",
                now=now, confirm_erase=erases,
            )  # fmt: skip
    elif how == "erasure request":
        await erase_candidate(a["candidate_id"], "erasure request", now, SYSTEM)
    else:
        await Application.update({Application.erase_after: now - timedelta(minutes=1)}).where(
            Application.id == a["application_id"]
        )
        await sweep(now)


@pytest.mark.parametrize("how", ["withdraws both consents", "erasure request", "retention sweep"])
async def test_erasing_the_candidate_cancels_the_interview_in_the_interviewers_calendars(
    client,
    inbox,  # noqa: F811
    how,
):
    p = await planned_interview(client, inbox)
    a, candidate_email = p.a, p.candidate_email
    # what must not go out again
    assert PLACE in str(event(p.sent[p.colleague_email][1])["location"])

    await _erase(how, a)
    assert not await Candidate.exists().where(Candidate.id == a["candidate_id"])
    assert await Interview.count() == 0
    assert not await OutboxMail.exists().where(OutboxMail.about.is_not_null())
    await deliver_pending(utcnow())

    raw = b"".join(message for _, message in inbox.messages)
    got = calendar_mails(inbox)
    assert sorted(got) == sorted([p.colleague_email, f"hr-{id(client)}@example.org"])
    cancelled_everywhere(got, p.uid)
    for trace in (NAME, NAME.split()[0], candidate_email, "Main street"):
        assert trace.encode() not in raw, trace
    assert candidate_email not in {to for recipients, _ in inbox.messages for to in recipients}


async def test_no_cancellation_when_no_interview_is_planned(client, inbox):  # noqa: F811
    reviewer, _, _, pid, a = await _world(client)
    assert (
        await invite(client, pid, a["application_id"], interviewers=[reviewer])
    ).status_code == 303
    await Interview.update({Interview.status: "cancelled"}, force=True)
    await deliver_pending(utcnow())
    inbox.messages.clear()
    await erase_candidate(a["candidate_id"], "erasure request", utcnow(), SYSTEM)
    await deliver_pending(utcnow())
    assert inbox.messages == [] and await OutboxMail.count() == 0
