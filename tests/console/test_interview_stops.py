"""A planned interview is evaluation (purpose n): when the candidate withdraws n, restricts the
application or objects, it is called off at once, and the candidate's and the interviewers'
calendars get METHOD:CANCEL through the real SMTP server on loopback (Art. 7(3), 18, 21).
Before, the interview stayed in every calendar and the reviewer could no longer cancel it."""

from dataclasses import dataclass
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


@dataclass(frozen=True)
class Planned:
    """An interview planned with the reviewer and a colleague, its invitations delivered."""

    pid: int
    a: dict
    colleague_email: str
    candidate_email: str
    uid: str  # the calendar entry's UID, the same in every later cancellation
    sent: dict  # recipient -> (subject, calendar) of the invitations


async def planned_interview(client, inbox) -> Planned:  # noqa: F811
    reviewer, colleague, colleague_email, pid, a = await _world(client)
    candidate_email = await consenting_email(a)
    invited = await invite(client, pid, a["application_id"], interviewers=[reviewer, colleague])
    assert invited.status_code == 303
    await deliver_pending(utcnow())
    sent = calendars(inbox)
    uid = str(event(sent[candidate_email][1])["uid"])
    return Planned(pid, a, colleague_email, candidate_email, uid, sent)


def cancelled_everywhere(got: dict[str, Calendar], uid: str) -> None:
    """Each calendar mail cancels the same entry, one sequence on."""
    for cal in got.values():
        assert str(cal["method"]) == "CANCEL"
        assert str(event(cal)["uid"]) == uid and int(event(cal)["sequence"]) == 1


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
    p = await planned_interview(client, inbox)

    await _stop(how, p.a)
    await deliver_pending(utcnow())

    row = await Interview.select().first()
    assert row["status"] == "cancelled" and row["sequence"] == 1
    got = calendar_mails(inbox)
    hr = f"hr-{id(client)}@example.org"
    assert sorted(got) == sorted([p.candidate_email, p.colleague_email, hr])
    cancelled_everywhere(got, p.uid)
    cancelled = await AuditEvent.select().where(AuditEvent.action == "interview_cancelled")
    assert [(e["actor_kind"], e["object_id"]) for e in cancelled] == [
        ("system", str(p.a["application_id"]))
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


async def test_the_interviews_of_all_applications_are_read_in_one_query(client, monkeypatch):
    """Withdrawal, objection and erasure stop the interviews of every application of the
    candidate: one query reads them, however many applications there are (it was two per
    application); with none planned, nothing else is read."""
    from app.db import transaction
    from app.recruiting.interviews import stop_planned
    from tests.factories import application_row, consenting_application, open_position

    engine = type(Interview._meta.db)  # its class: the PostgreSQL engine's instance is slotted
    seen: list[str] = []
    real = engine.run_querystring

    async def counted(self, querystring, *args, **kwargs):  # type: ignore[no-untyped-def]
        seen.append(str(querystring))
        return await real(self, querystring, *args, **kwargs)

    counts = []
    for extra in (0, 7):
        a = await consenting_application(await open_position(f"Role {extra}"), f"Ada {extra}")
        for i in range(extra):
            await application_row(a["candidate_id"], await open_position(f"Role {extra}.{i}"))
        monkeypatch.setattr(engine, "run_querystring", counted)
        seen.clear()
        async with transaction():
            assert await stop_planned(a["candidate_id"], utcnow()) == 0
        monkeypatch.setattr(engine, "run_querystring", real)
        counts.append(len([q for q in seen if q.lstrip().upper().startswith("SELECT")]))
    assert counts == [1, 1], counts
