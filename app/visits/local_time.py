"""The office's own calendar: "today" and the end of day are local (settings.timezone)."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from app.config import current


def zone() -> ZoneInfo:
    return ZoneInfo(current().timezone)


def local_date(at: datetime) -> date:
    return at.astimezone(zone()).date()


def local_time(at: datetime) -> str:
    return at.astimezone(zone()).strftime("%H:%M")


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """The instants where local `day` starts and the next one starts."""
    start = datetime.combine(day, time.min, tzinfo=zone())
    end = datetime.fromordinal(day.toordinal() + 1).replace(tzinfo=zone())
    return start, end


def end_of_day_hm() -> tuple[int, int]:
    hour, _, minute = current().end_of_day.partition(":")
    return int(hour), int(minute or 0)
