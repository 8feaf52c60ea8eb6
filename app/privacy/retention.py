"""Erase-after dates (MISSION.md "Retention defaults"). Pure functions of the facts a record
depends on; services store the result on the row (indexed) and recompute it when a fact
changes, so the sweep is one indexed range query."""

from datetime import datetime, timedelta

from app.config import Retention, current
from app.db import transaction
from app.tables import Application, Candidate, ConsentEvent

EVALUATION_STAGES_CLOSED = ("rejected", "hired", "withdrawn")
# The reason on the deletion receipts of what the retention sweep erases.
RETENTION_REASON = "retention"


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
    talent_pool_given_at: datetime | None = None,
    handed_over_at: datetime | None = None,
) -> datetime | None:
    """When an application must be gone.

    - never had consent m or n: 30 days after it arrived (waiting for consent);
    - lost it after having it (withdrawal): erased at once, i.e. `consent_lost_at`;
    - hired and handed over to the HR system, which confirmed it: RETENTION_HANDED_OVER_DAYS
      after the confirmation (the employee record lives in the HR system now, issue 17.10);
    - rejected, or the position closed: 6 months later, or 24 with the talent pool (counted
      from the latest talent-pool consent if that came later: a renewal, issue 21.4);
    - otherwise (in progress): no date yet.
    """
    if not has_evaluation_consent:
        if consent_lost_at is not None:
            return consent_lost_at
        return created_at + timedelta(days=r.waiting_consent_days)
    if stage == "hired" and handed_over_at is not None:
        return handed_over_at + timedelta(days=r.handed_over_days)
    ends = [
        t
        for t in (decided_at if stage in EVALUATION_STAGES_CLOSED else None, position_closed_at)
        if t is not None
    ]
    if not ends:
        return None
    if not talent_pool:
        return min(ends) + timedelta(days=r.applications_days)
    since = max(min(ends), talent_pool_given_at or min(ends))
    return since + timedelta(days=r.talent_pool_days)


def record_erase_after(at: datetime, r: Retention) -> datetime:
    """Audit, consent and deletion-receipt records: three years."""
    return at + timedelta(days=r.audit_days)


# --- stored dates: recomputed from the facts whenever one of them changes -----------------
# The portal calls these after a consent change, the console after a stage move and when a
# position closes. They run inside the caller's transaction when there is one.


async def _consent_lost_at(candidate_uid: str) -> datetime | None:
    """When a candidate who once gave purpose m or n lost the last of them: the latest
    withdrawal in the ledger (MISSION.md: withdrawal of both evaluation consents erases at
    once). None when neither was ever given (the application is "waiting for consent")."""
    events = await ConsentEvent.select(ConsentEvent.action, ConsentEvent.at).where(
        (ConsentEvent.candidate_ref == candidate_uid) & ConsentEvent.purpose.is_in(["m", "n"])
    )
    if not any(e["action"] == "given" for e in events):
        return None
    withdrawals = [e["at"] for e in events if e["action"] == "withdrawn"]
    return max(withdrawals) if withdrawals else None


async def _talent_pool_given_at(candidate_uid: str) -> datetime | None:
    """The latest talent-pool consent (given at apply time, on the page, or renewed)."""
    row = await (
        ConsentEvent.select(ConsentEvent.at)
        .where(
            (ConsentEvent.candidate_ref == candidate_uid)
            & (ConsentEvent.purpose == "talent_pool")
            & (ConsentEvent.action == "given")
        )
        .order_by(ConsentEvent.at, ascending=False)
        .first()
    )
    return row["at"] if row else None


def _application_date(
    app: dict, lost_at: datetime | None, pool_since: datetime | None = None
) -> datetime | None:
    if app["restricted"]:
        # Art. 18(1)(c): a restricted record is kept (e.g. for a legal claim) until the
        # candidate lifts the restriction; retention resumes then.
        return None
    has_consent = bool(app["consent_m"] or app["consent_n"])
    decided_at = app["decided_at"]
    if decided_at is None and app["stage"] in EVALUATION_STAGES_CLOSED:
        decided_at = app["updated_at"]  # e.g. withdrawn by the candidate: no staff decision
    return application_erase_after(
        created_at=app["created_at"],
        has_evaluation_consent=has_consent,
        consent_lost_at=None if has_consent else lost_at,
        stage=app["stage"],
        decided_at=decided_at,
        position_closed_at=app["closed_at"],
        talent_pool=bool(app["talent_pool"]),
        r=current().retention,
        talent_pool_given_at=pool_since,
        handed_over_at=app["handed_over_at"],
    )


def candidate_erase_after(
    created_at: datetime, application_dates: list[datetime | None], r: Retention
) -> datetime | None:
    """A candidate row lives as long as its longest-lived application and goes with the last
    one. Undated (in progress) keeps it; with no application at all, it is kept like an
    application waiting for consent."""
    if not application_dates:
        return created_at + timedelta(days=r.waiting_consent_days)
    if any(d is None for d in application_dates):
        return None
    return max(d for d in application_dates if d is not None)


async def refresh_candidate_erase_after(candidate_id: int, now: datetime) -> None:
    """Recompute every application of one candidate and the candidate's own date (after a
    consent, talent-pool or restriction change)."""
    async with transaction():
        cand = (
            await Candidate.select(Candidate.uid, Candidate.created_at)
            .where(Candidate.id == candidate_id)
            .first()
        )
        if cand is None:
            return
        lost_at = await _consent_lost_at(str(cand["uid"]))
        pool_since = await _talent_pool_given_at(str(cand["uid"]))
        apps = await Application.select(
            Application.id,
            Application.created_at,
            Application.stage,
            Application.decided_at,
            Application.handed_over_at,
            Application.updated_at,
            Application.restricted,
            Application.erase_after,
            Application.position.closed_at.as_alias("closed_at"),
            Application.candidate.consent_m.as_alias("consent_m"),
            Application.candidate.consent_n.as_alias("consent_n"),
            Application.candidate.talent_pool.as_alias("talent_pool"),
        ).where(Application.candidate == candidate_id)
        dates = []
        for app in apps:
            when = _application_date(app, lost_at, pool_since)
            dates.append(when)
            if when != app["erase_after"]:
                await Application.update({Application.erase_after: when}).where(
                    Application.id == app["id"]
                )
        own = candidate_erase_after(cand["created_at"], dates, current().retention)
        await Candidate.update({Candidate.erase_after: own}).where(Candidate.id == candidate_id)


async def refresh_application_erase_after(application_id: int, now: datetime) -> None:
    """Recompute one application's date (after a stage move, a decision, a restriction); the
    candidate's date follows, since it depends on all of their applications."""
    row = (
        await Application.select(Application.candidate)
        .where(Application.id == application_id)
        .first()
    )
    if row is not None:
        await refresh_candidate_erase_after(row["candidate"], now)


async def refresh_position_erase_after(position_id: int, now: datetime) -> None:
    """Closing (or reopening) a position starts (or stops) the clock of all its applications."""
    async with transaction():
        rows = await Application.select(Application.candidate).where(
            Application.position == position_id
        )
        for candidate_id in sorted({r["candidate"] for r in rows}):
            await refresh_candidate_erase_after(candidate_id, now)
