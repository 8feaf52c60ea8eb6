"""The end-of-day job: everyone still signed in is signed out at settings.end_of_day, local
time, so every visit gets its erase date (MISSION.md: "auto sign-out at the end of the day")."""

from datetime import datetime
from typing import Any

from app.config import current
from app.visits.local_time import end_of_day_hm
from app.visits.visits import sign_out_everyone


def end_of_day_trigger() -> dict[str, Any]:
    """APScheduler cron arguments: settings.end_of_day in settings.timezone."""
    hour, minute = end_of_day_hm()
    return {"hour": hour, "minute": minute, "timezone": current().timezone}


async def run_end_of_day(now: datetime) -> dict[str, Any]:
    return {"signed_out": await sign_out_everyone(now)}
