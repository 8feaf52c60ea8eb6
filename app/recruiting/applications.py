"""The apply use case (issues 3 and 16), from the public form, in ONE transaction.

A public form never changes an existing candidate's consents, details or applications
(SECURITY.md "Consent and identity"): anyone can type anyone's address into it.
- A new address: the candidate, the application, its encrypted CV, one consent event per
  choice given (identified by: their first application) and the mail with the way back.
- A known address: the application waits, unseen by staff, until the mailbox owner confirms
  it through a single-use link mailed to that address (app.recruiting.confirmation).
- A known address sent by its own candidate, signed in through a mailed link: as a first
  application, the session being the proof (identified by: mailed_link_session).
The answer is the same either way: the same page, the same work (the CV encrypted and
written, one transaction, then the retention refresh) and exactly one mail, so the form
tells nobody who is a candidate.

The CV file is written before the transaction and removed if it fails (the orphan sweep
takes what a kill -9 leaves)."""

import uuid
from datetime import datetime

import msgspec

from app.db import transaction
from app.i18n import gettext_for
from app.mail import queue
from app.privacy import audit, retention
from app.privacy.consent import FIRST_APPLICATION, MAILED_LINK_SESSION
from app.recruiting import confirmation
from app.recruiting.application_rows import (
    ApplyInput,
    CVUpload,
    add_application,
    notice_for,
    record_choices,
    waits_for_consent,
)
from app.recruiting.cv_check import EXTENSIONS, sniff_cv
from app.recruiting.cv_store import destroy_cv, store_cv
from app.recruiting.positions import open_position
from app.recruiting.signin import SIGNIN, issue, link, normal_email
from app.tables import Candidate

__all__ = ["Applied", "ApplyInput", "apply", "cv_display_name"]


class Applied(msgspec.Struct, frozen=True):
    """What the thank-you page may show: the same for a new and a known address."""

    position_title: str
    waiting_for_consent: bool  # from the boxes ticked on the form, not from any stored row
    # For tests and the service's own callers, never for the page: the new candidate and
    # application, or 0 and 0 when the application waits for the owner's confirmation.
    candidate_id: int = 0
    application_id: int = 0
    created: bool = False
    cv_stored: bool = True  # False: a resubmission, the new file goes


def cv_display_name(filename: str, media_type: str) -> str:
    """A harmless name for the download: no path, no control characters, our extension."""
    base = filename.replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(c for c in base if c.isprintable() and c not in '"<>')[:200].strip()
    stem = base.rsplit(".", 1)[0] if "." in base else base
    return (stem or "cv") + EXTENSIONS[media_type]


async def _new_candidate(data: ApplyInput, email: str, now: datetime) -> dict:
    new = Candidate(
        uid=uuid.uuid4(),
        full_name=data.full_name,
        email=email,
        phone=data.phone,
        language=data.language,
        created_at=now,
    )
    await new.save()
    row = await Candidate.select().where(Candidate.id == new.id).first()
    assert row is not None
    return row


async def _welcome(candidate: dict, title: str, waiting: bool, now: datetime) -> None:
    _ = gettext_for(candidate["language"])
    token = await issue(SIGNIN, candidate["id"], now)
    body = _(
        "Hello %(name)s,\n\nThank you for applying for %(title)s. We have received your "
        "application.\n\nYour candidate page shows its state and lets you see, correct, "
        "download or erase your data and give or withdraw consent. Open it with this link "
        "(it works once, for 24 hours; you can always ask for a new one on the site):\n"
        "%(link)s\n"
    ) % {"name": candidate["full_name"], "title": title, "link": link("/me/signin", token)}
    if waiting:
        body += "\n" + _(
            "You have not yet let HR read your CV or evaluate you. HR cannot look at your "
            "application until you do; without consent it is erased after 30 days."
        )
    await queue(candidate["email"], confirmation.subject(candidate["language"]), body, now)


async def _application(
    candidate: dict,
    data: ApplyInput,
    position: dict,
    cv: CVUpload,
    identified_by: str,
    now: datetime,
) -> Applied:
    """The choices in the candidate's name, the application, its audit and the mail."""
    candidate = await record_choices(
        candidate,
        data.consents,
        language=data.language,
        ip_prefix=data.ip_prefix,
        identified_by=identified_by,
        now=now,
    )
    application_id = await add_application(
        candidate, position, data.cover_letter, cv, now, data.screening, data.source
    )
    if application_id is not None:
        await audit.record(
            audit.Actor("candidate", candidate["id"]),
            "application_submitted",
            now,
            subject_kind="candidate",
            subject_ref=str(candidate["uid"]),
            object_id=application_id,
        )
    waiting = waits_for_consent(data.consents)
    await _welcome(candidate, position["title"], waiting, now)
    return Applied(
        position["title"],
        waiting,
        candidate["id"],
        application_id or 0,
        application_id is not None,
        application_id is not None,
    )


async def _submit(slug: str, data: ApplyInput, cv: CVUpload, now: datetime) -> Applied:
    position = await open_position(slug)
    # The same refusal for every address: without a published notice, no ticked box counts.
    await notice_for(data.consents, data.language)
    email = normal_email(data.email)
    known = await Candidate.select().where(Candidate.email == email).first()
    if known is None:
        # A new address: the consents are the applicant's own, but nobody has proven the
        # address yet: the events say so (FIRST_APPLICATION) and staff see it.
        candidate = await _new_candidate(data, email, now)
        return await _application(candidate, data, position, cv, FIRST_APPLICATION, now)
    if data.signed_in_candidate == known["id"]:
        # Their own session, opened from a link mailed to this address, sent it.
        return await _application(known, data, position, cv, MAILED_LINK_SESSION, now)
    await confirmation.hold(known, position, data, cv, now)
    return Applied(position["title"], waits_for_consent(data.consents), known["id"])


async def _submit_once(slug: str, data: ApplyInput, cv: CVUpload, now: datetime) -> Applied:
    try:
        async with transaction():
            return await _submit(slug, data, cv, now)
    except Exception:
        # A concurrent first application with the same address committed first (PostgreSQL:
        # the unique e-mail): the address is known now, so this one waits for confirmation.
        email = normal_email(data.email)
        if not await Candidate.exists().where(Candidate.email == email):
            raise
        async with transaction():
            return await _submit(slug, data, cv, now)


async def apply(
    slug: str, data: ApplyInput, cv_name: str, cv_content: bytes, now: datetime
) -> Applied:
    await open_position(slug)  # a closed position is refused before any file is written
    media_type = sniff_cv(cv_content)
    stored = await store_cv(cv_content)
    cv = CVUpload(
        stored.storage_name,
        stored.wrapped_key,
        cv_display_name(cv_name, media_type),
        media_type,
        len(cv_content),
    )
    try:
        result = await _submit_once(slug, data, cv, now)
    except BaseException:
        await destroy_cv(stored.storage_name)
        raise
    if not result.cv_stored:
        await destroy_cv(stored.storage_name)
    # The candidate account's own erase-after date is the retention engine's rule. Run for a
    # known address too (nothing changed, so nothing moves): the same work either way.
    async with transaction():
        await retention.refresh_candidate_erase_after(result.candidate_id, now)
    return result
