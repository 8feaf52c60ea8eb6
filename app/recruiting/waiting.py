"""What waits for HR, as counts for the console home (issue 17 point 9): per position, the
new applications a reviewer may take up now, and those that wait for the candidate's consent.

Counts only, never names: the home page needs none. Whether an application may be reviewed is
`decide()`'s answer (app.privacy.access), asked once per combination of the flags it reads
(at most 16 per position), so a restricted, objected or consent-less application is never
counted as work, and the count stays one GROUP BY however many applications there are."""

from datetime import datetime
from typing import Any

from app import dates
from app.db import fetch
from app.privacy.access import decide, waiting_for_consent

# New work: an application nobody has moved yet ("received", app.recruiting.pipeline.STAGES).
NEW_STAGE = "received"

_GROUPS = (
    "SELECT p.id AS position_id, p.title, a.restricted, a.objected, c.consent_m, c.consent_n, "
    "COUNT(*) AS n FROM application a JOIN candidate c ON c.id = a.candidate "
    "JOIN position p ON p.id = a.position WHERE a.stage = ? "
    "GROUP BY p.id, p.title, a.restricted, a.objected, c.consent_m, c.consent_n"
)


async def waiting_per_position(role: str) -> list[dict[str, Any]]:
    """[{position_id, title, review, consent}] for positions with anything waiting, the
    position with the most to review first."""
    positions: dict[int, dict[str, Any]] = {}
    for g in await fetch(_GROUPS, NEW_STAGE):
        application = {"restricted": g["restricted"], "objected": g["objected"], "stage": NEW_STAGE}
        candidate = {"consent_m": g["consent_m"], "consent_n": g["consent_n"]}
        row = positions.setdefault(
            g["position_id"],
            {"position_id": g["position_id"], "title": g["title"], "review": 0, "consent": 0},
        )
        if decide(role, application, candidate, "move_stage").allowed:
            row["review"] += g["n"]
        elif (
            waiting_for_consent(candidate)
            and decide(role, application, candidate, "view_summary").allowed
        ):
            row["consent"] += g["n"]
    shown = [p for p in positions.values() if p["review"] or p["consent"]]
    return sorted(shown, key=lambda p: (-p["review"], -p["consent"], p["title"]))


async def interviews_today(role: str, now: datetime) -> int:
    """Scheduled interviews (app.tables.Interview, issue 17 point 5) on the company's today,
    counted only where decide() lets `role` see the evaluation (interviews are purpose n)."""
    start, end = dates.local_days(dates.today(now), dates.today(now))
    count = 0
    for g in await fetch(_INTERVIEWS, "scheduled", start, end):
        application = {
            "restricted": g["restricted"],
            "objected": g["objected"],
            "stage": g["stage"],
        }
        candidate = {"consent_m": g["consent_m"], "consent_n": g["consent_n"]}
        if decide(role, application, candidate, "view_evaluation").allowed:
            count += g["n"]
    return count


_INTERVIEWS = (
    "SELECT a.restricted, a.objected, a.stage, c.consent_m, c.consent_n, COUNT(*) AS n "
    "FROM interview i JOIN application a ON a.id = i.application "
    "JOIN candidate c ON c.id = a.candidate "
    "WHERE i.status = ? AND i.starts_at >= ? AND i.starts_at < ? "
    "GROUP BY a.restricted, a.objected, a.stage, c.consent_m, c.consent_n"
)
