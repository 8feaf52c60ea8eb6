"""The end-of-day job: everyone still signed in is signed out at their site's end of day, in
the site's own time zone (issue 19, point 5), so every visit gets its erase date (MISSION.md:
"auto sign-out at the end of the day").

Sites differ in time zone and end of day, so the job looks every few minutes and signs out
whoever is past their own site's latest end of day: idempotent, and quiet when nobody was
(a JobRun only when it signed someone out)."""

from datetime import datetime
from typing import Any

from app.visits.visits import sign_out_everyone

EVERY_MINUTES = 5


def end_of_day_trigger() -> dict[str, Any]:
    """APScheduler cron arguments: every EVERY_MINUTES minutes (an end of day is HH:MM)."""
    return {"minute": f"*/{EVERY_MINUTES}"}


async def run_end_of_day(now: datetime) -> dict[str, Any]:
    return {"signed_out": await sign_out_everyone(now)}
