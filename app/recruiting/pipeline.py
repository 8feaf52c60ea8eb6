"""Evaluating an application (purpose n): comments and stage moves (scores: scorecards.py).

Decisions are human (policy: "avoid profiling"; GDPR Art. 22): every stage move, and so every
rejection or hire, is one staff member's explicit action, recorded with who and when in
StageChange. Nothing here scores, ranks or moves anyone by itself.
"""

from datetime import datetime
from typing import Any

from app.db import transaction
from app.errors import Conflict, Forbidden, NotFound, ValidationFailed
from app.privacy import audit, retention, statistics
from app.privacy.access import decide
from app.recruiting.message_templates import REJECTION_REASONS
from app.tables import Application, Candidate, Comment, StageChange

# The interview pipeline. A stage can only move forward one step, or to "rejected".
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "received": ("screening", "rejected"),
    "screening": ("interview", "rejected"),
    "interview": ("offer", "rejected"),
    "offer": ("hired", "rejected"),
}
STAGES = ("received", "screening", "interview", "offer", "hired", "rejected", "withdrawn")
# The one label of each stage, wherever a stage is shown (queue tabs, the "Move to" list, bulk
# actions, history, audit log, statistics): an English msgid translated where it is shown.
# The keys are data and never shown: "screening" reads as English in a Danish page.
STAGE_LABELS = {
    "received": "Received", "screening": "Screening", "interview": "Interview",
    "offer": "Offer", "hired": "Hired", "rejected": "Rejected", "withdrawn": "Withdrawn",
}  # fmt: skip
DECISIONS = ("hired", "rejected")  # only ever a person's action, recorded with who and when
MAX_COMMENT = 5000
NO_REASON = "Choose the reason for the rejection."


async def load(application_id: int, position_id: int | None) -> tuple[dict, dict]:
    """The application and its candidate, read fresh; another position's id is a 404 (a
    forged link must not reveal that the application exists)."""
    query = Application.select().where(Application.id == application_id)
    if position_id is not None:
        query = query.where(Application.position == position_id)
    application = await query.first()
    if application is None:
        raise NotFound("We could not find that application.")
    candidate = await Candidate.select().where(Candidate.id == application["candidate"]).first()
    if candidate is None:
        raise NotFound("We could not find that application.")
    return application, candidate


def require(actor: audit.Actor, application: dict, candidate: dict, action: str) -> None:
    decision = decide(actor.role, application, candidate, action)
    if not decision.allowed:
        raise Forbidden(decision.reason)


async def comment(
    actor: audit.Actor, application_id: int, position_id: int, body: str, now: datetime
) -> None:
    body = body.strip()
    if not body or len(body) > MAX_COMMENT:
        raise ValidationFailed({"body": "Write between 1 and 5000 characters."})
    async with transaction():
        application, candidate = await load(application_id, position_id)
        require(actor, application, candidate, "comment")
        await Comment.insert(
            Comment(application=application_id, author=actor.id, body=body, created_at=now)
        )
        await audit.record(
            actor,
            "comment_added",
            now,
            subject_kind="candidate",
            subject_ref=candidate["uid"],
            object_id=application_id,
        )


async def move_stage(
    actor: audit.Actor,
    application_id: int,
    position_id: int,
    to_stage: str,
    lock_version: int,
    now: datetime,
    reason: str = "",
) -> None:
    """Move to the next stage (or reject). `lock_version` is the version the reviewer saw: if
    someone else moved the application meanwhile, nothing changes (optimistic locking).
    `reason` is a rejection template's key, never free text: a rejection is always the
    recorded human decision of GDPR Art. 22 (who, when, why), whichever page or action made
    it, with or without the mail (messages.reject)."""
    if to_stage == "rejected" and reason not in REJECTION_REASONS:
        raise ValidationFailed({"reason": NO_REASON})
    async with transaction():
        application, candidate = await load(application_id, position_id)
        require(actor, application, candidate, "move_stage")
        if application["lock_version"] != lock_version:
            raise Conflict("Someone else changed this application meanwhile. Look again.")
        if to_stage not in TRANSITIONS.get(application["stage"], ()):
            raise Conflict("That stage cannot follow the current stage.")
        changes: dict[Any, Any] = {
            Application.stage: to_stage,
            Application.lock_version: lock_version + 1,
            Application.updated_at: now,
        }
        if to_stage in DECISIONS:
            changes[Application.decided_at] = now
            changes[Application.decided_by] = actor.id
        moved = (
            await Application.update(changes)
            .where((Application.id == application_id) & (Application.lock_version == lock_version))
            .returning(Application.id)
        )
        if not moved:  # PostgreSQL: a concurrent mover committed between our read and update
            raise Conflict("Someone else changed this application meanwhile. Look again.")
        entered = await _stage_entered(application)
        await StageChange.insert(
            StageChange(
                application=application_id,
                from_stage=application["stage"],
                to_stage=to_stage,
                actor=actor.id,
                at=now,
                reason=reason,
            )
        )
        await audit.record(
            actor,
            "stage_changed",
            now,
            subject_kind="candidate",
            subject_ref=candidate["uid"],
            object_id=application_id,
            reason=f"{application['stage']}->{to_stage}" + (f" ({reason})" if reason else ""),
        )
        # Counted as it happens, in this transaction (policy: statistics only anonymised).
        await statistics.stage_moved(
            application["stage"], to_stage, entered, application["created_at"], now
        )
        await refresh_erase_after(application_id, now)


async def _stage_entered(application: dict) -> datetime:
    """When the application entered its current stage: its last move, or its arrival."""
    row = (
        await StageChange.select(StageChange.at)
        .where(StageChange.application == application["id"])
        .order_by(StageChange.id, ascending=False)
        .first()
    )
    return row["at"] if row else application["created_at"]


async def refresh_erase_after(application_id: int, now: datetime) -> None:
    """A rejection or a hire starts the retention clock (MISSION.md); the retention engine
    owns the rule, this only asks it to recompute."""
    await retention.refresh_application_erase_after(application_id, now)
