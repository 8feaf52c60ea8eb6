"""The statistics an HR lead reads in a minute, for one period (a month, a quarter, a year),
read only from the anonymous counters (app.privacy.statistics) and published only through
app.privacy.suppression: every table, chart and download is built from the tables made here,
so each number is published one way everywhere (the applications' grand total is also the
funnel's first stage; the visits' total closes all three visit lists).

What is hidden is decided once per month (and, for visits, per site and month) by
app.privacy.statistics_months, as that month's own page decides it; a quarter or a year
shows sums of those counts, hidden when a part is (pages compared give nothing away):
- applications: each month's positions, a list with the month's total (hide_list); the
  period's table is positions x months with every total; the chart draws its month totals
  (or, for one month, its position totals);
- visits (per day or month, purpose, site): each site's month, two lists (days, purposes)
  with one total; sources and rights requests received: a list per month;
- rights requests answered: per kind, and on time or late: two lists of one total;
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
from app.privacy.statistics_months import TOTAL, Decided, keys
from app.privacy.statistics_periods import Period
from app.privacy.suppression import primary
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
        self.by_month: dict[tuple[str, str, str, date], int] = defaultdict(int)
        self.visits: dict[tuple[str, date, str], int] = defaultdict(int)  # (site, day, purpose)
        self.visit_days: dict[tuple[str, date], int] = defaultdict(int)
        self.visit_purposes: dict[tuple[str, date, str], int] = defaultdict(int)  # by month
        self.totals: dict[str, Counts] = defaultdict(lambda: defaultdict(int))  # by metric
        self.site = site
        first, end = period.first, period.end
        for r in rows:
            day = r["period"] if isinstance(r["period"], date) else date.fromisoformat(r["period"])
            if not first <= day < end:
                continue
            metric, dimension, detail = r["metric"], r["dimension"] or "", r.get("detail") or ""
            if metric == "visits":  # every site's: one site's counts are decided on its own
                self.visits[(detail, day, dimension)] += r["total"]
                self.visit_days[(detail, day)] += r["total"]
                self.visit_purposes[(detail, date(day.year, day.month, 1), dimension)] += r["total"]
            else:
                self.by_month[(metric, dimension, detail, date(day.year, day.month, 1))] += r[
                    "total"
                ]
            if site and metric == "visits" and detail != site:  # one site's visits (issue 19.5)
                continue
            self.totals[metric][(dimension, detail)] += r["total"]
        self.decided = Decided()

    def count(self, metric: str, month: date, dimension: str, detail: str = "") -> int:
        return self.by_month.get((metric, dimension, detail, month), 0)

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
    """Positions x months with every total (the funnel starts at its grand total). Each
    month's column is decided as the month's page decides it (a list of positions with
    the month's total); a position's total is hidden when one of its months is."""
    _ = r._
    positions = r.dimensions("applications")
    months = r.period.months
    for m in months:
        r.decided.list("applications", m, [(p, r.count("applications", m, p)) for p in positions])
    shown = r.decided.shown
    month_names = [r.month_label(m) for m in months]
    table = _table("applications", _("Applications per month and position"),
                   [_("Position"), *month_names, _("Total")])  # fmt: skip
    for position in [*positions, TOTAL]:
        cells = [shown([("applications", m, position, "")]) for m in months]
        cells.append(shown(keys("applications", months, position)))
        total = position == TOTAL
        _row(table, "total" if total else position, _("Total") if total else position, cells, total)
    if positions:
        totals = table["rows"][-1]["cells"]
        if len(months) > 1:
            table["chart"] = charts.columns(list(zip(month_names, totals, strict=False)))
        else:
            table["chart"] = charts.bars([(row["label"], row["cells"][-1])
                                          for row in table["rows"][:-1]])  # fmt: skip
    return table


def funnel(r: Report, received: str) -> dict:
    """Stages reached in the period; "received" is the applications' grand total as shown."""
    _ = r._
    months = r.period.months
    for stage in (*FUNNEL[1:], *DECISIONS[1:]):
        for m in months:
            r.decided.single("stage_reached", m, stage, r.count("stage_reached", m, stage))
    values = {s: r.decided.shown(keys("stage_reached", months, s))
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
    r: Report, key: str, title: str, head: str, parts: list[tuple[str, str, str]],
    total: str, chart: Callable[[list[tuple[str, str]]], dict],
) -> dict:  # fmt: skip
    """A list of (key, label, published count) that adds up to a total shown with it."""
    _ = r._
    points = [(label, value) for _k, label, value in parts]
    table = _table(key, title, [head, _("Count")], chart(points) if parts else None)
    for code, label, value in parts:
        _row(table, code, label, [value])
    _row(table, "total", _("Total"), [total], True)
    return table


def monthly_list(r: Report, table: str, metric: str, codes: list[str]) -> None:
    """Each month's list of `metric` over `codes` with its total, as its page decides it."""
    for m in r.period.months:
        r.decided.list(table, m, [(c, r.count(metric, m, c)) for c in codes])


def sources(r: Report, configured: Sequence[tuple[str, str]]) -> dict:
    """The answers to the apply form's optional question, and their total (those who
    answered): a list of its own, tied to no other published number."""
    _ = r._
    labels = dict(configured)
    codes = [c for c, _l in configured] + [c for c in r.dimensions("source") if c not in labels]
    monthly_list(r, "sources", "source", codes)
    months = r.period.months
    parts = [(c, labels.get(c, c), r.decided.shown(keys("sources", months, c))) for c in codes]
    return partition(r, "sources", _("How candidates heard about us"), _("Source"), parts,
                     r.decided.shown(keys("sources", months, TOTAL)), charts.bars)  # fmt: skip


def consent(r: Report, received: str) -> dict:
    _ = r._
    table = _table(
        "consent",
        _("Consent per purpose"),
        [_("Purpose"), _("Given"), _("Withdrawn"), _("Given per 100 applications")],
    )
    points = []
    months = r.period.months
    for code in CONSENT:
        for action in ("given", "withdrawn"):
            for m in months:
                r.decided.single("consent", m, f"{code}|{action}",
                                 r.count("consent", m, code, action))  # fmt: skip
        g = r.decided.shown(keys("consent", months, f"{code}|given"))
        w = r.decided.shown(keys("consent", months, f"{code}|withdrawn"))
        rate = _rate({"g": g, "r": received}, "g", "r")
        _row(table, code, r.label(CONSENT, code), [g, w, rate])
        points.append((r.label(CONSENT, code), g))
    table["chart"] = charts.bars(points)
    return table


def requests(r: Report) -> list[dict]:
    _ = r._
    kinds = list(REQUEST)
    months = r.period.months
    monthly_list(r, "requests_received", "rights_received", kinds)
    received = partition(
        r, "requests_received", _("Rights requests received"), _("Kind"),
        [(k, r.label(REQUEST, k), r.decided.shown(keys("requests_received", months, k)))
         for k in kinds],
        r.decided.shown(keys("requests_received", months, TOTAL)), charts.bars,
    )  # fmt: skip
    # Answered: per kind, and on time or late, two lists of one total. As a kinds x (on
    # time, late) table its small rows were read by their ranges: "erasure: HIDDEN, <5,
    # total 6" could only be 5 and 1 (statistics review). Lists are protected against that.
    timings = ("on_time", "late")
    for m in months:
        per_kind = [(k, sum(r.count("rights_answered", m, k, t) for t in timings)) for k in kinds]
        per_timing = [(t, sum(r.count("rights_answered", m, k, t) for k in kinds)) for t in timings]
        hidden = r.decided.list("requests_answered", m, per_kind)
        if r.decided.list("requests_on_time", m, per_timing, hidden) and not hidden:
            r.decided.list("requests_answered", m, per_kind, True)  # one total, one way
    total = r.decided.shown(keys("requests_answered", months, TOTAL))
    answered = partition(
        r, "requests_answered", _("Rights requests answered"), _("Kind"),
        [(k, r.label(REQUEST, k), r.decided.shown(keys("requests_answered", months, k)))
         for k in kinds], total, charts.bars,
    )  # fmt: skip
    on_time = partition(
        r, "requests_on_time", _("Answered on time or late"), _("Answered"),
        [(t, label, r.decided.shown(keys("requests_on_time", months, t)))
         for t, label in zip(timings, (_("On time"), _("Late")), strict=True)],
        total, charts.columns,
    )  # fmt: skip
    return [received, answered, on_time]


def visits(r: Report) -> list[dict]:
    """Three lists of the period's visits (per day or month, purpose, site), each with
    the same total, published one way in all three. Decided for each site's month as its
    own page decides it (the page of one site, issue 19.5); the page of every site shows
    their sums."""
    _ = r._
    months = r.period.months
    sites = sorted({s for s, _d, _p in r.visits})
    purposes = list(PURPOSE) + sorted({p for _s, _d, p in r.visits if p not in PURPOSE})
    for site in sites:
        for m in months:
            days = [m.replace(day=d) for d in range(1, 32) if _valid(m, d)]
            per_day = [(d.isoformat(), r.visit_days.get((site, d), 0)) for d in days]
            per_purpose = [(p, r.visit_purposes.get((site, m, p), 0)) for p in purposes]
            hidden = primary(sum(n for _d, n in per_day))
            hidden = r.decided.list("visits_day", m, per_day, hidden, site) or hidden
            if r.decided.list("visits_purpose", m, per_purpose, hidden, site) and not hidden:
                r.decided.list("visits_day", m, per_day, True, site)  # one total, one way
    shown = r.decided.shown
    chosen = [r.site] if r.site else sites
    if r.period.kind == "month":
        m = months[0]
        days = [m.replace(day=d) for d in range(1, 32) if _valid(m, d)]
        when = [(d.isoformat(), str(d.day), shown(keys("visits_day", [m], d.isoformat(), chosen)))
                for d in days]  # fmt: skip
        title, head = _("Visits per day"), _("Day")
    else:
        when = [(m.isoformat(), r.month_label(m), shown(keys("visits_day", [m], TOTAL, chosen)))
                for m in months]  # fmt: skip
        title, head = _("Visits per month"), _("Month")
    names = {**PURPOSE}
    seen = {p for (s, _d, p), n in r.visits.items() if n and s in chosen}
    listed = [p for p in purposes if p in PURPOSE or p in seen]
    by_purpose = [(p, r.label(names, p) if p in names else (p or _("Not given")),
                   shown(keys("visits_purpose", months, p, chosen))) for p in listed]  # fmt: skip
    # Each visit's site (issue 19.5); counted before sites, a kiosk's location or nothing.
    places = [(x, x or _("No site"), shown(keys("visits_day", months, TOTAL, [x])))
              for x in chosen if any(n for (s, _d, _p), n in r.visits.items() if s == x)]  # fmt: skip
    total = shown(keys("visits_day", months, TOTAL, chosen))
    lists = [
        ("visits_when", title, head, when, charts.columns),
        ("visits_purpose", _("Visits per purpose"), _("Purpose"), by_purpose, charts.bars),
        ("visits_location", _("Visits per site"), _("Site"), places, charts.bars),
    ]
    return [partition(r, key, t, h, parts, total, c) for key, t, h, parts, c in lists]


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
