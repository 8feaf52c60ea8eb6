"""The apply use case (issue 3): candidate, application, encrypted CV, one consent event per
choice given and the confirmation mail, in ONE transaction, all or nothing. The CV file is
written before the transaction and removed if it fails (the orphan sweep takes what a kill -9
leaves). A double click or a resubmission for the same position makes no second row."""

import uuid
from datetime import datetime

import msgspec

from app.config import current
from app.db import transaction
from app.errors import ValidationFailed
from app.i18n import gettext_for
from app.mail import queue
from app.privacy import audit, consent, retention, statistics
from app.privacy.notices import CANDIDATE_PURPOSES, current_notice
from app.privacy.retention import application_erase_after
from app.recruiting import screening
from app.recruiting.cv_check import EXTENSIONS, sniff_cv
from app.recruiting.cv_store import destroy_cv, store_cv
from app.recruiting.positions import open_position
from app.recruiting.signin import SIGNIN, issue, link, normal_email
from app.tables import Application, Candidate, CVFile


class ApplyInput(msgspec.Struct, frozen=True):
    full_name: str
    email: str
    phone: str
    cover_letter: str
    consents: tuple[str, ...]  # the purposes ticked (of m, n, talent_pool, marketing)
    language: str
    ip_prefix: str
    # (question id, answer) to the position's screening questions: they never decide
    screening: tuple[tuple[int, str], ...] = ()


class Applied(msgspec.Struct, frozen=True):
    application_id: int
    candidate_id: int
    position_title: str
    waiting_for_consent: bool
    created: bool


def cv_display_name(filename: str, media_type: str) -> str:
    """A harmless name for the download: no path, no control characters, our extension."""
    base = filename.replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(c for c in base if c.isprintable() and c not in '"<>')[:200].strip()
    stem = base.rsplit(".", 1)[0] if "." in base else base
    return (stem or "cv") + EXTENSIONS[media_type]


async def _candidate(data: ApplyInput, now: datetime) -> tuple[dict, bool]:
    email = normal_email(data.email)
    row = await Candidate.select().where(Candidate.email == email).first()
    if row is not None:
        # An existing candidate keeps their details: a form anyone can fill must not rewrite
        # someone else's profile (they correct it from their own page).
        return row, False
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
    return row, True


async def _record_consents(candidate: dict, data: ApplyInput, now: datetime) -> dict:
    """One event per choice given (Art. 7(1)); unticked boxes record nothing."""
    ticked = [p for p in CANDIDATE_PURPOSES if p in data.consents]
    if ticked:
        notice = await current_notice("candidate", data.language)
        if notice is None:
            raise ValidationFailed({"form": "The privacy notice is not published yet."})
        for purpose in ticked:
            if candidate[f"consent_{purpose}" if purpose in ("m", "n") else purpose]:
                continue  # already given: nothing new to prove
            await consent.record(
                candidate["id"],
                str(candidate["uid"]),
                purpose,
                True,
                notice,
                language=data.language,
                channel="portal",
                ip_prefix=data.ip_prefix,
                now=now,
            )
    fresh = await Candidate.select().where(Candidate.id == candidate["id"]).first()
    assert fresh is not None
    return fresh


async def _confirm(candidate: dict, title: str, waiting: bool, now: datetime) -> None:
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
    await queue(candidate["email"], _("We received your application"), body, now)


async def _submit(
    slug: str,
    data: ApplyInput,
    stored_name: str,
    wrapped: bytes,
    original_name: str,
    media_type: str,
    size: int,
    now: datetime,
) -> Applied:
    position = await open_position(slug)
    candidate, _new = await _candidate(data, now)
    key = f"{candidate['id']}:{position['id']}"
    existing = await Application.select(Application.id).where(Application.dedupe_key == key)
    if existing:
        return Applied(
            existing[0]["id"],
            candidate["id"],
            position["title"],
            not (candidate["consent_m"] or candidate["consent_n"]),
            False,
        )
    candidate = await _record_consents(candidate, data, now)
    has_consent = bool(candidate["consent_m"] or candidate["consent_n"])
    application = Application(
        uid=uuid.uuid4(),
        candidate=candidate["id"],
        position=position["id"],
        dedupe_key=key,
        cover_letter=data.cover_letter,
        stage="received",
        created_at=now,
        updated_at=now,
        erase_after=application_erase_after(
            created_at=now,
            has_evaluation_consent=has_consent,
            consent_lost_at=None,
            stage="received",
            decided_at=None,
            position_closed_at=None,
            talent_pool=bool(candidate["talent_pool"]),
            r=current().retention,
        ),
    )
    await application.save()
    await screening.store_answers(int(application.id), position["id"], data.screening)
    # Counted where the application becomes visible to HR, in its transaction (issue 20).
    await statistics.application_received(position["title"], "", now)
    await CVFile.insert(
        CVFile(
            application=application.id,
            storage_name=stored_name,
            original_name=original_name,
            media_type=media_type,
            size=size,
            wrapped_key=wrapped,
            created_at=now,
        )
    )
    await audit.record(
        audit.Actor("candidate", candidate["id"]),
        "application_submitted",
        now,
        subject_kind="candidate",
        subject_ref=str(candidate["uid"]),
        object_id=int(application.id),
    )
    await _confirm(candidate, position["title"], not has_consent, now)
    return Applied(int(application.id), candidate["id"], position["title"], not has_consent, True)


async def apply(
    slug: str, data: ApplyInput, cv_name: str, cv_content: bytes, now: datetime
) -> Applied:
    await open_position(slug)  # a closed position is refused before any file is written
    media_type = sniff_cv(cv_content)
    stored = await store_cv(cv_content)
    try:
        async with transaction():
            result = await _submit(
                slug,
                data,
                stored.storage_name,
                stored.wrapped_key,
                cv_display_name(cv_name, media_type),
                media_type,
                len(cv_content),
                now,
            )
    except BaseException:
        await destroy_cv(stored.storage_name)
        duplicate = await _duplicate(slug, data)
        if duplicate is not None:  # a concurrent double submit won the race
            return duplicate
        raise
    if not result.created:
        await destroy_cv(stored.storage_name)
    await _refresh_retention(result, now)
    return result


async def _duplicate(slug: str, data: ApplyInput) -> Applied | None:
    try:
        position = await open_position(slug)
    except Exception:  # noqa: BLE001 - no position, no duplicate
        return None
    cand = await Candidate.select().where(Candidate.email == normal_email(data.email)).first()
    if cand is None:
        return None
    row = (
        await Application.select(Application.id)
        .where(Application.dedupe_key == f"{cand['id']}:{position['id']}")
        .first()
    )
    if row is None:
        return None
    return Applied(
        row["id"],
        cand["id"],
        position["title"],
        not (cand["consent_m"] or cand["consent_n"]),
        False,
    )


async def _refresh_retention(result: Applied, now: datetime) -> None:
    """The candidate account's own erase-after date is the retention engine's rule."""
    if result.created:
        async with transaction():
            await retention.refresh_candidate_erase_after(result.candidate_id, now)
