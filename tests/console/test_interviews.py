"""Interview invitations (issue 17.5): the reviewer picks a local time, a length, a place or a
video link and the interviewers; a real SMTP server on loopback receives the candidate's and
each interviewer's mail with an RFC 5545 invitation that icalendar reads back (time,
attendees, no candidate name in the interviewers' entry); moving it raises SEQUENCE,
cancelling sends METHOD:CANCEL; the candidate answers from their page and the console shows
the answer; nothing is sent where decide() refuses purpose n."""

from datetime import datetime, timedelta
from email import message_from_bytes
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from app.clock import utcnow
from app.config import current
from app.mail import deliver_pending
from app.staff.sessions import open_session
from app.tables import Application, AuditEvent, CandidateMessage, Interview, OutboxMail
from tests.console.support import post_on, signed_in
from tests.factories import consenting_application, open_position, set_consent, staff_member
from tests.helpers import csrf_from
from tests.test_mail_delivery import inbox  # noqa: F401 - the loopback SMTP server fixture

NAME = "Zelda Zebrafish"


def url(position_id: int, application_id: int, tail: str = "") -> str:
    return f"/console/positions/{position_id}/applications/{application_id}{tail}"


def local_start(days: int = 3, hour: int = 10) -> tuple[str, datetime]:
    """A time as the reviewer types it (INTAKE_TIMEZONE), and the instant it means."""
    zone = ZoneInfo(current().timezone)
    day = (utcnow() + timedelta(days=days)).astimezone(zone).date()
    at = datetime(day.year, day.month, day.day, hour, 0, tzinfo=zone)
    return at.strftime("%Y-%m-%dT%H:%M"), at


async def _world(client):
    reviewer = await signed_in(client, "hr")
    colleague, colleague_email, _ = await staff_member("admin", email="ivan@example.org")
    pid = await open_position("Backend developer")
    a = await consenting_application(pid, NAME)
    return reviewer, colleague, colleague_email, pid, a


async def invite(client, pid, aid, **fields):
    typed, _ = local_start()
    data = {
        "starts_at": typed,
        "minutes": "45",
        "place": "Room 4, Main street 1",
        "video_link": "",
        **fields,
    }
    interviewers = data.pop("interviewers", [])
    page = await client.get(url(pid, aid))
    body = {
        **data,
        "interviewers": [str(i) for i in interviewers],
        "_csrf_token": csrf_from(page.text),
    }
    return await client.post(url(pid, aid, "/interview"), data=body)


def calendars(inbox) -> dict[str, tuple[str, Calendar]]:  # noqa: F811
    """Recipient -> (subject, the attached calendar read back by icalendar)."""
    out = {}
    for recipients, raw in inbox.messages:
        mail = message_from_bytes(raw)
        parts = [p for p in mail.walk() if p.get_content_type() == "text/calendar"]
        assert len(parts) == 1, "each invitation carries one calendar"
        assert parts[0].get_param("method") in ("REQUEST", "CANCEL")
        out[recipients[0]] = (
            str(mail["Subject"]),
            Calendar.from_ical(parts[0].get_payload(decode=True)),
        )
    inbox.messages.clear()
    return out


def event(cal: Calendar):
    (found,) = cal.walk("VEVENT")
    return found


def attendees(ev) -> list[str]:
    found = ev.get("attendee")
    found = found if isinstance(found, list) else [found]
    return sorted(str(a).removeprefix("mailto:") for a in found)


async def test_the_invitation_reaches_candidate_and_interviewers_as_a_calendar_entry(client, inbox):  # noqa: F811
    reviewer, colleague, colleague_email, pid, a = await _world(client)
    candidate_email = await consenting_email(a)
    typed, at = local_start()
    sent = await invite(
        client, pid, a["application_id"], interviewers=[reviewer, colleague], starts_at=typed
    )
    assert sent.status_code == 303, sent.text[:500]
    assert (await deliver_pending(utcnow())).sent == 3
    got = calendars(inbox)
    assert sorted(got) == sorted([candidate_email, f"hr-{id(client)}@example.org", colleague_email])
    subject, cal = got[candidate_email]
    assert str(cal["method"]) == "REQUEST"
    ev = event(cal)
    assert ev.decoded("dtstart") == at and ev.decoded("dtend") == at + timedelta(minutes=45)
    assert int(ev["sequence"]) == 0 and attendees(ev) == [candidate_email]
    assert ev["attendee"].params["CN"] == NAME  # their own entry may name them
    assert "Backend developer" in str(ev["summary"]) and "Room 4" in str(ev["location"])
    assert str(ev["organizer"]).startswith("mailto:")
    uid = str(ev["uid"])
    # The interviewers' entry: the position and the reference, never the candidate.
    for who in (colleague_email, f"hr-{id(client)}@example.org"):
        subject, cal = got[who]
        ev = event(cal)
        assert str(ev["uid"]) == uid and ev.decoded("dtstart") == at
        assert attendees(ev) == sorted([colleague_email, f"hr-{id(client)}@example.org"])
        summary = str(ev["summary"])
        assert "Backend developer" in summary and "A-" in summary
        for part in NAME.split():
            assert part not in summary and part not in subject
            assert part not in cal.to_ical().decode()
    # The outbox keeps no copy of the invitation once sent.
    assert not await OutboxMail.exists().where(OutboxMail.calendar != "")
    assert await AuditEvent.exists().where(AuditEvent.action == "interview_scheduled")


async def consenting_email(a) -> str:
    from app.tables import Candidate

    row = await Candidate.select(Candidate.email).where(Candidate.id == a["candidate_id"]).first()
    return row["email"]


async def test_moving_raises_the_sequence_and_cancelling_sends_cancel(client, inbox):  # noqa: F811
    reviewer, colleague, colleague_email, pid, a = await _world(client)
    candidate_email = await consenting_email(a)
    assert (
        await invite(client, pid, a["application_id"], interviewers=[reviewer, colleague])
    ).status_code == 303
    await deliver_pending(utcnow())
    uid = str(event(calendars(inbox)[candidate_email][1])["uid"])
    typed, at = local_start(days=5, hour=14)
    moved = await invite(
        client,
        pid,
        a["application_id"],
        interviewers=[reviewer],
        starts_at=typed,
        place="",
        video_link="https://meet.example.org/abc",
    )
    assert moved.status_code == 303
    await deliver_pending(utcnow())
    got = calendars(inbox)
    ev = event(got[candidate_email][1])
    assert str(ev["uid"]) == uid and int(ev["sequence"]) == 1 and ev.decoded("dtstart") == at
    assert "meet.example.org" in str(ev["location"])
    # The colleague taken off the interview gets it removed from their calendar.
    dropped = got[colleague_email][1]
    assert str(dropped["method"]) == "CANCEL" and int(event(dropped)["sequence"]) == 1
    cancelled = await post_on(
        client,
        url(pid, a["application_id"]),
        url(pid, a["application_id"], "/interview/cancel"),
        {},
    )
    assert cancelled.status_code == 303
    await deliver_pending(utcnow())
    got = calendars(inbox)
    assert sorted(got) == sorted([candidate_email, f"hr-{id(client)}@example.org"])
    for _, cal in got.values():
        assert str(cal["method"]) == "CANCEL"
        ev = event(cal)
        assert str(ev["uid"]) == uid and int(ev["sequence"]) == 2
        assert str(ev["status"]) == "CANCELLED"
    kinds = [
        m["template_key"] for m in await CandidateMessage.select().order_by(CandidateMessage.id)
    ]
    assert kinds == ["interview_invitation", "interview_moved", "interview_cancelled"]


async def test_the_candidate_answers_on_their_page_and_the_console_shows_it(client):
    reviewer, _, _, pid, a = await _world(client)
    assert (
        await invite(client, pid, a["application_id"], interviewers=[reviewer])
    ).status_code == 303
    staff_cookie = client.cookies.get("intake_staff")
    client.cookies.set(
        "intake_candidate", await open_session(utcnow(), candidate_id=a["candidate_id"])
    )
    me = await client.get("/me")
    assert f'id="interview-{a["application_id"]}"' in me.text and "Room 4" in me.text
    token = csrf_from(me.text)
    asked = await client.post(
        f"/me/applications/{a['application_id']}/interview",
        data={"answer": "another_time", "note": "Mornings next week", "_csrf_token": token},
    )
    assert asked.status_code == 303
    row = await Interview.select().first()
    assert (row["answer"], row["answer_note"]) == ("another_time", "Mornings next week")
    too_long = await client.post(
        f"/me/applications/{a['application_id']}/interview",
        data={"answer": "another_time", "note": "x" * 501, "_csrf_token": token},
    )
    assert too_long.status_code == 400 and "x" * 501 in too_long.text
    assert (await Interview.select().first())["answer_note"] == "Mornings next week"
    assert client.cookies.get("intake_staff") == staff_cookie
    page = await client.get(url(pid, a["application_id"]))
    assert "The candidate asks for another time" in page.text and "Mornings next week" in page.text
    accepted = await client.post(
        f"/me/applications/{a['application_id']}/interview",
        data={"answer": "accepted", "_csrf_token": token},
    )
    assert accepted.status_code == 303
    page = await client.get(url(pid, a["application_id"]))
    assert "Accepted by the candidate" in page.text


async def test_another_candidate_cannot_answer(client):
    reviewer, _, _, pid, a = await _world(client)
    other = await consenting_application(await open_position("Other"), "Olga Other")
    assert (
        await invite(client, pid, a["application_id"], interviewers=[reviewer])
    ).status_code == 303
    client.cookies.set(
        "intake_candidate", await open_session(utcnow(), candidate_id=other["candidate_id"])
    )
    token = csrf_from((await client.get("/me")).text)
    refused = await client.post(
        f"/me/applications/{a['application_id']}/interview",
        data={"answer": "accepted", "_csrf_token": token},
    )
    assert refused.status_code == 404
    assert (await Interview.select().first())["answer"] == ""


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"starts_at": "2020-01-01T10:00"}, "starts_at"),
        ({"starts_at": "tomorrow"}, "starts_at"),
        ({"place": "", "video_link": ""}, "place"),
        ({"video_link": "javascript:alert(1)"}, "video_link"),
        ({"minutes": "7"}, "minutes"),
        ({"interviewers": []}, "interviewers"),
    ],
)
async def test_bad_input_is_shown_beside_the_field_and_nothing_is_sent(client, fields, field):
    reviewer, _, _, pid, a = await _world(client)
    answer = await invite(
        client, pid, a["application_id"], **{"interviewers": [reviewer], **fields}
    )
    assert answer.status_code == 400
    assert f'id="{field}-error"' in answer.text
    if fields.get("video_link"):
        assert fields["video_link"] in answer.text  # what was typed is kept
    assert await Interview.count() == 0 and await OutboxMail.count() == 0


async def test_reception_staff_are_no_interviewers(client):
    reviewer, _, _, pid, a = await _world(client)
    desk, _, _ = await staff_member("reception", email="desk@example.org")
    answer = await invite(client, pid, a["application_id"], interviewers=[reviewer, desk])
    assert answer.status_code == 400 and 'id="interviewers-error"' in answer.text
    assert await Interview.count() == 0 and await OutboxMail.count() == 0


@pytest.mark.parametrize("how", ["without n", "withdrawn", "restricted", "objected"])
async def test_no_invitation_without_purpose_n(client, how):
    reviewer, _, _, pid, a = await _world(client)
    if how == "without n":
        await set_consent(a["candidate_id"], a["candidate_uid"], "n", False)
    elif how == "withdrawn":
        assert (
            await invite(client, pid, a["application_id"], interviewers=[reviewer])
        ).status_code == 303
        await set_consent(a["candidate_id"], a["candidate_uid"], "n", False)
    else:
        await Application.update({getattr(Application, how): True}).where(
            Application.id == a["application_id"]
        )
    before = await OutboxMail.count()
    page = await client.get(url(pid, a["application_id"]))
    assert 'id="interview-form"' not in page.text
    refused = await invite(client, pid, a["application_id"], interviewers=[reviewer])
    assert refused.status_code == 403
    cancel = await post_on(
        client,
        url(pid, a["application_id"]),
        url(pid, a["application_id"], "/interview/cancel"),
        {},
    )
    # Calling off is never refused (tests/console/test_interview_stops.py): with an interview
    # planned it goes, without one there is nothing to cancel.
    assert cancel.status_code == (303 if how == "withdrawn" else 409)
    if how != "withdrawn":
        assert await OutboxMail.count() == before
    assert await Interview.count() == (1 if how == "withdrawn" else 0)
