"""Statistics never publish a count from 1 to 4, in numbers or in bar heights; they come only
from AnonymousStat, so they survive erasure."""

import re
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from app.clock import utcnow
from app.privacy import statistics
from app.privacy.statistics_report import HIDDEN, SMALL, build_report, publish
from tests.console.support import signed_in

TODAY = date(2026, 11, 24)
metric = st.sampled_from(["applications", "stage_reached", "visits"])
row = st.fixed_dictionaries(
    {
        "metric": metric,
        "period": st.integers(0, 400).map(lambda d: TODAY - timedelta(days=d)),
        "dimension": st.sampled_from(
            [
                "Backend",
                "Design",
                "screening",
                "interview",
                "offer",
                "hired",
                "rejected",
                "meeting",
                "",
            ]
        ),
        "total": st.integers(0, 12),
    }
)


def published_values(report: dict) -> list[str]:
    values = [b["value"] for c in ("applications_chart", "visits_chart") for b in report[c]["bars"]]
    values += [p["value"] for p in report["positions"] + report["purposes"]]
    values += [s["value"] for s in report["conversion"]]
    return values


@settings(max_examples=300, deadline=None)
@given(st.lists(row, max_size=40))
def test_no_count_from_1_to_4_is_ever_published(rows):
    report = build_report(rows, TODAY)
    for value in published_values(report):
        assert value in ("<5", HIDDEN) or int(value) == 0 or int(value) >= SMALL, value
    for chart in ("applications_chart", "visits_chart"):
        bars = report[chart]["bars"]
        small = [b for b in bars if b["small"]]
        # A small count is drawn exactly like a count of 5: heights cannot tell 1 from 4.
        if small:
            assert len({b["height"] for b in small}) == 1
    for stage in report["conversion"]:
        assert stage["rate"] is None or stage["value"] != "<5"


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(0, 30), max_size=12))
def test_a_lone_small_count_cannot_be_worked_out_from_the_total(counts):
    """Knowing the partition's total and every published exact cell, the hidden cells' sum is
    known; it must never be a single cell holding a count from 1 to 4."""
    published = publish(counts)
    hidden = [c for c, (v, _) in zip(counts, published, strict=True) if v in ("<5", HIDDEN)]
    exact = [c for c, (v, _) in zip(counts, published, strict=True) if v not in ("<5", HIDDEN)]
    assert all(c == 0 or c >= SMALL for c in exact)
    if len(hidden) == 1:
        assert not any(c >= SMALL for c in exact)  # nothing else to hide: all other cells 0
    assert len({d for v, d in published if v in ("<5", HIDDEN)}) <= 1  # heights say nothing


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 10_000))
def test_shown_hides_exactly_1_to_4(n):
    assert (statistics.shown(n) == "<5") is (1 <= n <= 4)


async def test_the_page_shows_small_counts_as_less_than_5(client):
    now = utcnow()
    await statistics.add("applications", statistics.month(now), "Rare role", 3)
    await statistics.add("applications", statistics.month(now), "Popular role", 12)
    await statistics.add("applications", statistics.month(now), "Busy role", 20)
    await statistics.add("visits", statistics.day(now), "delivery", 2)
    await statistics.add("stage_reached", statistics.month(now), "interview", 4)
    await signed_in(client, "admin")
    page = await client.get("/console/statistics")
    assert page.status_code == 200 and "<svg" in page.text and "<script" not in page.text
    assert "<td>Rare role</td><td>&lt;5</td>" in page.text
    assert "<td>Busy role</td><td>20</td>" in page.text
    # 35 in total is in the month chart: 12 would give the 3 away, so it is hidden too.
    assert "<td>Popular role</td><td>≥5</td>" in page.text
    text_nodes = re.findall(r">\s*(\d+)\s*<", page.text)
    assert not [n for n in text_nodes if n in {"1", "2", "3", "4"}]
