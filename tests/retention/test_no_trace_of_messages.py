"""Erasure leaves no message or invitation behind (issue 17, "Tests that must exist"): a
marker in the candidate's name, in the interview's place (so in every interviewer's mail and
calendar entry too) and in the candidate's answer is in the raw database before erasure and
in none of the database, WAL or data folder after, whether the mail was still waiting in the
outbox or already sent; by an erasure request and by the retention sweep. Only the
interviewers' cancellation of the planned interview stays, carrying none of it."""

from datetime import timedelta

import pytest

from app.clock import utcnow
from app.config import current
from app.privacy.audit import SYSTEM, Actor
from app.privacy.erasure import checkpoint, erase_candidate
from app.privacy.sweep import sweep
from app.recruiting import interviews, messages
from app.tables import Application, CandidateMessage, Interview, OutboxMail
from tests.factories import consenting_application, open_position, staff_member
from tests.retention.test_no_trace import _other_worker, _raw_hits, wal_mode  # noqa: F401

MARKER = "Qx8INVITEz3"


async def _plant() -> dict:
    reviewer, _, _ = await staff_member("hr", email="rita@example.org")
    colleague, _, _ = await staff_member("admin", email="ivan@example.org")
    pid = await open_position()
    a = await consenting_application(pid, f"{MARKER} Person")
    actor = Actor("staff", reviewer, "hr")
    now = utcnow()
    await messages.send(actor, a["application_id"], pid, "more_information", 0, now)
    plan = interviews.Plan(now + timedelta(days=2), 60, f"Room {MARKER}", "", [reviewer, colleague])
    await interviews.schedule(actor, a["application_id"], pid, plan, "en", now)
    await interviews.answer(
        a["candidate_id"], a["application_id"], "another_time", f"after {MARKER}", now
    )
    return a


async def _nothing_in_tables() -> None:
    assert await CandidateMessage.count() == 0 and await Interview.count() == 0
    await _only_the_interviewers_cancellations()


async def _only_the_interviewers_cancellations() -> None:
    """What stays in the outbox: the METHOD:CANCEL that takes the planned interview out of
    each interviewer's calendar (app.recruiting.erased_interviews), about nothing and with
    nothing of the candidate; the raw-file check below finds no marker in it either."""
    left = await OutboxMail.select()
    assert sorted(m["to_address"] for m in left) == ["ivan@example.org", "rita@example.org"]
    for m in left:
        assert m["about"] is None and "METHOD:CANCEL" in m["calendar"]
        assert MARKER not in m["calendar"] + m["body"] + m["subject"]


@pytest.mark.parametrize("sent", [False, True], ids=["waiting", "sent"])
@pytest.mark.parametrize("how", ["erasure request", "retention sweep"])
async def test_no_message_or_invitation_survives_erasure(how, sent):
    a = await _plant()
    mails = await OutboxMail.select().where(OutboxMail.about.is_not_null())
    assert len(mails) == 4  # the message, the candidate's and two interviewers' invitations
    staff_mail = [
        m
        for m in mails
        if m["to_address"].endswith("@example.org")
        and m["to_address"] in ("rita@example.org", "ivan@example.org")
    ]
    assert len(staff_mail) == 2 and all(MARKER in m["calendar"] for m in staff_mail)
    if sent:  # delivered: the body and the calendar are gone, the row stays till erase_after
        await OutboxMail.update(
            {OutboxMail.body: "", OutboxMail.calendar: "", OutboxMail.sent_at: utcnow()}, force=True
        )
    if current().is_sqlite:
        await checkpoint()
        assert _raw_hits(MARKER.encode()), "the raw database should hold the marker"
    other = _other_worker()
    try:
        if how == "erasure request":
            await erase_candidate(a["candidate_id"], "erasure request", utcnow(), SYSTEM)
        else:
            await Application.update({Application.erase_after: utcnow()}).where(
                Application.id == a["application_id"]
            )
            await sweep(utcnow())
        await _nothing_in_tables()
        if current().is_sqlite:
            assert _raw_hits(MARKER.encode()) == []
    finally:
        if other is not None:
            other.close()


async def test_erasing_one_application_takes_the_interviewers_mail_about_it():
    """The sweep may erase an application while its candidate stays (another application):
    the mail about it goes, to whoever it was sent; the interviewers get the cancellation."""
    a = await _plant()
    keep = await consenting_application(await open_position("Other"), "Keep Me")
    assert keep
    from app.db import transaction
    from app.privacy.erasure import erase_application_rows

    rows = await Application.select(Application.id, Application.uid).where(
        Application.id == a["application_id"]
    )
    async with transaction():
        await erase_application_rows(rows, "retention", utcnow())
    assert await CandidateMessage.count() == 0 and await Interview.count() == 0
    await _only_the_interviewers_cancellations()
