"""Messages from HR to a candidate (issue 17.4, purpose n): a template filled in for them, in
their language, through the outbox; kept as they received it, shown on their page, in their
export, and erased with the application.

A rejection sent this way is the human decision GDPR Art. 22 asks for: the stage change is
the pipeline's (who and when), with the template's key as its reason, in the same
transaction as the message: both or neither."""

from datetime import datetime

from app import mail, throttle
from app.config import current
from app.db import transaction
from app.errors import ValidationFailed
from app.i18n import gettext_for
from app.privacy import audit
from app.recruiting import message_templates as templates
from app.recruiting import pipeline
from app.tables import CandidateMessage, Position


def placeholders(candidate: dict, position_title: str) -> dict[str, str]:
    return {
        "first_name": templates.first_name(candidate["full_name"]),
        "position": position_title,
        "company": current().company_name,
    }


async def position_title(position_id: int) -> str:
    row = await Position.select(Position.title).where(Position.id == position_id).first()
    return row["title"] if row else ""


def filled(template: dict, candidate: dict, title: str) -> tuple[str, str, str]:
    """(language, subject, body) of a template as this candidate receives it."""
    language = candidate["language"] if candidate["language"] in templates.LANGUAGES else "en"
    subject, body = templates.in_language(template, language)
    values = placeholders(candidate, title)
    return language, templates.fill(subject, values), templates.fill(body, values)


def page_line(language: str) -> str:
    """Where the candidate reads it again (and answers an invitation): their page."""
    _ = gettext_for(language)
    return "\n\n" + _("You can read our messages on your page: %(url)s") % {
        "url": f"{current().base_url}/me"
    }


async def spend_cap(application_id: int, now: datetime) -> None:
    """HR's mail to one candidate is capped like every mail (SECURITY.md "Mail and
    limits"); over it MailCapped rolls the caller's transaction back: nothing sent or kept."""
    cap = current().caps.candidate_messages
    await throttle.spend([(throttle.key("candidate-messages", str(application_id)), cap)], now)


async def send(
    actor: audit.Actor,
    application_id: int,
    position_id: int,
    key: str,
    lock_version: int,
    now: datetime,
) -> int:
    """Send template `key` to the candidate; a rejection also rejects the application (the
    version the reviewer saw, `lock_version`). Returns the message's id."""
    if key not in templates.MESSAGE_KEYS:
        raise ValidationFailed({"template": "Choose one of the options."})
    template = await templates.get(key)
    async with transaction():
        application, candidate = await pipeline.load(application_id, position_id)
        pipeline.require(actor, application, candidate, "send_message")
        await spend_cap(application_id, now)
        if key in templates.REJECTION_REASONS:
            await pipeline.move_stage(
                actor, application_id, position_id, "rejected", lock_version, now, reason=key
            )
        language, subject, body = filled(template, candidate, await position_title(position_id))
        row = CandidateMessage(
            application=application_id,
            template_key=key,
            language=language,
            subject=subject,
            body=body,
            sent_by=actor.id,
            sent_at=now,
        )
        await row.save()
        await mail.queue_about(
            candidate["email"],
            subject,
            body + page_line(language),
            now,
            about=str(application["uid"]),
        )
        await audit.record(
            actor,
            "message_sent",
            now,
            subject_kind="candidate",
            subject_ref=str(candidate["uid"]),
            object_id=application_id,
            reason=key,
        )
    return int(row.id)


async def reject(
    actor: audit.Actor,
    application_id: int,
    position_id: int,
    reason: str,
    send_mail: bool,
    lock_version: int,
    now: datetime,
) -> None:
    """Reject from the stage form or a bulk action: the same decision as the rejection
    message (who, when, the template's key as the reason: Art. 22), with or without its mail.
    Without the mail (as Greenhouse allows: told by phone, say) the reason is still recorded
    and the candidate's page still shows the decision and its time."""
    if reason not in templates.REJECTION_REASONS:
        raise ValidationFailed({"reason": pipeline.NO_REASON})
    if send_mail:
        await send(actor, application_id, position_id, reason, lock_version, now)
    else:
        await pipeline.move_stage(
            actor, application_id, position_id, "rejected", lock_version, now, reason=reason
        )


async def of_application(application_id: int) -> list[dict]:
    """The messages sent about one application, oldest first, with who sent them."""
    return await (
        CandidateMessage.select(
            CandidateMessage.id,
            CandidateMessage.template_key,
            CandidateMessage.language,
            CandidateMessage.subject,
            CandidateMessage.body,
            CandidateMessage.sent_at,
            CandidateMessage.sent_by.display_name.as_alias("by"),
        )
        .where(CandidateMessage.application == application_id)
        .order_by(CandidateMessage.id)
    )
