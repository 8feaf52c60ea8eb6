"""What the application page shows of the talk with a candidate (issue 17.4-5, purpose n):
the messages sent, the interview and its answer, and what the forms offer."""

from typing import Any
from zoneinfo import ZoneInfo

from app.config import current
from app.recruiting import interviews, invitations, message_templates, messages


def _form(interview: dict[str, Any] | None) -> dict[str, Any]:
    """The planned interview as its form shows it, to move it (local time, as typed)."""
    if interview is None or interview["status"] != "scheduled":
        return {}
    local = interview["starts_at"].astimezone(ZoneInfo(current().timezone))
    return {
        "starts_at": local.strftime("%Y-%m-%dT%H:%M"),
        "minutes": str(interview["minutes"]),
        "place": interview["place"],
        "video_link": interview["video_link"],
        "interviewers": [str(i) for i in interview["interviewers"]],
    }


async def of_application(application: dict[str, Any]) -> dict[str, Any]:
    interview = await interviews.current_of(application["id"])
    return {
        "reference": invitations.reference(application["uid"]),
        "templates": message_templates.MESSAGE_KEYS,
        "messages": await messages.of_application(application["id"]),
        "interview": interview,
        "form": _form(interview),
        "interviewers": await interviews.interviewer_choices(),
        "lengths": interviews.LENGTHS,
    }
