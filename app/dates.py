"""Dates and times as people read them in their own language, through Babel (issue 21
point 8: never ISO on a page or in a mail). One format per language for every door (issue 17
point 8): the portal, the console, the kiosk and the mails all call these functions, so a
date reads "4 December 2026" / "4. december 2026" wherever it is shown. Times are the
company's local time (INTAKE_TIMEZONE), as on the office's own clocks, and say their zone
("14:05 CET") so nobody takes them for UTC."""

import functools
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time

from app.config import current

# English for a European company: "31 December 2026", 24-hour times (Babel's "en" is American).
_LOCALES = {"en": "en_GB"}


def _locale(language: str) -> str:
    return _LOCALES.get(language, language)


def zone(name: str | None = None) -> ZoneInfo:
    """The company's zone (INTAKE_TIMEZONE), or `name` (a site's own: its visits are read
    on that office's clocks, issue 19.5)."""
    return ZoneInfo(name or current().timezone)


def day(value: date | datetime | None, language: str, timezone: str | None = None) -> str:
    """ "31 December 2026" / "31. december 2026"."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(zone(timezone)).date()
    return _long_day(value, language)


@functools.lru_cache(maxsize=256)
def _long_day(value: date, language: str) -> str:
    """Made once per day and language: every badge of a day shows the same date (B1)."""
    return format_date(value, format="long", locale=_locale(language))


def clock(value: datetime | None, language: str, timezone: str | None = None) -> str:
    """ "14:05 CET" / "14.05 CET": the zone's own abbreviation (Python's, the same in every
    language; Babel's differs by locale and zone, "Eastern Standard Time" / "-0500")."""
    if value is None:
        return ""
    local = value.astimezone(zone(timezone))
    return f"{_short_time(local.hour, local.minute, language)} {local.tzname()}"


@functools.lru_cache(maxsize=256)
def _short_time(hour: int, minute: int, language: str) -> str:
    """Made once per minute and language: every host's mail of a minute says the same (B1)."""
    return format_time(time(hour, minute), format="short", locale=_locale(language))


def moment(value: datetime | None, language: str, timezone: str | None = None) -> str:
    """ "4 December 2026 14:05 CET" / "4. december 2026 14.05 CET"."""
    if value is None:
        return ""
    return f"{day(value, language, timezone)} {clock(value, language, timezone)}"


def today(now: datetime) -> date:
    """The company's date at `now`."""
    return now.astimezone(zone()).date()


def local_days(since: date | None, until: date | None) -> tuple[datetime | None, datetime | None]:
    """The instants where local day `since` starts and the day after `until` starts: a filter
    "from 3 to 4 December" means the company's days, not UTC's."""
    start = datetime.combine(since, time(), tzinfo=zone()) if since else None
    end = datetime.combine(until + timedelta(days=1), time(), tzinfo=zone()) if until else None
    return start, end
