"""What a first application and a confirmed one write alike: the consent choices, recorded in
the candidate's name with how the person was identified (Art. 7(1)), then the application and
its CV key row. Both run inside the caller's use-case transaction."""

import uuid
from datetime import datetime
from typing import NamedTuple

import msgspec

from app.config import current
from app.errors import ValidationFailed
from app.privacy import consent, statistics
from app.privacy.notices import CANDIDATE_PURPOSES, Notice, current_notice
from app.privacy.retention import application_erase_after
from app.recruiting import screening
from app.tables import Application, Candidate, CVFile

FLAG = {"m": "consent_m", "n": "consent_n", "talent_pool": "talent_pool", "marketing": "marketing"}


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
    # The candidate whose session, opened from a link mailed to them, sent the form: when the
    # address is theirs, that session is the proof (issue 16); otherwise it proves nothing.
    signed_in_candidate: int | None = None
    source: str = ""  # "How did you hear about us?": counted, never stored (issue 20.5)


class CVUpload(NamedTuple):
    """A CV already encrypted on disk (app.recruiting.cv_store) and what its key row holds
    (the columns of CVFile and UnconfirmedApplication of the same names)."""

    storage_name: str
    wrapped_key: bytes
    original_name: str
    media_type: str
    size: int


def ticked(consents: tuple[str, ...] | list[str]) -> list[str]:
    return [p for p in CANDIDATE_PURPOSES if p in consents]


def waits_for_consent(consents: tuple[str, ...] | list[str]) -> bool:
    """Without m or n, HR cannot evaluate the application (MISSION: "waiting for consent")."""
    return not ({"m", "n"} & set(consents))


async def notice_for(consents: tuple[str, ...] | list[str], language: str) -> Notice | None:
    """The notice whose texts were beside the ticked boxes; none published is a form error."""
    if not ticked(consents):
        return None
    notice = await current_notice("candidate", language)
    if notice is None:
        raise ValidationFailed({"form": "The privacy notice is not published yet."})
    return notice


async def record_choices(
    candidate: dict,
    consents: tuple[str, ...] | list[str],
    *,
    language: str,
    ip_prefix: str,
    identified_by: str,
    now: datetime,
) -> dict:
    """One event per choice given; unticked boxes record nothing. Returns the fresh row."""
    notice = await notice_for(consents, language)
    for purpose in ticked(consents):
        if candidate[FLAG[purpose]] or notice is None:
            continue  # already given: nothing new to prove
        await consent.record(
            candidate["id"],
            str(candidate["uid"]),
            purpose,
            True,
            notice,
            language=language,
            channel="portal",
            ip_prefix=ip_prefix,
            now=now,
            identified_by=identified_by,
        )
    fresh = await Candidate.select().where(Candidate.id == candidate["id"]).first()
    assert fresh is not None
    return fresh


async def add_application(
    candidate: dict,
    position: dict,
    cover_letter: str,
    cv: CVUpload,
    now: datetime,
    answers: tuple[tuple[int, str], ...] = (),
    source: str = "",
) -> int | None:
    """The application and its CV key row; None when the candidate already applied for this
    position (a resubmission makes no second row: the caller removes the new file)."""
    key = f"{candidate['id']}:{position['id']}"
    if await Application.exists().where(Application.dedupe_key == key):
        return None
    application = Application(
        uid=uuid.uuid4(),
        candidate=candidate["id"],
        position=position["id"],
        dedupe_key=key,
        cover_letter=cover_letter,
        stage="received",
        created_at=now,
        updated_at=now,
        erase_after=application_erase_after(
            created_at=now,
            has_evaluation_consent=bool(candidate["consent_m"] or candidate["consent_n"]),
            consent_lost_at=None,
            stage="received",
            decided_at=None,
            position_closed_at=None,
            talent_pool=bool(candidate["talent_pool"]),
            r=current().retention,
        ),
    )
    await application.save()
    await screening.store_answers(int(application.id), position["id"], answers)
    # Counted where the application becomes visible to HR, in its transaction (issue 20): a
    # first application at once, one sent with a known address when its owner confirms it.
    await statistics.application_received(position["title"], source, now)
    await CVFile.insert(CVFile(application=application.id, created_at=now, **cv._asdict()))
    return int(application.id)
