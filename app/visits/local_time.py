"""The office's own calendar: "today" and the end of day are local (settings.timezone)."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from app.config import current


def zone(name: str | None = None) -> ZoneInfo:
    """The company's time zone (INTAKE_TIMEZONE), or a site's (`name`)."""
    return ZoneInfo(name or current().timezone)


def local_date(at: datetime, timezone: str | None = None) -> date:
    """The company's date at `at`, or the date at a site (`timezone`, its own)."""
    return at.astimezone(zone(timezone)).date()


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """The instants where local `day` starts and the next one starts."""
    start = datetime.combine(day, time.min, tzinfo=zone())
    end = datetime.fromordinal(day.toordinal() + 1).replace(tzinfo=zone())
    return start, end


def end_of_day_hm(end_of_day: str | None = None) -> tuple[int, int]:
    """settings.end_of_day, or a site's own ("HH:MM")."""
    hour, _, minute = (end_of_day or current().end_of_day).partition(":")
    return int(hour), int(minute or 0)


def end_of_visit_day(
    signed_in_at: datetime, timezone: str | None = None, end_of_day: str | None = None
) -> datetime:
    """The first end of day (the site's, else settings.end_of_day; local) after a sign-in:
    when the end-of-day job signs the visitor out, and a badge's sign-out link stops working.
    A visitor who signs in after the end of day stays until the next one, as the job does."""
    tz = zone(timezone)
    local = signed_in_at.astimezone(tz)
    hour, minute = end_of_day_hm(end_of_day)
    end = local.replace(hour=hour, minute=minute, second=0, microsecond=0)
    return end if end > local else (end + timedelta(days=1)).replace(tzinfo=tz)


def last_end_of_day(
    now: datetime, timezone: str | None = None, end_of_day: str | None = None
) -> datetime:
    """The latest end of day (the site's, else settings.end_of_day; local) at or before `now`.
    A visit signed in before it is over, however long the scheduler was away (issue 18: a
    missed run left a visitor on the evacuation list for days)."""
    tz = zone(timezone)
    local = now.astimezone(tz)
    hour, minute = end_of_day_hm(end_of_day)
    end = local.replace(hour=hour, minute=minute, second=0, microsecond=0)
    if end > local:
        end = datetime.combine(end.date() - timedelta(days=1), end.time(), tzinfo=tz)
    return end
