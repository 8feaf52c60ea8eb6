"""An application sent with the address of an existing candidate waits for the mailbox owner
(issue 16; GDPR Art. 7(1): consent is recorded in a person's name only from that person).

`hold` keeps it in UnconfirmedApplication, which no staff page, queue, count or id reaches,
and mails a single-use link to the address. Through that link the owner sees what was sent
and either confirms it (then, and only then, its consent choices are recorded, identified by
the confirmation link, and it becomes an application) or erases it. Nobody confirming, the
retention sweep erases it and its CV after INTAKE_UNCONFIRMED_APPLICATION_HOURS."""

import json
import uuid
from datetime import datetime, timedelta
from typing import Any

from app.config import current
from app.db import transaction
from app.errors import NotFound
from app.i18n import gettext_for
from app.mail import queue
from app.privacy import audit, erasure, retention
from app.privacy.consent import CONFIRMATION_LINK
from app.recruiting.application_rows import (
    ApplyInput,
    CVUpload,
    add_application,
    record_choices,
    ticked,
)
from app.recruiting.cv_store import destroy_cv
from app.recruiting.signin import issue, link, use
from app.recruiting.signin import live as live_token
from app.tables import Candidate, Position, UnconfirmedApplication

CONFIRM = "application_confirm"
REASON = "unconfirmed"  # the deletion receipt's reason when the owner or the sweep erases it
GONE = "This link is no longer valid. Ask for a new one."


def subject(language: str) -> str:
    """Every mail the apply form sends has this subject, whoever owns the address."""
    return gettext_for(language)("We received your application")


def hours() -> int:
    return current().retention.unconfirmed_application_hours


async def hold(
    candidate: dict, position: dict, data: ApplyInput, cv: CVUpload, now: datetime
) -> None:
    """Keep the application aside and mail its link to the owner (in the caller's
    transaction). Nothing of the candidate's own rows changes."""
    held = UnconfirmedApplication(
        uid=uuid.uuid4(),
        candidate=candidate["id"],
        position=position["id"],
        cover_letter=data.cover_letter,
        screening_answers=json.dumps([list(a) for a in data.screening]),
        source=data.source,
        consents=",".join(ticked(data.consents)),
        language=data.language,
        ip_prefix=data.ip_prefix,
        created_at=now,
        erase_after=now + timedelta(hours=hours()),
        **cv._asdict(),
    )
    await held.save()
    token = await issue(
        CONFIRM, candidate["id"], now, {"held": str(held.uid)}, ttl=timedelta(hours=hours())
    )
    await audit.record(
        audit.SYSTEM,
        "application_awaits_confirmation",
        now,
        subject_kind="candidate",
        subject_ref=str(candidate["uid"]),
    )
    _ = gettext_for(candidate["language"])
    body = _(
        "Hello %(name)s,\n\nSomeone applied for %(title)s with this e-mail address, which "
        "already has a candidate page with us. If it was you, open this link to see the "
        "application and confirm it (the link works once, for %(hours)s hours):\n%(link)s\n\n"
        "Until you confirm it, nobody at our company sees the application, and none of the "
        "choices made on the form are recorded. If it was not you, ignore this mail: the "
        "application and its CV are erased after %(hours)s hours."
    ) % {
        "name": candidate["full_name"],
        "title": position["title"],
        "hours": hours(),
        "link": link("/me/confirm", token),
    }
    await queue(candidate["email"], subject(candidate["language"]), body, now)


async def _held(token_row: dict[str, Any]) -> dict[str, Any]:
    uid = str(token_row["payload"].get("held", ""))
    try:
        key = uuid.UUID(uid)
    except ValueError:
        raise NotFound(GONE) from None
    row = (
        await UnconfirmedApplication.select()
        .where(
            (UnconfirmedApplication.uid == key)
            & (UnconfirmedApplication.candidate == token_row["candidate"])
        )
        .first()
    )
    if row is None:
        raise NotFound(GONE)
    return row


async def held_for(token: str, now: datetime) -> dict[str, Any]:
    """What the owner is asked to confirm: the position, the CV's name, the cover letter and
    the choices ticked (the link is not used up by looking)."""
    row = await _held(await live_token(token, CONFIRM, now))
    position = await Position.select(Position.title).where(Position.id == row["position"]).first()
    return {
        "position_title": position["title"] if position else "",
        "cv_name": row["original_name"],
        "cover_letter": row["cover_letter"],
        "consents": [p for p in row["consents"].split(",") if p],
    }


async def confirm(token: str, language: str, ip_prefix: str, now: datetime) -> int:
    """The owner confirms: the choices are recorded in their name (Art. 7(1)) and the
    application joins the others, unless they had applied for the position already (then
    only the choices count). Returns the candidate's id, for the session this link opens."""
    async with transaction():
        row = await _held(await use(token, CONFIRM, now))
        candidate = await Candidate.select().where(Candidate.id == row["candidate"]).first()
        position = await Position.select().where(Position.id == row["position"]).first()
        if candidate is None or position is None:
            raise NotFound(GONE)
        candidate = await record_choices(
            candidate,
            [p for p in row["consents"].split(",") if p],
            language=language,
            ip_prefix=ip_prefix,
            identified_by=CONFIRMATION_LINK,
            now=now,
        )
        cv = CVUpload(**{f: row[f] for f in CVUpload._fields})
        cv = cv._replace(wrapped_key=bytes(cv.wrapped_key))  # a driver may give a memoryview
        await UnconfirmedApplication.delete().where(UnconfirmedApplication.id == row["id"])
        answers = tuple((int(q), str(a)) for q, a in json.loads(row["screening_answers"] or "[]"))
        application_id = await add_application(
            candidate, position, row["cover_letter"], cv, now, answers, row["source"] or ""
        )
        await audit.record(
            audit.Actor("candidate", candidate["id"]),
            "application_confirmed",
            now,
            subject_kind="candidate",
            subject_ref=str(candidate["uid"]),
            object_id=application_id or "",
        )
        await retention.refresh_candidate_erase_after(candidate["id"], now)
    if application_id is None:  # applied for this position before: the new file goes
        await destroy_cv(row["storage_name"])
    return int(candidate["id"])


async def discard(token: str, now: datetime) -> None:
    """The owner says it was not them: the application and its CV are erased at once."""
    async with transaction():
        row = await _held(await use(token, CONFIRM, now))
        names = await erasure.erase_unconfirmed_rows([row], REASON, now)
    await erasure.remove_cv_files(names)
    await erasure.checkpoint()
