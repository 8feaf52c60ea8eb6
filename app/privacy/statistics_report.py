"""Statistics for the console, read only from AnonymousStat (counts without personal data,
kept when the records they came from are erased). A count from 1 to 4 could point at a person,
so it is published as "<5", and charts draw it as if it were 5 (policy: "the data will be
anonymized"). Percentages are only shown when both of their counts are 5 or more.

Charts are computed here as plain bar geometry and drawn as inline SVG by a template: no
JavaScript, nothing for the CSP to refuse."""

from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import Any

from app.privacy.statistics import SMALL, month, shown
from app.tables import AnonymousStat

STAGE_ORDER = ("screening", "interview", "offer", "hired", "rejected")
CHART_HEIGHT = 160
BAR_WIDTH = 28
GAP = 8
LEFT = 40  # room for the first rotated label


HIDDEN = "≥5"  # a count of 5 or more, hidden so that a small count cannot be worked out


def publish(counts: list[int]) -> list[tuple[str, int]]:
    """(published value, drawable height) per cell of one partition of a total.

    A count from 1 to 4 is "<5" and drawn as 5. If exactly one cell of a partition is small,
    the total (known from another chart of the same data) minus the other cells would give
    it away, so the smallest other non-zero cell is hidden too ("≥5", drawn as 5): the
    classic complementary suppression of statistical disclosure control."""
    small = [i for i, c in enumerate(counts) if 0 < c < SMALL]
    hidden: set[int] = set()
    if len(small) == 1:
        others = [(c, i) for i, c in enumerate(counts) if c >= SMALL]
        if others:
            hidden.add(min(others)[1])
    out = []
    for i, c in enumerate(counts):
        if i in hidden:
            out.append((HIDDEN, SMALL))
        else:
            out.append((shown(c), SMALL if 0 < c < SMALL else c))
    return out


def chart(points: list[tuple[str, int]]) -> dict[str, Any]:
    """Bar geometry for a template: each bar with its label and its published value."""
    published = publish([c for _, c in points])
    top = max([d for _, d in published] + [1])
    bars = []
    for i, ((label, _), (value, drawn)) in enumerate(zip(points, published, strict=True)):
        height = round(CHART_HEIGHT * drawn / top)
        bars.append(
            {
                "x": LEFT + i * (BAR_WIDTH + GAP),
                "y": CHART_HEIGHT - height + 20,
                "width": BAR_WIDTH,
                "height": height,
                "label": label,
                "value": value,
                "small": value in ("<5", HIDDEN),
            }
        )
    return {
        "bars": bars,
        "width": LEFT + len(points) * (BAR_WIDTH + GAP),
        "height": CHART_HEIGHT + 60,
        "baseline": CHART_HEIGHT + 20,
    }


def table(counts: dict[str, int]) -> list[dict[str, str]]:
    labels = sorted(counts)
    published = publish([counts[k] for k in labels])
    return [{"label": k, "value": v} for k, (v, _) in zip(labels, published, strict=True)]


def _months(today: date, n: int) -> list[date]:
    first = month(today)
    out = []
    for _ in range(n):
        out.append(first)
        first = month(first - timedelta(days=1))
    return list(reversed(out))


def _conversion(reached: dict[str, int]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    previous: str | None = None
    for stage in STAGE_ORDER:
        count = reached.get(stage, 0)
        rate: int | None = None
        base = reached.get(previous or "", 0)
        if previous and stage != "rejected" and count >= SMALL and base >= SMALL:
            rate = round(100 * count / base)
        rows.append({"stage": stage, "value": shown(count), "rate": rate})
        if stage != "rejected":
            previous = stage
    return rows


def build_report(rows: list[dict], today: date) -> dict[str, Any]:
    """The published statistics from AnonymousStat rows (pure: the property tests feed it)."""
    per_month: dict[date, int] = defaultdict(int)
    per_position: dict[str, int] = defaultdict(int)
    reached: dict[str, int] = defaultdict(int)
    per_day: dict[date, int] = defaultdict(int)
    per_purpose: dict[str, int] = defaultdict(int)
    recent = today - timedelta(days=29)
    for r in rows:
        period = r["period"] if isinstance(r["period"], date) else date.fromisoformat(r["period"])
        if r["metric"] == "applications":
            per_month[month(period)] += r["total"]
            per_position[r["dimension"] or "-"] += r["total"]
        elif r["metric"] == "stage_reached":
            reached[r["dimension"]] += r["total"]
        elif r["metric"] == "visits" and period >= recent:
            per_day[period] += r["total"]
            per_purpose[r["dimension"] or "-"] += r["total"]
    months = _months(today, 12)
    days = [recent + timedelta(days=i) for i in range(30)]
    return {
        "applications_chart": chart([(m.strftime("%Y-%m"), per_month[m]) for m in months]),
        "positions": table(per_position),
        "conversion": _conversion(reached),
        "visits_chart": chart([(d.strftime("%m-%d"), per_day[d]) for d in days]),
        "purposes": table(per_purpose),
    }


async def report(now: datetime) -> dict[str, Any]:
    rows = await AnonymousStat.select(
        AnonymousStat.metric, AnonymousStat.period, AnonymousStat.dimension, AnonymousStat.total
    )
    return build_report(rows, now.date())
