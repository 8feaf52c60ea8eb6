"""Interview invitations (issue 17.5, purpose n): the reviewer picks a time in the company's
time zone, a length, a place or a video link and the interviewers; the candidate and each
interviewer get a calendar invitation (app.recruiting.invitations) through the outbox.
Moving it sends the same entry with a higher SEQUENCE, cancelling sends METHOD:CANCEL. The
candidate accepts or asks for another time on their page; the console shows the answer.
Everything is erased with the application (CASCADE, and OutboxMail.about for the mail)."""

import uuid
from datetime import datetime
from typing import NamedTuple
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from app import mail
from app.config import current
from app.db import transaction
from app.errors import Conflict, NotFound, ValidationFailed
from app.privacy import audit
from app.privacy.access import REVIEW_ROLES
from app.recruiting import invitations, message_templates, messages, pipeline
from app.tables import Application, Candidate, CandidateMessage, Interview, StaffMember

LENGTHS = (30, 45, 60, 90, 120)
ANSWERS = ("accepted", "another_time")
NOTE_MAX = 500


class Plan(NamedTuple):
    starts_at: datetime
    minutes: int
    place: str
    video_link: str
    interviewers: list[int]


def check_plan(
    starts_at: str,
    minutes: str,
    place: str,
    video_link: str,
    interviewers: list[str],
    now: datetime,
) -> Plan:
    """The reviewer's form, every field's problem at once. `starts_at` is local time
    (INTAKE_TIMEZONE), as the console shows every time."""
    errors: dict[str, str] = {}
    start = None
    try:
        local = datetime.fromisoformat(starts_at.strip())
        start = local.replace(tzinfo=ZoneInfo(current().timezone)) if not local.tzinfo else None
    except ValueError:
        pass
    if start is None or start <= now:
        errors["starts_at"] = "Choose a date and a time in the future."
    length = int(minutes) if minutes.strip().isdigit() else 0
    if length not in LENGTHS:
        errors["minutes"] = "Choose one of the options."
    place, video_link = place.strip(), video_link.strip()
    if len(place) > 200:
        errors["place"] = "Use at most 200 characters."
    link = urlsplit(video_link)
    if video_link and (len(video_link) > 500 or link.scheme != "https" or not link.netloc):
        errors["video_link"] = "Give a link that starts with https://."
    if not place and not video_link:
        errors["place"] = "Give a place or a video link."
    ids = sorted({int(i) for i in interviewers if i.strip().isdigit()})
    if not ids:
        errors["interviewers"] = "Choose at least one interviewer."
    if errors:
        raise ValidationFailed(errors)
    assert start is not None
    return Plan(start, length, place, video_link, ids)


async def interviewer_choices() -> list[dict]:
    """Staff who may interview: those who handle applications, not disabled."""
    return await (
        StaffMember.select(StaffMember.id, StaffMember.display_name, StaffMember.email)
        .where(StaffMember.role.is_in(list(REVIEW_ROLES)) & StaffMember.disabled.eq(False))
        .order_by(StaffMember.display_name)
    )


async def staff(ids: list[int]) -> list[dict]:
    chosen = {s["id"]: s for s in await interviewer_choices()}
    return [chosen[i] for i in ids if i in chosen]


async def current_of(application_id: int) -> dict | None:
    """The application's latest interview (scheduled or cancelled), interviewers named."""
    row = (
        await Interview.select()
        .where(Interview.application == application_id)
        .order_by(Interview.id, ascending=False)
        .first()
        .output(load_json=True)
    )
    if row is not None:
        staff = await StaffMember.select(StaffMember.id, StaffMember.display_name).where(
            StaffMember.id.is_in(list(row["interviewers"]) or [0])
        )
        row["interviewer_names"] = [s["display_name"] for s in staff]
    return row


async def _record(
    application_id: int,
    kind: str,
    language: str,
    subject: str,
    body: str,
    actor: audit.Actor,
    now: datetime,
) -> None:
    """What the candidate received, for their page and their export."""
    await CandidateMessage.insert(
        CandidateMessage(
            application=application_id,
            template_key=kind,
            language=language,
            subject=subject,
            body=body,
            sent_by=actor.id,
            sent_at=now,
        )
    )


async def _mail_everyone(
    interview: dict,
    application: dict,
    candidate: dict,
    title: str,
    kind: str,
    actor: audit.Actor,
    staff_language: str,
    now: datetime,
    dropped: list[dict],
) -> None:
    """The candidate's mail and entry, each interviewer's, and a cancellation to any
    interviewer taken off the interview."""
    about = str(application["uid"])
    ref = invitations.reference(application["uid"])
    cancel = kind == "interview_cancelled"
    method = "CANCEL" if cancel else "REQUEST"
    language, subject, body = messages.filled(
        await message_templates.get("interview_invitation"), candidate, title
    )
    if kind == "interview_moved":
        subject = invitations.moved_subject(title, language)
    if cancel:
        subject = invitations.cancelled_subject(title, language)
        body = invitations.cancelled_body(interview, title, language)
    else:
        body = f"{body}\n\n{invitations.details(interview, language)}"
    entry = invitations.calendar(
        interview,
        method=method,
        summary=invitations.candidate_summary(title, language),
        description=body,
        attendees=[(candidate["email"], candidate["full_name"])],
        now=now,
    )
    full = body + messages.page_line(language)
    await mail.queue_about(candidate["email"], subject, full, now, about=about, calendar=entry)
    await _record(application["id"], kind, language, subject, body, actor, now)
    team = await staff(list(interview["interviewers"]))
    link = (
        f"{current().base_url}/console/positions/{application['position']}"
        f"/applications/{application['id']}"
    )
    summary = invitations.interviewer_summary(ref, title, staff_language)
    text = invitations.interviewer_body(interview, ref, title, link, staff_language)
    for members, how in ((team, method), (dropped, "CANCEL")):
        attendees = [(s["email"], s["display_name"]) for s in members]
        entry = invitations.calendar(
            interview, method=how, summary=summary, description=text, attendees=attendees, now=now
        )
        for email, _ in attendees:
            await mail.queue_about(email, summary, text, now, about=about, calendar=entry)


async def schedule(
    actor: audit.Actor,
    application_id: int,
    position_id: int,
    plan: Plan,
    staff_language: str,
    now: datetime,
) -> int:
    """Invite, or move the interview already planned (SEQUENCE + 1, the answer asked again)."""
    async with transaction():
        application, candidate = await pipeline.load(application_id, position_id)
        pipeline.require(actor, application, candidate, "invite_to_interview")
        if len(await staff(plan.interviewers)) != len(plan.interviewers):
            raise ValidationFailed({"interviewers": "Choose at least one interviewer."})
        before = await current_of(application_id)
        fields = {
            "starts_at": plan.starts_at,
            "minutes": plan.minutes,
            "place": plan.place,
            "video_link": plan.video_link,
            "interviewers": plan.interviewers,
            "status": "scheduled",
            "answer": "",
            "answer_note": "",
            "answered_at": None,
            "updated_at": now,
        }
        if before is not None and before["status"] == "scheduled":
            kind, interview = "interview_moved", {**before, **fields}
            interview["sequence"] = before["sequence"] + 1
            await Interview.update(
                {getattr(Interview, k): v for k, v in fields.items()}
                | {Interview.sequence: interview["sequence"]}
            ).where(Interview.id == before["id"])
            dropped = await staff([i for i in before["interviewers"] if i not in plan.interviewers])
        else:
            kind, dropped = "interview_invitation", []
            row = Interview(
                _data={getattr(Interview, k): v for k, v in fields.items()},
                uid=uuid.uuid4(),
                application=application_id,
                sequence=0,
                created_by=actor.id,
            )
            await row.save()
            interview = {**fields, "id": row.id, "uid": row.uid, "sequence": 0}
        await messages.spend_cap(application_id, now)
        title = await messages.position_title(position_id)
        await _mail_everyone(
            interview, application, candidate, title, kind, actor, staff_language, now, dropped
        )
        await audit.record(
            actor,
            "interview_scheduled" if kind == "interview_invitation" else "interview_rescheduled",
            now,
            subject_kind="candidate",
            subject_ref=str(candidate["uid"]),
            object_id=application_id,
        )
    return int(interview["id"])


async def cancel(
    actor: audit.Actor, application_id: int, position_id: int, staff_language: str, now: datetime
) -> None:
    """Call the interview off. Allowed after the candidate withdrew n, restricted or objected
    (decide()'s `cancel_interview`): stopping is never processing we may not do."""
    async with transaction():
        application, candidate = await pipeline.load(application_id, position_id)
        pipeline.require(actor, application, candidate, "cancel_interview")
        before = await current_of(application_id)
        if before is None or before["status"] != "scheduled":
            raise Conflict("There is no interview to cancel.")
        await messages.spend_cap(application_id, now)
        await _call_off(before, application, candidate, actor, staff_language, now)


async def _call_off(
    before: dict,
    application: dict,
    candidate: dict,
    actor: audit.Actor,
    staff_language: str,
    now: datetime,
) -> None:
    """METHOD:CANCEL (SEQUENCE + 1) to the candidate and every interviewer, and the audit line;
    in the caller's transaction."""
    interview = {**before, "sequence": before["sequence"] + 1, "status": "cancelled"}
    await Interview.update(
        {
            Interview.sequence: interview["sequence"],
            Interview.status: "cancelled",
            Interview.updated_at: now,
        }
    ).where(Interview.id == before["id"])
    title = await messages.position_title(application["position"])
    await _mail_everyone(
        interview,
        application,
        candidate,
        title,
        "interview_cancelled",
        actor,
        staff_language,
        now,
        [],
    )
    await audit.record(
        actor,
        "interview_cancelled",
        now,
        subject_kind="candidate",
        subject_ref=str(candidate["uid"]),
        object_id=application["id"],
    )


async def stop_planned(candidate_id: int, now: datetime, application_id: int | None = None) -> int:
    """The candidate withdrew consent n, restricted an application or objected: an interview
    is evaluation (purpose n), so every one still planned is called off at once, with
    cancellations to the candidate and the interviewers' calendars (Art. 7(3): a withdrawal
    takes effect at once; Art. 18, 21). In the caller's transaction; returns how many.

    The interviews of all the candidate's applications are read in one query, whatever their
    number (erasure, withdrawal and objection cover them all); the rest is read only when an
    interview is still planned."""
    query = Interview.select().where(Interview.application.candidate == candidate_id)
    if application_id is not None:
        query = query.where(Interview.application == application_id)
    latest: dict[int, dict] = {}  # per application its latest interview, as current_of() reads
    for row in await query.order_by(Interview.id).output(load_json=True):
        latest[row["application"]] = row
    planned = [row for row in latest.values() if row["status"] == "scheduled"]
    if not planned:
        return 0
    candidate = await Candidate.select().where(Candidate.id == candidate_id).first()
    if candidate is None:
        return 0
    applications = {
        a["id"]: a
        for a in await Application.select().where(
            Application.id.is_in([row["application"] for row in planned])
        )
    }
    names = {
        s["id"]: s["display_name"]
        for s in await StaffMember.select(StaffMember.id, StaffMember.display_name).where(
            StaffMember.id.is_in([i for row in planned for i in row["interviewers"]] or [0])
        )
    }
    language = current().languages[0]
    for before in planned:
        before["interviewer_names"] = [names[i] for i in before["interviewers"] if i in names]
        await _call_off(
            before, applications[before["application"]], candidate, audit.SYSTEM, language, now
        )
    return len(planned)


async def answer(
    candidate_id: int, application_id: int, choice: str, note: str, now: datetime
) -> bool:
    """The candidate's own answer to the planned interview of their application; False when
    there is none to answer (moved meanwhile: they answer the new time). Another candidate's
    application is not found, whatever the form says."""
    note = note.strip()
    async with transaction():
        owned = (
            await Application.select(Application.id, Application.candidate.uid)
            .where((Application.id == application_id) & (Application.candidate == candidate_id))
            .first()
        )
        if owned is None:
            raise NotFound("We could not find that application.")
        if choice not in ANSWERS:
            raise ValidationFailed({"answer": "Choose one of the options."})
        if len(note) > NOTE_MAX:
            raise ValidationFailed({"note": "Use at most 500 characters."})
        interview = await current_of(application_id)
        if interview is None or interview["status"] != "scheduled":
            return False
        await Interview.update(
            {
                Interview.answer: choice,
                Interview.answer_note: note if choice != "accepted" else "",
                Interview.answered_at: now,
            }
        ).where(Interview.id == interview["id"])
        await audit.record(
            audit.Actor("candidate", candidate_id),
            "interview_answered",
            now,
            subject_kind="candidate",
            subject_ref=str(owned["candidate.uid"]),
            object_id=application_id,
            reason=choice,
        )
    return True
