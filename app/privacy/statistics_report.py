"""The statistics an HR lead reads in a minute, for one period (a month, a quarter, a year),
read only from the anonymous counters (app.privacy.statistics) and published only through
app.privacy.suppression: every table, chart and download is built from the tables made here,
so each number is published one way everywhere (the applications' grand total is also the
funnel's first stage; the visits' total closes all three visit lists).

What may be worked out is decided per table, from what is published beside it:
- applications: positions x months, with row, column and grand totals (suppress_grid); the
  chart draws that table's month totals (or, for one month, its position totals);
- visits (per day or month, purpose, location): three lists of the period's total
  (suppress_list), that total published one way; sources: a list of those who answered;
- rights requests answered: kinds x (on time, late) with all totals; received: a list;
- stages reached, consent: single counts with no total beside them (primary suppression);
- times in stage and to hire: a median bucket only when 5 or more durations were counted,
  never the buckets' counts (their sum is a stage count shown elsewhere).
Rows are in a fixed order (by name), never by size: an order by size would bound a hidden
count between its neighbours."""

from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import date
from functools import lru_cache
from typing import Any

from babel.dates import format_date

from app.db import fetch
from app.i18n import gettext_for
from app.privacy import statistics_charts as charts
from app.privacy.statistics import BUCKET_LABELS, SMALL
from app.privacy.statistics_periods import Period
from app.privacy.suppression import primary, published, suppress_grid, suppress_list
from app.recruiting.pipeline import STAGE_LABELS

N_ = str  # marks a message for the catalogue; translated where it is shown
FUNNEL = ("received", "screening", "interview", "offer", "hired")
DECISIONS = ("hired", "rejected", "withdrawn")
STAGE = STAGE_LABELS  # the console's own stage labels, so a stage reads the same everywhere
CONSENT = {
    "m": N_("Reading the CV and background (m)"), "n": N_("Evaluation in interviews (n)"),
    "talent_pool": N_("Talent pool"), "marketing": N_("Marketing"),
}  # fmt: skip
REQUEST = {
    "access": N_("Access"), "correction": N_("Correction"), "erasure": N_("Erasure"),
    "restriction": N_("Restriction"), "objection": N_("Objection"), "complaint": N_("Complaint"),
}  # fmt: skip
PURPOSE = {
    "meeting": N_("Meeting"), "interview": N_("Interview"), "delivery": N_("Delivery"),
    "maintenance": N_("Maintenance"), "event": N_("Event"), "other": N_("Other"),
}  # fmt: skip
BUCKET = {
    "0-1d": N_("under 1 day"), "1-3d": N_("1-3 days"), "3-7d": N_("3-7 days"),
    "7-14d": N_("1-2 weeks"), "14-30d": N_("2-4 weeks"), "30-60d": N_("1-2 months"),
    "60-90d": N_("2-3 months"), "90d+": N_("over 3 months"),
}  # fmt: skip
_LOCALES = {"en": "en_GB"}
Counts = dict[tuple[str, str], int]  # (dimension, detail) -> count, for one metric


# Constant SQL through app.db.fetch, as the B7 floor reads it: on SQLite on the event loop's
# own connection, with no trip to a connection's thread and back (a turn of the event loop,
# behind the other pages) and no Piccolo query object.
PERIOD_COUNTERS = (
    "SELECT metric, period, dimension, detail, total FROM anonymous_stat"
    " WHERE period >= ? AND period < ?"
)


@lru_cache(maxsize=1024)
def _month_label(first: date, pattern: str, locale: str) -> str:
    return format_date(first, pattern, locale=locale)  # Babel: kept once made (24 a year page)


WIDE = ("applications", "visits_when")  # shown across the page; the others side by side


def _table(key: str, title: str, header: list[str], chart: dict | None = None) -> dict:
    """`transpose`: shown with its rows as columns (a time series reads left to right)."""
    return {"id": key, "title": title, "header": header, "rows": [], "chart": chart,
            "wide": key in WIDE, "transpose": key == "visits_when"}  # fmt: skip


def _row(table: dict, key: str, label: str, cells: list[str], total: bool = False) -> None:
    table["rows"].append({"key": key, "label": label, "cells": cells, "total": total})


class Report:
    def __init__(self, rows: list[dict], period: Period, language: str, site: str = "") -> None:
        self.period, self.language = period, language
        self._ = gettext_for(language)
        self.by_month: dict[tuple[str, str, date], int] = defaultdict(int)
        self.days: dict[date, int] = defaultdict(int)
        self.totals: dict[str, Counts] = defaultdict(lambda: defaultdict(int))  # by metric
        first, end = period.first, period.end
        for r in rows:
            day = r["period"] if isinstance(r["period"], date) else date.fromisoformat(r["period"])
            if not first <= day < end:
                continue
            metric, dimension, detail = r["metric"], r["dimension"] or "", r.get("detail") or ""
            if site and metric == "visits" and detail != site:  # one site's visits (issue 19.5)
                continue
            self.totals[metric][(dimension, detail)] += r["total"]
            if metric == "applications":
                self.by_month[(metric, dimension, date(day.year, day.month, 1))] += r["total"]
            elif metric == "visits":
                self.days[day] += r["total"]

    def label(self, names: dict[str, str], code: str) -> str:
        return self._(names[code]) if code in names else code or self._("Not given")

    def month_label(self, first: date) -> str:
        pattern = "LLL y" if self.period.kind != "month" else "LLLL y"
        return _month_label(first, pattern, _LOCALES.get(self.language, self.language))

    def sum(self, metric: str, dimension: str | None = None, detail: str | None = None) -> int:
        """Looked up by metric: scanning every counter of the period for each of the page's
        ~100 sums was a third of build_report for a month (its 200 positions' counters)."""
        return sum(
            n
            for (d, x), n in self.totals.get(metric, {}).items()
            if dimension in (None, d) and detail in (None, x)
        )

    def dimensions(self, metric: str) -> list[str]:
        return sorted({d for (d, _), n in self.totals.get(metric, {}).items() if n})

    def details(self, metric: str) -> list[str]:
        return sorted({x for (_, x), n in self.totals.get(metric, {}).items() if n})


def applications(r: Report) -> dict:
    """Positions x months with every total (the funnel starts at its grand total)."""
    _ = r._
    positions = r.dimensions("applications")
    months = r.period.months
    grid = suppress_grid([[r.by_month[("applications", p, m)] for m in months] for p in positions])
    month_names = [r.month_label(m) for m in months]
    if positions:
        totals = [grid.shown(len(positions), j) for j in range(len(months))]
        if len(months) > 1:
            chart = charts.columns(list(zip(month_names, totals, strict=True)))
        else:
            chart = charts.bars([(p, grid.shown(i, 1)) for i, p in enumerate(positions)])
    else:
        chart = None
    table = _table("applications", _("Applications per month and position"),
                   [_("Position"), *month_names, _("Total")], chart)  # fmt: skip
    for i, position in enumerate([*positions, None]):
        cells = [grid.shown(i, j) for j in range(len(months) + 1)]
        _row(table, position or "total", position or _("Total"), cells, position is None)
    return table


def funnel(r: Report, received: str) -> dict:
    """Stages reached in the period; "received" is the applications' grand total as shown."""
    _ = r._
    values = {s: published(r.sum("stage_reached", s), primary(r.sum("stage_reached", s)))
              for s in (*FUNNEL[1:], *DECISIONS[1:])}  # fmt: skip
    values["received"] = received
    points = [(r.label(STAGE, s), values[s]) for s in FUNNEL]
    table = _table("funnel", _("Funnel"), [_("Stage"), _("Reached"), _("From the stage before")],
                   charts.columns(points))  # fmt: skip
    for n, stage in enumerate((*FUNNEL, *DECISIONS[1:])):
        before = FUNNEL[n - 1] if 0 < n < len(FUNNEL) else None
        _row(table, stage, r.label(STAGE, stage), [values[stage], _rate(values, stage, before)])
    return table


def _rate(values: dict[str, str], stage: str, before: str | None) -> str:
    """A conversion only between two published counts of 5 or more."""
    if before is None or not (values[stage].isdigit() and values[before].isdigit()):
        return "—"
    top, base = int(values[stage]), int(values[before])
    if top < SMALL or base < SMALL:
        return "—"
    return f"{round(100 * top / base)} %"


def median_bucket(counts: Sequence[int]) -> int | None:
    """The bucket holding the median duration, if 5 or more durations were counted."""
    total = sum(counts)
    if total < SMALL:
        return None
    middle, seen = (total + 1) / 2, 0
    for n, count in enumerate(counts):
        seen += count
        if seen >= middle:
            return n
    return None  # pragma: no cover - seen reaches total


def timings(r: Report) -> dict:
    _ = r._
    table = _table("timings", _("Median time"), [_("Step"), _("Median")])
    steps = [("received", _("Time to first review"), "time_in_stage", "received")]
    steps += [(s, _("Time in stage: %(stage)s") % {"stage": r.label(STAGE, s)}, "time_in_stage", s)
              for s in FUNNEL[1:4]]  # fmt: skip
    steps.append(("hire", _("Time to hire"), "time_to_hire", ""))
    for key, label, metric, dimension in steps:
        counts = [r.sum(metric, dimension, b) for b in BUCKET_LABELS]
        found = median_bucket(counts)
        shown = r.label(BUCKET, BUCKET_LABELS[found]) if found is not None else "—"
        _row(table, key, label, [shown])
    return table


def partition(
    r: Report, key: str, title: str, head: str, parts: list[tuple[str, str, int]],
    total_hidden: bool | None, chart: Callable[[list[tuple[str, str]]], dict],
) -> dict:  # fmt: skip
    """A list of (key, label, count) that adds up to a total shown with it."""
    _ = r._
    shown, total = suppress_list([n for _k, _l, n in parts], total_hidden)
    points = [(label, value) for (_k, label, _n), value in zip(parts, shown, strict=True)]
    table = _table(key, title, [head, _("Count")], chart(points) if parts else None)
    for (code, label, _n), value in zip(parts, shown, strict=True):
        _row(table, code, label, [value])
    _row(table, "total", _("Total"), [total], True)
    return table


def sources(r: Report, configured: Sequence[tuple[str, str]]) -> dict:
    """The answers to the apply form's optional question, and their total (those who
    answered): a list of its own, tied to no other published number."""
    _ = r._
    labels = dict(configured)
    codes = [c for c, _l in configured] + [c for c in r.dimensions("source") if c not in labels]
    parts = [(c, labels.get(c, c), r.sum("source", c)) for c in codes]
    return partition(r, "sources", _("How candidates heard about us"), _("Source"), parts,
                     None, charts.bars)  # fmt: skip


def consent(r: Report, received: str) -> dict:
    _ = r._
    table = _table(
        "consent",
        _("Consent per purpose"),
        [_("Purpose"), _("Given"), _("Withdrawn"), _("Given per 100 applications")],
    )
    points = []
    for code in CONSENT:
        given, withdrawn = r.sum("consent", code, "given"), r.sum("consent", code, "withdrawn")
        g, w = published(given, primary(given)), published(withdrawn, primary(withdrawn))
        rate = _rate({"g": g, "r": received}, "g", "r")
        _row(table, code, r.label(CONSENT, code), [g, w, rate])
        points.append((r.label(CONSENT, code), g))
    table["chart"] = charts.bars(points)
    return table


def requests(r: Report) -> list[dict]:
    _ = r._
    kinds = list(REQUEST)
    received = partition(
        r, "requests_received", _("Rights requests received"), _("Kind"),
        [(k, r.label(REQUEST, k), r.sum("rights_received", k)) for k in kinds], None, charts.bars,
    )  # fmt: skip
    grid = suppress_grid(
        [[r.sum("rights_answered", k, t) for t in ("on_time", "late")] for k in kinds]
    )
    chart = charts.columns([(_("On time"), grid.shown(len(kinds), 0)),
                            (_("Late"), grid.shown(len(kinds), 1))])  # fmt: skip
    answered = _table("requests_answered", _("Rights requests answered"),
                      [_("Kind"), _("On time"), _("Late"), _("Total")], chart)  # fmt: skip
    for i, kind in enumerate([*kinds, None]):
        _row(answered, kind or "total", r.label(REQUEST, kind) if kind else _("Total"),
             [grid.shown(i, j) for j in range(3)], kind is None)  # fmt: skip
    return [received, answered]


def visits(r: Report) -> list[dict]:
    """Three lists of the period's visits (per day or month, purpose, site), each with
    the same total, published one way in all three."""
    _ = r._
    total = r.sum("visits")
    hidden = primary(total)
    if r.period.kind == "month":
        days = [r.period.first.replace(day=d) for d in range(1, 32) if _valid(r.period.first, d)]
        when = [(d.isoformat(), str(d.day), r.days[d]) for d in days]
        title, head = _("Visits per day"), _("Day")
    else:
        when = [(m.isoformat(), r.month_label(m), sum(n for d, n in r.days.items()
                 if (d.year, d.month) == (m.year, m.month))) for m in r.period.months]  # fmt: skip
        title, head = _("Visits per month"), _("Month")
    purposes = [(p, r.label(PURPOSE, p), r.sum("visits", p)) for p in PURPOSE]
    purposes += [(p, p or _("Not given"), r.sum("visits", p)) for p in r.dimensions("visits")
                 if p not in PURPOSE]  # fmt: skip
    # Each visit's site (issue 19.5); counted before sites, a kiosk's location or nothing.
    places = [(x, x or _("No site"), r.sum("visits", None, x)) for x in r.details("visits")]
    return [
        partition(r, "visits_when", title, head, when, hidden, charts.columns),
        partition(
            r,
            "visits_purpose",
            _("Visits per purpose"),
            _("Purpose"),
            purposes,
            hidden,
            charts.bars,
        ),
        partition(
            r,
            "visits_location",
            _("Visits per site"),
            _("Site"),
            places,
            hidden,
            charts.bars,
        ),
    ]


def _valid(first: date, day: int) -> bool:
    try:
        first.replace(day=day)
    except ValueError:
        return False
    return True


def build_report(
    rows: list[dict],
    period: Period,
    language: str,
    configured_sources: Sequence[tuple[str, str]] = (),
    site: str = "",
) -> dict[str, Any]:
    """Every published table of the period (pure: the property tests feed it counters); the
    visits of one site only when `site` names one."""
    r = Report(rows, period, language, site)
    apps = applications(r)
    received = apps["rows"][-1]["cells"][-1]
    tables = [apps, funnel(r, received), timings(r), sources(r, configured_sources),
              consent(r, received), *requests(r), *visits(r)]  # fmt: skip
    for table in tables:  # an axis with no bar on it says nothing the table's zeros do not
        chart = table["chart"]
        if chart and all(bar["value"] == "0" for bar in chart["bars"]):
            table["chart"] = None
    empty = not any(n for counts in r.totals.values() for n in counts.values())
    return {"period": period, "tables": tables, "empty": empty, "language": language}


async def report(
    period: Period,
    language: str,
    configured_sources: Sequence[tuple[str, str]] = (),
    site: str = "",
) -> dict[str, Any]:
    """The period's counters, read in one indexed query (never a personal row)."""
    rows = await fetch(PERIOD_COUNTERS, period.first, period.end)
    return build_report(rows, period, language, configured_sources, site)
