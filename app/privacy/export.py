"""Access and copy (GDPR Art. 15 and 20; policy "insight and a copy"): one ZIP with every
stored field about the candidate as JSON, their consent history, the staff accesses to their
data (role, date, action) and their CV files decrypted. Only rows that hang off this
candidate, or carry their internal uid, are read."""

import io
import zipfile
from datetime import datetime
from typing import Any

import msgspec
from piccolo.columns import Column, ForeignKey

from app.db import transaction
from app.privacy import audit, consent
from app.privacy.purposes import policy_letter
from app.recruiting.cv_store import read_cv
from app.tables import (
    Application,
    AuditEvent,
    Candidate,
    CandidateMessage,
    Comment,
    CriterionScore,
    CVFile,
    HrisHandover,
    Interview,
    Position,
    Rating,
    RightsRequest,
    Scorecard,
    ScreeningAnswer,
    StageChange,
    UnconfirmedApplication,
)

# Secrets and internal plumbing, not data about the person.
_HIDDEN = {"wrapped_key", "storage_name", "dedupe_key", "lock_version"}


def _clean(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if k not in _HIDDEN}


# What the copy holds from each table that hangs off one application: the key in the JSON,
# the table's link to the application, and the columns about the candidate (no plumbing, no
# staff names).
_PER_APPLICATION: tuple[tuple[str, ForeignKey, tuple[Column, ...]], ...] = (
    # Evaluations about the candidate; staff are named by role, not by person.
    ("ratings", Rating.application, (Rating.score, Rating.created_at)),
    ("comments", Comment.application, (Comment.body, Comment.created_at)),
    # Their answers to screening questions, with the question as asked and HR's flag
    # (issue 21 point 7: purpose-m data, the candidate's own).
    ("screening_answers", ScreeningAnswer.application,
     (ScreeningAnswer.prompt, ScreeningAnswer.answer, ScreeningAnswer.flagged)),
    ("stage_changes", StageChange.application,
     (StageChange.from_stage, StageChange.to_stage, StageChange.at, StageChange.reason)),
    # What HR wrote to them and the interviews they were invited to (issue 17.4-5); the
    # interviewers are staff, named by nobody here, as the ratings are.
    ("messages", CandidateMessage.application,
     (CandidateMessage.template_key, CandidateMessage.language, CandidateMessage.subject,
      CandidateMessage.body, CandidateMessage.sent_at)),
    ("interviews", Interview.application,
     (Interview.starts_at, Interview.minutes, Interview.place, Interview.video_link,
      Interview.status, Interview.answer, Interview.answer_note, Interview.answered_at)),
    # Handed over to the company's HR system (issue 17.10): a recipient of their data
    # (Art. 15(1)(c)), when, and whether it confirmed; what was sent is documented, not kept.
    ("hr_system_hand_off", HrisHandover.application,
     (HrisHandover.reference, HrisHandover.status, HrisHandover.created_at,
      HrisHandover.delivered_at)),
)  # fmt: skip


async def _application(row: dict[str, Any]) -> dict[str, Any]:
    app_id = row["id"]
    position = (
        await Position.select(Position.title, Position.slug)
        .where(Position.id == row["position"])
        .first()
    )
    out = _clean(row)
    out["position"] = position
    out["cv_files"] = [_clean(c) for c in await CVFile.select().where(CVFile.application == app_id)]
    out["scorecards"] = await _scorecards(app_id)
    for key, link, columns in _PER_APPLICATION:
        out[key] = await link._meta.table.select(*columns).where(link == app_id)
    return out


async def _scorecards(app_id: int) -> list[dict[str, Any]]:
    """Each reviewer's scorecard (issue 17): the criterion as named, the score 1-4 and the
    note; the reviewer by role, as the other evaluations."""
    cards = await Scorecard.select(Scorecard.id, Scorecard.submitted_at).where(
        Scorecard.application == app_id
    )
    scores = await CriterionScore.select(
        CriterionScore.scorecard,
        CriterionScore.criterion.name.as_alias("criterion"),
        CriterionScore.score,
        CriterionScore.note,
    ).where(CriterionScore.scorecard.is_in([c["id"] for c in cards] or [-1]))
    return [
        {
            "submitted_at": c["submitted_at"],
            "scores": [
                {k: s[k] for k in ("criterion", "score", "note")}
                for s in scores
                if s["scorecard"] == c["id"]
            ],
        }
        for c in cards
    ]


async def collect(candidate_id: int) -> dict[str, Any]:
    """Everything stored about one candidate, as plain values."""
    candidate = await Candidate.select().where(Candidate.id == candidate_id).first()
    if candidate is None:
        return {}
    uid = str(candidate["uid"])
    applications = await Application.select().where(Application.candidate == candidate_id)
    requests = await RightsRequest.select(
        RightsRequest.uid,
        RightsRequest.kind,
        RightsRequest.details,
        RightsRequest.status,
        RightsRequest.received_at,
        RightsRequest.due_at,
        RightsRequest.closed_at,
        RightsRequest.outcome,
    ).where(RightsRequest.candidate == candidate_id)
    accesses = (
        await AuditEvent.select(
            AuditEvent.at,
            AuditEvent.actor_kind,
            AuditEvent.actor_role,
            AuditEvent.action,
            AuditEvent.reason,
        )
        .where(AuditEvent.subject_ref == uid)
        .order_by(AuditEvent.id)
    )
    # Sent with their address and not (yet) confirmed by them (issue 16): shown, not the CV.
    unconfirmed = await UnconfirmedApplication.select(
        UnconfirmedApplication.position.title.as_alias("position"),
        UnconfirmedApplication.cover_letter,
        UnconfirmedApplication.consents,
        UnconfirmedApplication.original_name,
        UnconfirmedApplication.created_at,
        UnconfirmedApplication.erase_after,
    ).where(UnconfirmedApplication.candidate == candidate_id)
    return {
        "candidate": candidate,
        "applications": [await _application(a) for a in applications],
        "unconfirmed_applications": unconfirmed,
        # Each event names its purpose as the policy does (m, n, L; issue 21.2).
        "consent_history": [
            {**event, "policy_letter": policy_letter(event["purpose"])}
            for event in await consent.history(uid)
        ],
        "rights_requests": requests,
        "accesses": accesses,
    }


def _json(value: Any) -> bytes:
    return msgspec.json.format(msgspec.json.encode(value), indent=2)


async def export_zip(
    candidate_id: int,
    now: datetime,
    actor: audit.Actor | None = None,
    *,
    object_id: str | int = "",
    reason: str = "",
) -> bytes:
    """The ZIP of everything about a candidate: their own download, or a staff member's answer
    to their access request (Art. 15). Audited once, as whoever asked (the candidate when no
    `actor` is given), in the transaction that reads the data."""
    async with transaction():
        data = await collect(candidate_id)
        await audit.record(
            actor or audit.Actor("candidate", candidate_id),
            "data_exported",
            now,
            subject_kind="candidate",
            subject_ref=str(data["candidate"]["uid"]),
            object_id=object_id,
            reason=reason,
        )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "my-data.json",
            _json({k: v for k, v in data.items() if k not in ("consent_history", "accesses")}),
        )
        archive.writestr("consent-history.json", _json(data["consent_history"]))
        archive.writestr("staff-accesses.json", _json(data["accesses"]))
        for application in data["applications"]:
            for cv in await CVFile.select().where(CVFile.application == application["id"]):
                name = f"cv/{application['id']}-{cv['id']}-{cv['original_name']}"
                archive.writestr(name, await read_cv(cv))
    return buffer.getvalue()
