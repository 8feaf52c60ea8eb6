"""The candidate's rights, exercised from their own page (policy rights list; GDPR Art. 7(3),
15-18, 21, 77). Each function is one use case in one transaction, audited with the candidate
as actor. Every lookup is scoped to the signed-in candidate: another candidate's id is
"not found", never "forbidden" (no hint that it exists)."""

from datetime import datetime
from typing import Any

from app import throttle
from app.config import current
from app.db import transaction
from app.errors import IntakeError, NotFound, ValidationFailed
from app.i18n import gettext_for
from app.mail import queue
from app.privacy import audit, consent, erasure, retention, rights_requests, statistics
from app.privacy.notices import CANDIDATE_PURPOSES, current_notice, stale_consents
from app.privacy.retention import EVALUATION_STAGES_CLOSED
from app.recruiting.cv_check import sniff_cv
from app.recruiting.cv_store import destroy_cv, store_cv
from app.recruiting.interviews import stop_planned
from app.recruiting.signin import (
    EMAIL_VERIFY,
    MARKETING_OPTOUT,
    issue,
    link,
    live,
    normal_email,
    use,
)
from app.tables import Application, Candidate, CVFile

FLAG = {"m": "consent_m", "n": "consent_n", "talent_pool": "talent_pool", "marketing": "marketing"}


class WithdrawalErases(IntakeError):
    """Withdrawing this consent leaves neither m nor n: MISSION says that erases at once, so
    the candidate must confirm first."""


def me(candidate_id: int) -> audit.Actor:
    return audit.Actor("candidate", candidate_id)


async def _audit(
    candidate: dict, action: str, now: datetime, object_id: Any = "", reason: str = ""
) -> None:
    await audit.record(
        me(candidate["id"]),
        action,
        now,
        subject_kind="candidate",
        subject_ref=str(candidate["uid"]),
        object_id=object_id,
        reason=reason,
    )


async def my_candidate(candidate_id: int) -> dict:
    row = await Candidate.select().where(Candidate.id == candidate_id).first()
    if row is None:
        raise NotFound("We could not find that page.")
    return row


async def my_application(candidate_id: int, application_id: int) -> dict:
    row = (
        await Application.select()
        .where((Application.id == application_id) & (Application.candidate == candidate_id))
        .first()
    )
    if row is None:
        raise NotFound("We could not find that application.")
    return row


async def refresh_retention(candidate_id: int, now: datetime) -> None:
    """Ask the retention engine to recompute the erase-after dates after a fact changed
    (it recomputes every application of the candidate and the candidate's own date)."""
    await retention.refresh_candidate_erase_after(candidate_id, now)


def withdrawal_erases(candidate: dict, purpose: str) -> bool:
    """MISSION: withdrawing both evaluation consents erases at once."""
    if purpose not in ("m", "n") or not candidate[FLAG[purpose]]:
        return False
    other = "n" if purpose == "m" else "m"
    return not candidate[FLAG[other]]


async def change_consent(
    candidate_id: int,
    purpose: str,
    given: bool,
    *,
    language: str,
    ip_prefix: str,
    now: datetime,
    channel: str = "portal",
    confirm_erase: bool = False,
    identified_by: str = consent.MAILED_LINK_SESSION,
) -> str | None:
    """Give or withdraw one consent, effective at once (Art. 7(3)). Returns the deletion
    receipt reference when the withdrawal erased the candidate. The candidate is the one
    signed in (a session opened from a mailed link), unless `identified_by` says otherwise
    (the opt-out link of a mail)."""
    if purpose not in CANDIDATE_PURPOSES:
        raise NotFound("We could not find that page.")
    notice = await current_notice("candidate", language)
    if notice is None:
        raise ValidationFailed({"form": "The privacy notice is not published yet."})
    async with transaction():
        candidate = await my_candidate(candidate_id)
        if bool(candidate[FLAG[purpose]]) == given and not (
            given and purpose in await stale_consents(candidate)
        ):
            return None  # nothing changes: no event to prove
        erases = not given and withdrawal_erases(candidate, purpose)
        if erases and not confirm_erase:
            raise WithdrawalErases("Withdrawing this consent erases your application.")
        await consent.record(
            candidate_id,
            str(candidate["uid"]),
            purpose,
            given,
            notice,
            language=language,
            channel=channel,
            ip_prefix=ip_prefix,
            now=now,
            identified_by=identified_by,
        )
        await _audit(
            candidate,
            "consent_given" if given else "consent_withdrawn",
            now,
            reason=f"purpose {purpose}",
        )
        if erases:  # the candidate withdraws from every open application: their decision
            await statistics.withdrawn(await _open_applications(candidate_id), now)
        else:
            await refresh_retention(candidate_id, now)
            if purpose == "n" and not given:
                await stop_planned(candidate_id, now)
    if erases:
        return await erase_me(candidate_id, now, reason="consent_withdrawn")
    return None


async def _open_applications(candidate_id: int) -> int:
    return await Application.count().where(
        (Application.candidate == candidate_id)
        & Application.stage.not_in(list(EVALUATION_STAGES_CLOSED))
    )


async def erase_me(candidate_id: int, now: datetime, reason: str = "erasure_request") -> str:
    """Art. 17: everything about the candidate at once; returns the receipt reference."""
    return str(await erasure.erase_candidate(candidate_id, reason, now, me(candidate_id)))


async def correct_details(candidate_id: int, full_name: str, phone: str, now: datetime) -> None:
    """Art. 16: correction of name and phone."""
    async with transaction():
        candidate = await my_candidate(candidate_id)
        await Candidate.update({Candidate.full_name: full_name, Candidate.phone: phone}).where(
            Candidate.id == candidate_id
        )
        await _audit(candidate, "details_corrected", now)


async def correct_cover_letter(
    candidate_id: int, application_id: int, text: str, now: datetime
) -> None:
    async with transaction():
        candidate = await my_candidate(candidate_id)
        await my_application(candidate_id, application_id)
        await Application.update(
            {Application.cover_letter: text, Application.updated_at: now}
        ).where(Application.id == application_id)
        await _audit(candidate, "cover_letter_corrected", now, object_id=application_id)


async def replace_cv(
    candidate_id: int, application_id: int, filename: str, content: bytes, now: datetime
) -> None:
    """A new CV replaces the old one; the old file and its key are destroyed."""
    from app.recruiting.applications import cv_display_name

    await my_application(candidate_id, application_id)
    media_type = sniff_cv(content)
    stored = await store_cv(content)
    try:
        async with transaction():
            candidate = await my_candidate(candidate_id)
            await my_application(candidate_id, application_id)
            old = await CVFile.select(CVFile.id, CVFile.storage_name).where(
                CVFile.application == application_id
            )
            await CVFile.delete().where(CVFile.application == application_id)
            await CVFile.insert(
                CVFile(
                    application=application_id,
                    storage_name=stored.storage_name,
                    original_name=cv_display_name(filename, media_type),
                    media_type=media_type,
                    size=len(content),
                    wrapped_key=stored.wrapped_key,
                    created_at=now,
                )
            )
            await _audit(candidate, "cv_replaced", now, object_id=application_id)
    except BaseException:
        await destroy_cv(stored.storage_name)
        raise
    for row in old:
        await destroy_cv(row["storage_name"])


async def request_email_change(
    candidate_id: int, new_email: str, now: datetime, client: str = ""
) -> None:
    """The new address must be verified before it replaces the old (a typo would otherwise
    lock the candidate out, or hand their page to a stranger). A session can send this to
    any address, so it is capped per address, per candidate and per client (issue 16),
    counted whether or not a mail then goes (the refusal tells nothing)."""
    new_email = normal_email(new_email)
    caps = current().caps
    async with transaction():
        await throttle.spend(
            [
                (throttle.key("email-change-to", new_email), caps.email_change_recipient),
                (throttle.key("email-change-candidate", str(candidate_id)),
                 caps.email_change_candidate),
                (throttle.key("email-change-client", client), caps.email_change_client),
            ],
            now,
        )  # fmt: skip
        candidate = await my_candidate(candidate_id)
        await Candidate.update({Candidate.email_pending: new_email}).where(
            Candidate.id == candidate_id
        )
        await _audit(candidate, "email_change_requested", now)
        if new_email == candidate["email"] or await Candidate.exists().where(
            Candidate.email == new_email
        ):
            return  # the same answer either way: no hint whose address it is
        token = await issue(EMAIL_VERIFY, candidate_id, now, {"email": new_email})
        _ = gettext_for(candidate["language"])
        body = _(
            "Hello,\n\nConfirm your new e-mail address with this link (it works once, for "
            "24 hours):\n%(link)s\n\nIf you did not ask for it, ignore this mail."
        ) % {"link": link("/me/email", token)}
        await queue(new_email, _("Confirm your new e-mail address"), body, now)


async def confirm_email_change(token: str, now: datetime) -> int:
    async with transaction():
        row = await use(token, EMAIL_VERIFY, now)
        candidate = await my_candidate(row["candidate"])
        new_email = str(row["payload"].get("email", ""))
        if (
            not new_email
            or candidate["email_pending"] != new_email
            or await Candidate.exists().where(
                (Candidate.email == new_email) & (Candidate.id != candidate["id"])
            )
        ):
            raise NotFound("This link is no longer valid. Ask for a new one.")
        await Candidate.update({Candidate.email: new_email, Candidate.email_pending: None}).where(
            Candidate.id == candidate["id"]
        )
        await _audit(candidate, "email_corrected", now)
        return int(candidate["id"])


async def set_restriction(
    candidate_id: int, application_id: int, restricted: bool, now: datetime
) -> None:
    """Art. 18: the application is kept but frozen for all processing until lifted."""
    async with transaction():
        candidate = await my_candidate(candidate_id)
        await my_application(candidate_id, application_id)
        await Application.update(
            {Application.restricted: restricted, Application.updated_at: now}
        ).where(Application.id == application_id)
        await _audit(
            candidate,
            "restriction_set" if restricted else "restriction_lifted",
            now,
            object_id=application_id,
        )
        if restricted:
            await stop_planned(candidate_id, now, application_id)


async def object_to_processing(
    candidate_id: int, details: str, language: str, now: datetime
) -> str:
    """Art. 21: the objection becomes a request for staff; every application of the candidate
    is restricted (`objected`) until staff answer it."""
    async with transaction():
        candidate = await my_candidate(candidate_id)
        request = await rights_requests.open_request(
            "objection",
            "candidate",
            now,
            candidate_id=candidate_id,
            details=details,
            language=language,
        )
        await Application.update({Application.objected: True, Application.updated_at: now}).where(
            Application.candidate == candidate_id
        )
        await _audit(candidate, "objection_made", now, object_id=str(request.uid))
        await stop_planned(candidate_id, now)
        return str(request.uid)


async def complain(candidate_id: int, details: str, language: str, now: datetime) -> str:
    """A complaint to the company (the authority's contact is shown beside the form, Art. 77)."""
    async with transaction():
        candidate = await my_candidate(candidate_id)
        request = await rights_requests.open_request(
            "complaint",
            "candidate",
            now,
            candidate_id=candidate_id,
            details=details,
            language=language,
        )
        await _audit(candidate, "complaint_made", now, object_id=str(request.uid))
        return str(request.uid)


async def marketing_optout_url(candidate_id: int, now: datetime) -> str:
    """The one-click opt-out link every marketing mail carries (policy: "the right to not
    receive marketing communication"); call inside the transaction that queues the mail."""
    return link("/unsubscribe", await issue(MARKETING_OPTOUT, candidate_id, now))


async def optout_candidate(token: str, now: datetime) -> int:
    return int((await live(token, MARKETING_OPTOUT, now))["candidate"])


def authority() -> dict[str, str]:
    s = current()
    return {"name": s.authority_name, "url": s.authority_url, "address": s.authority_address}
