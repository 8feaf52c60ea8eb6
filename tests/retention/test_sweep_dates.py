"""With a frozen clock, every kind of record is kept one day before its erase-after date and
gone one day after it (MISSION.md "Retention defaults"), with the dates computed from the
facts by the same code the app uses."""

import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest

from app.mail import queue
from app.privacy import audit
from app.privacy.erasure import write_receipts
from app.privacy.retention import (
    refresh_candidate_erase_after,
    refresh_position_erase_after,
    visit_erase_after,
)
from app.privacy.sweep import sweep
from app.tables import (
    Application,
    AuditEvent,
    Candidate,
    ConsentEvent,
    DeletionReceipt,
    Disclosure,
    ExpectedVisit,
    JobRun,
    OutboxMail,
    Position,
    RightsRequest,
    Visit,
)
from tests.factories import application_row, candidate_row, position_row, visit_row
from tests.stats_support import counters, some_counters

T0 = datetime(2026, 1, 10, 9, 0, tzinfo=UTC)
DAY = timedelta(days=1)
Probe = tuple[Any, Any, datetime]  # table, where, due date


async def _candidate_app(**kwargs: Any) -> tuple[int, str, int]:
    consent = kwargs.pop("consent", True)
    talent_pool = kwargs.pop("talent_pool", False)
    candidate_id, uid = await candidate_row(
        consent_m=consent, consent_n=consent, talent_pool=talent_pool, created_at=T0
    )
    app_id, _ = await application_row(candidate_id, await position_row(), **kwargs)
    return candidate_id, uid, app_id


async def waiting_for_consent() -> Probe:
    candidate_id, _, app_id = await _candidate_app(consent=False, created_at=T0)
    await refresh_candidate_erase_after(candidate_id, T0)
    return Application, Application.id == app_id, T0 + timedelta(days=30)


async def rejected() -> Probe:
    candidate_id, _, app_id = await _candidate_app(stage="rejected", decided_at=T0)
    await refresh_candidate_erase_after(candidate_id, T0)
    return Application, Application.id == app_id, T0 + timedelta(days=183)


async def rejected_in_talent_pool() -> Probe:
    candidate_id, _, _app_id = await _candidate_app(
        talent_pool=True, stage="rejected", decided_at=T0
    )
    await refresh_candidate_erase_after(candidate_id, T0)
    return Candidate, Candidate.id == candidate_id, T0 + timedelta(days=730)


async def position_closed() -> Probe:
    _, _, app_id = await _candidate_app(created_at=T0 - 5 * DAY)
    row = await Application.select(Application.position).where(Application.id == app_id).first()
    await Position.update({Position.closed_at: T0}).where(Position.id == row["position"])
    await refresh_position_erase_after(row["position"], T0)
    return Application, Application.id == app_id, T0 + timedelta(days=183)


async def both_consents_withdrawn() -> Probe:
    candidate_id, uid, _app_id = await _candidate_app(consent=False, created_at=T0 - 9 * DAY)
    for purpose, action, at in [("m", "given", T0 - 9 * DAY), ("m", "withdrawn", T0)]:
        await ConsentEvent.insert(
            ConsentEvent(candidate_ref=uid, purpose=purpose, action=action, at=at,
                         text_hash="h", language="en", channel="portal", erase_after=T0)
        )
    await refresh_candidate_erase_after(candidate_id, T0)
    return Candidate, Candidate.id == candidate_id, T0


async def candidate_without_application() -> Probe:
    candidate_id, _ = await candidate_row(created_at=T0)
    return Candidate, Candidate.id == candidate_id, T0 + timedelta(days=30)


async def visit() -> Probe:
    from app.config import current

    when = visit_erase_after(T0, current().retention)
    visit_id, _ = await visit_row(signed_in_at=T0 - DAY, signed_out_at=T0, erase_after=when)
    return Visit, Visit.id == visit_id, T0 + timedelta(days=30)


async def visit_without_stored_date() -> Probe:
    visit_id, _ = await visit_row(signed_in_at=T0 - DAY, signed_out_at=T0)
    return Visit, Visit.id == visit_id, T0 + timedelta(days=30)


async def expected_visit() -> Probe:
    day = date(2026, 1, 10)
    row = ExpectedVisit(visitor_name="X", expected_on=day, code_hash="c",
                        erase_after=datetime.combine(day, time.max, UTC) + timedelta(days=30))
    await row.save()
    return ExpectedVisit, ExpectedVisit.id == row.id, T0 + timedelta(days=30)


async def expected_visit_without_stored_date() -> Probe:
    day = date(2026, 1, 10)
    row = ExpectedVisit(visitor_name="X", expected_on=day, code_hash="c")
    await row.save()
    due = datetime.combine(day + timedelta(days=31), time(12), UTC)
    return ExpectedVisit, ExpectedVisit.id == row.id, due


async def answered_rights_request() -> Probe:
    row = RightsRequest(uid=uuid.uuid4(), kind="access", requester_kind="visitor",
                        status="done", due_at=T0, erase_after=T0 + timedelta(days=1095))
    await row.save()
    return RightsRequest, RightsRequest.id == row.id, T0 + timedelta(days=1095)


async def disclosure() -> Probe:
    row = Disclosure(subject_kind="visitor", subject_ref="x", recipient="Police",
                     legal_basis="warrant 1", erase_after=T0 + timedelta(days=1095))
    await row.save()
    return Disclosure, Disclosure.id == row.id, T0 + timedelta(days=1095)


async def consent_event() -> Probe:
    row = ConsentEvent(candidate_ref=uuid.uuid4(), purpose="m", action="given", text_hash="h",
                       language="en", channel="portal", erase_after=T0 + timedelta(days=1095))
    await row.save()
    return ConsentEvent, ConsentEvent.id == row.id, T0 + timedelta(days=1095)


async def audit_event() -> Probe:
    await audit.record(audit.SYSTEM, "probe", T0)
    return AuditEvent, AuditEvent.action == "probe", T0 + timedelta(days=1095)


async def deletion_receipt() -> Probe:
    await write_receipts("probe", ["ref"], "test", T0)
    return DeletionReceipt, DeletionReceipt.kind == "probe", T0 + timedelta(days=1095)


async def outbox_mail() -> Probe:
    mail_id = await queue("someone@example.org", "Hello", "body", T0)
    return OutboxMail, OutboxMail.id == mail_id, T0 + timedelta(days=7)


async def job_run() -> Probe:
    row = JobRun(job="probe", started_at=T0)
    await row.save()
    return JobRun, JobRun.job == "probe", T0 + timedelta(days=90)


SCENARIOS: list[Callable[[], Awaitable[Probe]]] = [
    waiting_for_consent, rejected, rejected_in_talent_pool, position_closed,
    both_consents_withdrawn, candidate_without_application, visit, visit_without_stored_date,
    expected_visit, expected_visit_without_stored_date, answered_rights_request, disclosure,
    consent_event, audit_event, deletion_receipt, outbox_mail, job_run,
]


@pytest.mark.parametrize("plant", SCENARIOS, ids=lambda f: f.__name__)
async def test_kept_one_day_before_and_gone_one_day_after(plant):
    table, where, due = await plant()
    await sweep(due - DAY)
    assert await table.count().where(where) == 1, "erased too early"
    await sweep(due + DAY)
    assert await table.count().where(where) == 0, "kept too long"


async def test_a_candidate_goes_with_the_last_application():
    candidate_id, _, _app_id = await _candidate_app(stage="rejected", decided_at=T0)
    await refresh_candidate_erase_after(candidate_id, T0)
    counts = await sweep(T0 + timedelta(days=184))
    assert counts["applications"] == 1 and counts["candidates"] == 1
    assert await Candidate.count().where(Candidate.id == candidate_id) == 0
    assert await DeletionReceipt.count().where(DeletionReceipt.kind == "candidate") == 1


async def test_restricted_applications_and_open_requests_are_never_swept():
    candidate_id, _, app_id = await _candidate_app(consent=False, created_at=T0)
    await Application.update(
        {Application.restricted: True, Application.erase_after: T0}
    ).where(Application.id == app_id)
    row = RightsRequest(uid=uuid.uuid4(), kind="objection", requester_kind="candidate",
                        status="open", due_at=T0, erase_after=T0)
    await row.save()
    await sweep(T0 + timedelta(days=4000))
    assert await Application.count().where(Application.id == app_id) == 1
    assert await Candidate.count().where(Candidate.id == candidate_id) == 1
    assert await RightsRequest.count().where(RightsRequest.id == row.id) == 1


async def test_the_sweep_leaves_every_statistic_as_it_was():
    before = await some_counters()
    late = datetime(2026, 3, 14, 23, 30, tzinfo=UTC)  # 00:30 on the 15th in Copenhagen
    noon = datetime(2026, 3, 14, 11, 0, tzinfo=UTC)
    for at, purpose in [(late, "interview"), (late, "interview"), (noon, "meeting")]:
        await visit_row(purpose=purpose, signed_in_at=at, signed_out_at=at,
                        erase_after=at + timedelta(days=30))
    counts = await sweep(late + timedelta(days=31))
    assert counts["visits"] == 3
    assert await counters() == before  # counted at sign-in, never at erasure (issue 20)
    receipts = await DeletionReceipt.select(DeletionReceipt.kind, DeletionReceipt.reference)
    assert [(r["kind"], r["reference"].split(",")[0]) for r in receipts] == [("visits", "3 rows")]


async def test_an_answered_request_is_kept_three_years_after_its_answer():
    answered = T0 + timedelta(days=400)
    row = RightsRequest(uid=uuid.uuid4(), kind="access", requester_kind="visitor",
                        status="done", due_at=T0, closed_at=answered,
                        erase_after=T0 + timedelta(days=1095))
    await row.save()
    await sweep(T0 + timedelta(days=1096))
    assert await RightsRequest.count().where(RightsRequest.id == row.id) == 1
    await sweep(answered + timedelta(days=1096))
    assert await RightsRequest.count().where(RightsRequest.id == row.id) == 0
