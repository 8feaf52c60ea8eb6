"""The periods the statistics page shows: a month, a quarter or a year, named as in a URL
("2026-12", "2026-Q4", "2026"; or "month", "quarter", "year" for the current one)."""

import re
from dataclasses import dataclass
from datetime import date

KINDS = ("month", "quarter", "year")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
_YEAR = re.compile(r"^(\d{4})$")


@dataclass(frozen=True)
class Period:
    kind: str
    first: date  # the first day of its first month

    @property
    def months(self) -> tuple[date, ...]:
        count = {"month": 1, "quarter": 3, "year": 12}[self.kind]
        return tuple(add_months(self.first, n) for n in range(count))

    @property
    def end(self) -> date:
        """The first day after the period."""
        return add_months(self.months[-1], 1)

    @property
    def code(self) -> str:
        if self.kind == "month":
            return f"{self.first.year}-{self.first.month:02d}"
        if self.kind == "quarter":
            return f"{self.first.year}-Q{(self.first.month - 1) // 3 + 1}"
        return str(self.first.year)

    def before(self) -> "Period":
        step = {"month": 1, "quarter": 3, "year": 12}[self.kind]
        return Period(self.kind, add_months(self.first, -step))

    def after(self) -> "Period":
        return Period(self.kind, self.end)


def add_months(first: date, months: int) -> date:
    total = first.year * 12 + first.month - 1 + months
    return date(total // 12, total % 12 + 1, 1)


def current(kind: str, today: date) -> Period:
    if kind == "quarter":
        return Period("quarter", date(today.year, (today.month - 1) // 3 * 3 + 1, 1))
    if kind == "year":
        return Period("year", date(today.year, 1, 1))
    return Period("month", date(today.year, today.month, 1))


def parse(text: str, today: date) -> Period:
    """The period a URL names; anything else (or a year beyond 9999) is this month."""
    text = (text or "").strip()
    if text in KINDS:
        return current(text, today)
    if m := _MONTH.match(text):
        if 1 <= int(m[2]) <= 12 and int(m[1]) >= 1:
            return Period("month", date(int(m[1]), int(m[2]), 1))
    if m := _QUARTER.match(text):
        if int(m[1]) >= 1:
            return Period("quarter", date(int(m[1]), (int(m[2]) - 1) * 3 + 1, 1))
    if (m := _YEAR.match(text)) and int(m[1]) >= 1:
        return Period("year", date(int(m[1]), 1, 1))
    return current("month", today)


def choices(today: date) -> list[Period]:
    """What the picker offers: the last 13 months, 8 quarters and 4 years."""
    months = [current("month", today)]
    for _ in range(12):
        months.append(months[-1].before())
    quarters = [current("quarter", today)]
    for _ in range(7):
        quarters.append(quarters[-1].before())
    years = [current("year", today)]
    for _ in range(3):
        years.append(years[-1].before())
    return months + quarters + years
