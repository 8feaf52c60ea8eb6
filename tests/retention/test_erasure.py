"""Erasing a candidate or a visit at once: statistics first, then every row, a receipt without
personal data, an audit event; CV key rows and files gone; a second erasure changes nothing."""

import uuid
from datetime import UTC, datetime, timedelta

from app.privacy.audit import SYSTEM, Actor
from app.privacy.erasure import erase_candidate, erase_visit
from app.recruiting.cv_store import read_cv
from app.tables import (
    Application,
    AuditEvent,
    Candidate,
    Comment,
    ConsentEvent,
    CVFile,
    DeletionReceipt,
    OutboxMail,
    Rating,
    RightsRequest,
    Session,
    StageChange,
    Token,
    Visit,
)
from tests.cv_storage import is_stored
from tests.factories import (
    application_row,
    candidate_row,
    cv_row,
    position_row,
    staff_member,
    visit_row,
)
from tests.stats_support import counters, some_counters

NOW = datetime(2026, 3, 15, 12, 0, tzinfo=UTC)


async def _plant_everything(candidate_id: int, uid: str, email: str) -> tuple[list[int], str]:
    """Two applications with a CV, a rating, a comment, a stage move, a session, a token, a
    rights request, mail, a consent event: everything that hangs off a candidate."""
    staff_id, _, _ = await staff_member("hr")
    first = await position_row("Backend developer")
    second = await position_row("Designer")
    a1, _ = await application_row(candidate_id, first, created_at=NOW - timedelta(days=40))
    a2, _ = await application_row(candidate_id, second, created_at=NOW - timedelta(days=2))
    name = await cv_row(a1, b"%PDF-1.4 the CV of CANDIDATE-MARKER")
    await Rating.insert(Rating(application=a1, author=staff_id, score=4))
    await Comment.insert(Comment(application=a1, author=staff_id, body="strong CANDIDATE-MARKER"))
    await StageChange.insert(
        StageChange(application=a1, from_stage="received", to_stage="screening", actor=staff_id)
    )
    await Session.insert(Session(token_hash="s" * 64, candidate=candidate_id, expires_at=NOW))
    await Token.insert(
        Token(purpose="sign_in", token_hash="t" * 64, candidate=candidate_id, expires_at=NOW)
    )
    await RightsRequest.insert(
        RightsRequest(
            uid=uuid.uuid4(), kind="access", requester_kind="candidate", candidate=candidate_id,
            due_at=NOW, erase_after=NOW,
        )
    )
    await OutboxMail.insert(
        OutboxMail(to_address=email, subject="Thanks", body="Dear CANDIDATE-MARKER", erase_after=NOW)
    )
    await OutboxMail.insert(
        OutboxMail(to_address="other@example.org", subject="x", body="other", erase_after=NOW)
    )
    await ConsentEvent.insert(
        ConsentEvent(candidate_ref=uid, purpose="m", action="given", text_hash="h", language="en",
                     channel="portal", erase_after=NOW)
    )
    return [a1, a2], name


async def test_erasing_a_candidate_leaves_nothing_of_them_and_every_statistic_as_it_was(settings):
    before = await some_counters()
    email = "marker@example.org"
    candidate_id, uid = await candidate_row("CANDIDATE-MARKER", email)
    (a1, a2), cv_name = await _plant_everything(candidate_id, uid, email)
    stored = await CVFile.select().where(CVFile.application == a1).first()
    assert b"CANDIDATE-MARKER" in await read_cv(stored)
    dpo = Actor(kind="staff", id=1, role="admin")

    reference = await erase_candidate(candidate_id, "erasure request", NOW, dpo)

    assert reference == uid
    for table, where in [
        (Candidate, Candidate.id == candidate_id),
        (Application, Application.id.is_in([a1, a2])),
        (CVFile, CVFile.application == a1),
        (Rating, Rating.application == a1),
        (Comment, Comment.application == a1),
        (StageChange, StageChange.application == a1),
        (Session, Session.candidate == candidate_id),
        (Token, Token.candidate == candidate_id),
        (RightsRequest, RightsRequest.candidate == candidate_id),
        (OutboxMail, OutboxMail.to_address == email),
    ]:
        assert await table.count().where(where) == 0, table
    assert await OutboxMail.count() == 1  # someone else's mail stays
    assert not await is_stored(cv_name)  # its bytes as well as its key
    # Statistics were counted when things happened; erasure changes none (issue 20).
    assert await counters() == before
    receipts = await DeletionReceipt.select()
    assert [(r["kind"], r["reference"], r["reason"]) for r in receipts] == [
        ("candidate", uid, "erasure request")
    ]
    events = await AuditEvent.select().where(AuditEvent.action == "erasure")
    assert [(e["actor_id"], e["subject_ref"], e["object_id"]) for e in events] == [
        (1, uid, str(candidate_id))
    ]
    # Proof of consent outlives the person, naming them only by the meaningless uid.
    assert await ConsentEvent.count().where(ConsentEvent.candidate_ref == uid) == 1


async def test_erasing_twice_returns_the_same_receipt():
    before = await some_counters()
    candidate_id, uid = await candidate_row()
    position = await position_row()
    await application_row(candidate_id, position, created_at=NOW)
    assert await erase_candidate(candidate_id, "retention", NOW, SYSTEM) == uid
    assert await erase_candidate(candidate_id, "retention", NOW, SYSTEM) == uid
    assert await counters() == before
    assert await DeletionReceipt.count() == 1
    assert await erase_candidate(999_999, "retention", NOW, SYSTEM) == ""


async def test_erasing_a_visit_leaves_every_statistic_as_it_was():
    before = await some_counters()
    signed_in = datetime(2026, 3, 14, 23, 30, tzinfo=UTC)
    visit_id, uid = await visit_row("VISITOR-MARKER", "interview", signed_in_at=signed_in)
    other_id, _ = await visit_row(signed_in_at=signed_in)

    reference = await erase_visit(visit_id, "erasure request", NOW, SYSTEM)

    assert reference == uid
    assert await Visit.count().where(Visit.id == visit_id) == 0
    assert await Visit.count().where(Visit.id == other_id) == 1
    assert await erase_visit(visit_id, "erasure request", NOW, SYSTEM) == uid
    assert await counters() == before
    receipts = await DeletionReceipt.select(DeletionReceipt.kind, DeletionReceipt.reference)
    assert receipts == [{"kind": "visit", "reference": uid}]
