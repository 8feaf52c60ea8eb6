"""Dates and times as people read them in their own language, through Babel (issue 21
point 8: never ISO on a page or in a mail). Times are the company's local time
(INTAKE_TIMEZONE), as on the office's own clocks."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time

from app.config import current

# English for a European company: "31 December 2026", 24-hour times (Babel's "en" is American).
_LOCALES = {"en": "en_GB"}


def _locale(language: str) -> str:
    return _LOCALES.get(language, language)


def day(value: date | datetime | None, language: str) -> str:
    """ "31 December 2026" / "31. december 2026"."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(ZoneInfo(current().timezone)).date()
    return format_date(value, format="long", locale=_locale(language))


def moment(value: datetime | None, language: str) -> str:
    """ "Dec 4, 2026 2:15 PM" / "4. dec. 2026 14.15", in the company's time zone."""
    if value is None:
        return ""
    local = value.astimezone(ZoneInfo(current().timezone))
    return (
        f"{format_date(local.date(), format='medium', locale=_locale(language))} "
        f"{format_time(local.time(), format='short', locale=_locale(language))}"
    )
