"""Stored erase-after dates follow the facts (MISSION.md "Retention defaults"): waiting for
consent, withdrawal of both evaluation consents, rejection, talent pool, a closed position,
restriction; the candidate's own date follows their applications."""

from datetime import UTC, datetime, timedelta

from app.privacy.retention import (
    refresh_application_erase_after,
    refresh_candidate_erase_after,
    refresh_position_erase_after,
)
from app.tables import Application, Candidate, ConsentEvent, Position
from tests.factories import application_row, candidate_row, position_row

NOW = datetime(2026, 3, 15, 12, 0, tzinfo=UTC)
CREATED = NOW - timedelta(days=10)


async def _dates(candidate_id: int, application_id: int) -> tuple[datetime | None, ...]:
    app = await Application.select(Application.erase_after).where(
        Application.id == application_id
    ).first()
    cand = await Candidate.select(Candidate.erase_after).where(Candidate.id == candidate_id).first()
    return app["erase_after"], cand["erase_after"]


async def _consent(uid: str, purpose: str, action: str, at: datetime) -> None:
    await ConsentEvent.insert(
        ConsentEvent(candidate_ref=uid, purpose=purpose, action=action, at=at, text_hash="h",
                     language="en", channel="portal", erase_after=at + timedelta(days=1095))
    )


async def test_waiting_for_consent_is_erased_30_days_after_arrival():
    candidate_id, _ = await candidate_row(consent_m=False, consent_n=False)
    app_id, _ = await application_row(candidate_id, await position_row(), created_at=CREATED)
    await refresh_application_erase_after(app_id, NOW)
    assert await _dates(candidate_id, app_id) == (CREATED + timedelta(days=30),) * 2


async def test_an_application_in_review_has_no_date_until_a_decision():
    candidate_id, _ = await candidate_row()
    app_id, _ = await application_row(candidate_id, await position_row(), created_at=CREATED)
    await refresh_candidate_erase_after(candidate_id, NOW)
    assert await _dates(candidate_id, app_id) == (None, None)


async def test_withdrawing_both_evaluation_consents_makes_it_due_at_once():
    candidate_id, uid = await candidate_row(consent_m=False, consent_n=False)
    app_id, _ = await application_row(candidate_id, await position_row(), created_at=CREATED)
    await _consent(uid, "m", "given", CREATED)
    await _consent(uid, "n", "given", CREATED)
    await _consent(uid, "m", "withdrawn", NOW - timedelta(hours=2))
    await _consent(uid, "n", "withdrawn", NOW - timedelta(hours=1))
    await refresh_candidate_erase_after(candidate_id, NOW)
    assert await _dates(candidate_id, app_id) == (NOW - timedelta(hours=1),) * 2


async def test_rejection_keeps_six_months_or_24_with_the_talent_pool():
    decided = NOW - timedelta(days=1)
    plain, _ = await candidate_row()
    pooled, _ = await candidate_row(talent_pool=True)
    position = await position_row()
    a_plain, _ = await application_row(plain, position, stage="rejected", decided_at=decided)
    other = await position_row("Other")
    a_pool, _ = await application_row(pooled, other, stage="rejected", decided_at=decided)
    await refresh_application_erase_after(a_plain, NOW)
    await refresh_application_erase_after(a_pool, NOW)
    assert (await _dates(plain, a_plain))[0] == decided + timedelta(days=183)
    assert (await _dates(pooled, a_pool))[0] == decided + timedelta(days=730)


async def test_a_withdrawn_application_without_a_staff_decision_still_gets_a_date():
    candidate_id, _ = await candidate_row()
    app_id, _ = await application_row(candidate_id, await position_row(), stage="withdrawn",
                                      created_at=CREATED)
    await refresh_application_erase_after(app_id, NOW)
    assert (await _dates(candidate_id, app_id))[0] == CREATED + timedelta(days=183)


async def test_closing_a_position_starts_the_clock_of_all_its_applications():
    position = await position_row()
    pairs = []
    for _ in range(3):
        candidate_id, _ = await candidate_row()
        app_id, _ = await application_row(candidate_id, position, created_at=CREATED)
        pairs.append((candidate_id, app_id))
    closed = NOW - timedelta(days=3)
    await Position.update({Position.closed_at: closed, Position.status: "closed"}).where(
        Position.id == position
    )
    await refresh_position_erase_after(position, NOW)
    for candidate_id, app_id in pairs:
        assert await _dates(candidate_id, app_id) == (closed + timedelta(days=183),) * 2


async def test_a_restricted_application_is_kept_and_keeps_its_candidate():
    candidate_id, _ = await candidate_row(consent_m=False, consent_n=False)
    app_id, _ = await application_row(candidate_id, await position_row(), created_at=CREATED)
    await Application.update({Application.restricted: True}).where(Application.id == app_id)
    await refresh_application_erase_after(app_id, NOW)
    assert await _dates(candidate_id, app_id) == (None, None)


async def test_the_candidate_goes_with_the_longest_lived_application():
    candidate_id, _ = await candidate_row()
    first, _ = await application_row(candidate_id, await position_row("A"), stage="rejected",
                                     decided_at=NOW - timedelta(days=100))
    second, _ = await application_row(candidate_id, await position_row("B"), stage="rejected",
                                      decided_at=NOW - timedelta(days=5))
    await refresh_candidate_erase_after(candidate_id, NOW)
    first_date, own = await _dates(candidate_id, first)
    second_date, _ = await _dates(candidate_id, second)
    assert first_date == NOW - timedelta(days=100 - 183)
    assert own == second_date == NOW + timedelta(days=178)
