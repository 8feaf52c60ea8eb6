"""What the application page shows of the talk with a candidate (issue 17.4-5, purpose n):
the messages sent, the interview and its answer, and what the forms offer."""

from typing import Any

from app.recruiting import interviews, invitations, message_templates, messages


async def of_application(application: dict[str, Any]) -> dict[str, Any]:
    return {
        "reference": invitations.reference(application["uid"]),
        "templates": message_templates.KEYS,
        "messages": await messages.of_application(application["id"]),
        "interview": await interviews.current_of(application["id"]),
        "interviewers": await interviews.interviewer_choices(),
        "lengths": interviews.LENGTHS,
    }
