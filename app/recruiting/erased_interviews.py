"""An interview still planned when its candidate or application is erased (withdrawal of
both consents, an erasure request, the retention sweep): the interviewers' shared calendars
would keep an entry for someone Intake no longer knows. They get a METHOD:CANCEL for the same
UID, which is not erased with the candidate, so it names nothing of them."""

from datetime import datetime

from app import mail
from app.config import current
from app.recruiting import interviews, invitations, messages
from app.tables import Application, Interview


async def call_off_before_erasure(application_ids: list[int], now: datetime) -> int:
    """The candidate (or the application) is about to be erased with an interview still
    planned: take it out of each interviewer's calendar with METHOD:CANCEL, or their shared
    calendars keep an entry for someone who no longer exists here. The cancellation names
    only the position, the reference and the time (never the place typed for this candidate,
    nor their name or address), and is queued without `about`, so it outlives the erasure
    that follows in the caller's transaction; the candidate gets no mail (Art. 17: they are
    being erased). Returns how many interviews were called off."""
    planned = (
        await Interview.select()
        .where(
            Interview.application.is_in(application_ids or [0]) & (Interview.status == "scheduled")
        )
        .output(load_json=True)
    )
    language = current().languages[0]
    for before in planned:
        application = (
            await Application.select(Application.uid, Application.position)
            .where(Application.id == before["application"])
            .first()
        )
        if application is None:
            continue
        interview = {**before, "sequence": before["sequence"] + 1, "place": "", "video_link": ""}
        ref = invitations.reference(application["uid"])
        title = await messages.position_title(application["position"])
        summary = invitations.interviewer_summary(ref, title, language)
        text = invitations.cancelled_body(interview, title, language) + f" ({ref})"
        for member in await interviews.staff(list(before["interviewers"])):
            entry = invitations.calendar(
                interview,
                method="CANCEL",
                summary=summary,
                description=text,
                attendees=[(member["email"], member["display_name"])],
                now=now,
            )
            await mail.queue_about(
                member["email"],
                invitations.cancelled_subject(title, language) + f" ({ref})",
                text,
                now,
                about=None,
                calendar=entry,
            )
    return len(planned)
