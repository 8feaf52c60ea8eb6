"""Reading a CV in place (issue 17 point 1), with purpose m only (app.privacy.access).

A reading is audited once per visit, not once per page: a visit is one staff member reading
one CV, and it lasts READING_VISIT from its first request, whether that request was the
application page or a page image. Every request still asks `decide()`, so a consent
withdrawn mid-visit refuses the next page (GDPR Art. 7(3)); only the audit line is shared.

Nothing rendered is kept: the file is decrypted for the request, drawn, sent, and dropped,
so erasing the CV's key leaves no copy to find (policy: "erase it in a secure manner")."""

from datetime import datetime, timedelta
from typing import Any

import msgspec

from app.db import fetch, transaction
from app.errors import NotFound
from app.privacy import audit
from app.recruiting.cv_render import (
    MAX_PAGES_SHOWN,
    PageSize,
    Unreadable,
    docx_html,
    pdf_pages,
    render_pdf_page,
    run,
)
from app.recruiting.cv_store import read_cv
from app.recruiting.pipeline import load, require
from app.tables import CVFile

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# As long as a staff session may sit idle (app.staff.sessions.STAFF_IDLE): a reviewer who
# comes back after that has started another visit and is audited again.
READING_VISIT = timedelta(minutes=30)

# Constant SQL (app.db.fetch): asked on every page image; audit_event.subject_ref is indexed.
_RECENT_READING = (
    "SELECT id FROM audit_event WHERE subject_ref = ? AND action = 'cv_read' "
    "AND actor_kind = 'staff' AND actor_id = ? AND object_id = ? AND at > ? LIMIT 1"
)


class Preview(msgspec.Struct):
    """What the application page shows of one CV in place."""

    cv_id: int
    kind: str  # pdf | docx | none (cannot be shown in place: the download stays)
    pages: list[PageSize] = []
    page_total: int = 0
    html: str = ""


async def note_reading(actor: audit.Actor, candidate_uid: Any, cv_id: int, now: datetime) -> None:
    """The audit line of a visit, written by its first request only (in the caller's
    transaction)."""
    recent = await fetch(
        _RECENT_READING, str(candidate_uid), actor.id, str(cv_id), now - READING_VISIT
    )
    if not recent:
        await audit.record(
            actor,
            "cv_read",
            now,
            subject_kind="candidate",
            subject_ref=candidate_uid,
            object_id=cv_id,
        )


async def previews(application_id: int) -> list[Preview]:
    """Each CV of an application, read for this request only. The caller has asked
    `decide(..., "view_cv")` and noted the reading."""
    rows = await CVFile.select().where(CVFile.application == application_id).order_by(CVFile.id)
    return [await _preview(row) for row in rows]


async def _preview(cv: dict[str, Any]) -> Preview:
    try:
        if cv["media_type"] == PDF:
            content = await read_cv(cv)
            total, pages = await run(pdf_pages, content)
            return Preview(cv["id"], "pdf", pages=pages, page_total=total)
        if cv["media_type"] == DOCX:
            content = await read_cv(cv)
            return Preview(cv["id"], "docx", html=await run(docx_html, content))
    except Unreadable:
        pass  # damaged or password-protected: shown as "download it instead"
    return Preview(cv["id"], "none")


async def readable_cv(
    actor: audit.Actor, application_id: int, position_id: int, cv_id: int
) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """The candidate and the CV row, once decide() lets this staff member read the CV (in the
    caller's transaction); the row is None when the application has no such CV."""
    application, candidate = await load(application_id, position_id)
    require(actor, application, candidate, "view_cv")
    cv = (
        await CVFile.select()
        .where((CVFile.id == cv_id) & (CVFile.application == application_id))
        .first()
    )
    return candidate, cv


async def page_image(
    actor: audit.Actor,
    application_id: int,
    position_id: int,
    cv_id: int,
    number: int,
    watermark: str,
    now: datetime,
) -> bytes:
    """Page `number` of a PDF CV as a watermarked PNG, drawn for this request only."""
    async with transaction():
        candidate, cv = await readable_cv(actor, application_id, position_id, cv_id)
        if cv is None or cv["media_type"] != PDF or not 1 <= number <= MAX_PAGES_SHOWN:
            raise NotFound("We could not find that page.")
        await note_reading(actor, candidate["uid"], cv_id, now)
    content = await read_cv(cv)  # decrypted for this response only
    try:
        return await run(render_pdf_page, content, number, watermark)
    except (IndexError, Unreadable) as exc:
        raise NotFound("We could not find that page.") from exc
