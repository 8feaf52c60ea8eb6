"""Factories: rows built through the same services the app uses, with plain defaults."""

from app.clock import utcnow
from app.staff.services import create_staff

DEFAULT_PASSWORD = "a long enough test password"


async def staff_member(role: str = "admin", email: str | None = None,
                       password: str = DEFAULT_PASSWORD) -> tuple[int, str, str]:
    email = email or f"{role}@example.org"
    staff_id, _ = await create_staff(email, role.title(), role, password, utcnow())
    return staff_id, email, password


# --- visits (kiosk and reception) --------------------------------------------------------


async def host(name: str = "Hanne Host", email: str = "hanne@example.org",
               active: bool = True) -> int:
    from app.visits.hosts import HostFields, create_host

    return await create_host(HostFields(name=name, email=email, active=active))


async def enrolled_kiosk(name: str = "Front desk") -> tuple[int, str]:
    """A kiosk enrolled through its pairing code: (kiosk id, device credential)."""
    from app.visits.kiosks import create_kiosk, enrol

    pairing = await create_kiosk(name, "Lobby", utcnow())
    enrolled = await enrol(pairing.code, "192.0.2.0", utcnow())
    return enrolled.kiosk_id, enrolled.credential


# --- retention and erasure (rows written directly, as the portal and kiosk services do) ----


async def position_row(title: str = "Backend developer", closed_at=None) -> int:
    import secrets

    from app.tables import Position

    row = Position(title=title, slug=f"p-{secrets.token_hex(6)}", status="open",
                   closed_at=closed_at)
    await row.save()
    return int(row.id)


async def candidate_row(name: str = "Carla Candidate", email: str | None = None, *,
                        consent_m: bool = True, consent_n: bool = True,
                        talent_pool: bool = False, created_at=None) -> tuple[int, str]:
    """A candidate (id, uid) with the given consent flags."""
    import secrets
    import uuid

    from app.tables import Candidate

    uid = uuid.uuid4()
    row = Candidate(uid=uid, full_name=name, email=email or f"c-{secrets.token_hex(6)}@example.org",
                    consent_m=consent_m, consent_n=consent_n, talent_pool=talent_pool,
                    created_at=created_at or utcnow())
    await row.save()
    return int(row.id), str(uid)


async def application_row(candidate_id: int, position_id: int, *, stage: str = "received",
                          created_at=None, decided_at=None, erase_after=None,
                          cover_letter: str = "") -> tuple[int, str]:
    import uuid

    from app.tables import Application

    uid = uuid.uuid4()
    at = created_at or utcnow()
    row = Application(uid=uid, candidate=candidate_id, position=position_id,
                      dedupe_key=f"{candidate_id}:{position_id}", stage=stage,
                      cover_letter=cover_letter, created_at=at, updated_at=at,
                      decided_at=decided_at, erase_after=erase_after)
    await row.save()
    return int(row.id), str(uid)


async def cv_row(application_id: int, content: bytes) -> str:
    """A CV stored the way the portal stores it (encrypted, its own key) and its key row;
    returns the storage name."""
    from app.recruiting.cv_store import store_cv
    from app.tables import CVFile

    stored = await store_cv(content)
    await CVFile.insert(CVFile(application=application_id, storage_name=stored.storage_name,
                               original_name="cv.pdf", media_type="application/pdf",
                               size=len(content), wrapped_key=stored.wrapped_key))
    return stored.storage_name


async def visit_row(name: str = "Vera Visitor", purpose: str = "meeting", *,
                    signed_in_at=None, signed_out_at=None, erase_after=None,
                    site: int = 0) -> tuple[int, str]:
    import uuid

    from app.tables import Visit
    from app.visits.sites import first_site_id

    uid = uuid.uuid4()
    row = Visit(uid=uid, visitor_name=name, purpose=purpose, site=site or await first_site_id(),
                signed_in_at=signed_in_at or utcnow(), signed_out_at=signed_out_at,
                erase_after=erase_after)
    await row.save()
    return int(row.id), str(uid)


# --- staff console (review): applications whose consents go through the real ledger --------


async def open_position(title: str = "Backend developer", status: str = "open") -> int:
    import secrets

    from app.tables import Position

    row = Position(title=title, slug=f"pos-{secrets.token_hex(6)}", status=status,
                   description="We build **things**.", location="Copenhagen")
    await row.save()
    return int(row.id)


async def consenting_application(position_id: int, name: str = "Ada Applicant", *,
                                 m: bool = True, n: bool = True, created_at=None,
                                 cv: bytes | None = b"%PDF-1.4 planted-cv-content",
                                 cover_letter: str = "I like building things.",
                                 language: str = "en",
                                 cv_media_type: str = "application/pdf") -> dict:
    """Candidate (uid=uuid4) + application (dedupe_key) + an encrypted CV; consents m and n are
    given through app.privacy.consent.record, so the ledger stays true."""
    import secrets
    import uuid

    from app.privacy.consent import record
    from app.privacy.notices import current_notice, ensure_default_notices
    from app.recruiting.cv_store import store_cv
    from app.tables import Application, Candidate, CVFile

    now = created_at or utcnow()
    await ensure_default_notices(now)
    notice = await current_notice("candidate", language)
    uid = uuid.uuid4()
    cand = Candidate(uid=uid, full_name=name, email=f"c-{secrets.token_hex(6)}@example.org",
                     phone="+45 12 34 56 78", language=language, created_at=now)
    await cand.save()
    for purpose, given in (("m", m), ("n", n)):
        if given:
            await record(int(cand.id), str(uid), purpose, True, notice, language=language,
                         channel="portal", ip_prefix="192.0.2.0", now=now,
                         identified_by="first_application")
    app_row = Application(uid=uuid.uuid4(), candidate=cand.id, position=position_id,
                          dedupe_key=f"{cand.id}:{position_id}", cover_letter=cover_letter,
                          created_at=now, updated_at=now)
    await app_row.save()
    cv_id = None
    if cv is not None:
        stored = await store_cv(cv)
        row = CVFile(application=app_row.id, storage_name=stored.storage_name,
                     original_name="ada-cv.pdf", media_type=cv_media_type, size=len(cv),
                     wrapped_key=stored.wrapped_key)
        await row.save()
        cv_id = int(row.id)
    return {"candidate_id": int(cand.id), "candidate_uid": str(uid),
            "application_id": int(app_row.id), "cv_id": cv_id}


async def set_consent(candidate_id: int, candidate_uid: str, purpose: str, given: bool) -> None:
    """Give or withdraw through the ledger, as the portal's candidate page does."""
    from app.privacy.consent import record
    from app.privacy.notices import current_notice

    notice = await current_notice("candidate", "en")
    await record(candidate_id, candidate_uid, purpose, given, notice, language="en",
                 channel="portal", ip_prefix="192.0.2.0", now=utcnow(),
                 identified_by="mailed_link_session")


async def criteria(position_id: int, *names: str) -> list[int]:
    """Scorecard criteria for a position through the service (two by default)."""
    from app.privacy.audit import Actor
    from app.recruiting.scorecards import criteria_for, save_criteria

    names = names or ("Communication", "Problem solving")
    slots = [(None, name, f"What {name.lower()} looks like") for name in names]
    await save_criteria(Actor(kind="system", id=None, role="admin"), position_id, slots, utcnow())
    return [c["id"] for c in await criteria_for(position_id)]
