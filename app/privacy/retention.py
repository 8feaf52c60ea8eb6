"""Erase-after dates (MISSION.md "Retention defaults"). Pure functions of the facts a record
depends on; services store the result on the row (indexed) and recompute it when a fact
changes, so the sweep is one indexed range query."""

from datetime import datetime, timedelta

from app.config import Retention

EVALUATION_STAGES_CLOSED = ("rejected", "hired", "withdrawn")


def visit_erase_after(signed_out_at: datetime | None, r: Retention) -> datetime | None:
    """30 days after sign-out; a visit still on site has no date yet (end of day signs out)."""
    return None if signed_out_at is None else signed_out_at + timedelta(days=r.visits_days)


def application_erase_after(
    *,
    created_at: datetime,
    has_evaluation_consent: bool,
    consent_lost_at: datetime | None,
    stage: str,
    decided_at: datetime | None,
    position_closed_at: datetime | None,
    talent_pool: bool,
    r: Retention,
) -> datetime | None:
    """When an application must be gone.

    - never had consent m or n: 30 days after it arrived (waiting for consent);
    - lost it after having it (withdrawal): erased at once, i.e. `consent_lost_at`;
    - rejected, or the position closed: 6 months later, or 24 with the talent pool;
    - otherwise (in progress): no date yet.
    """
    if not has_evaluation_consent:
        if consent_lost_at is not None:
            return consent_lost_at
        return created_at + timedelta(days=r.waiting_consent_days)
    ends = [
        t
        for t in (decided_at if stage in EVALUATION_STAGES_CLOSED else None, position_closed_at)
        if t is not None
    ]
    if not ends:
        return None
    keep = r.talent_pool_days if talent_pool else r.applications_days
    return min(ends) + timedelta(days=keep)


def record_erase_after(at: datetime, r: Retention) -> datetime:
    """Audit, consent and deletion-receipt records: three years."""
    return at + timedelta(days=r.audit_days)
