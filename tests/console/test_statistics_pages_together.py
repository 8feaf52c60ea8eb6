"""No hidden count can be worked out from every statistics page at once (issue 20.4; the
statistics review found two leaks between pages): a quarter, its three months, and each
of them for every site and for one site, all published from the same counters. The attacker
writes each published number as the sum of the counts it is made of (a position's month, a
site's day and purpose...) and solves for the hidden ones with exact linear algebra
(tests.privacy.test_suppression.recoverable). Not one may be fixed."""

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from app.privacy.statistics_periods import Period
from app.privacy.statistics_report import build_report
from app.privacy.suppression import HIDDEN, LESS
from tests.privacy.test_suppression import recoverable

QUARTER = Period("quarter", date(2026, 10, 1))
MONTHS = QUARTER.months
PAGES = [QUARTER, *(Period("month", m) for m in MONTHS)]
DAYS = [m + timedelta(days=d) for m in MONTHS for d in (0, 14)]  # two days a month: small
POSITIONS, SITES, PURPOSES = ["Backend", "Design", "Sales"], ["Aarhus", "Lobby"], ["meeting", "delivery"]
SECRET = (LESS, HIDDEN)


def counter(metric, dimensions, details=("",), days=None):  # type: ignore[no-untyped-def]
    return st.fixed_dictionaries({
        "metric": st.just(metric),
        "period": st.sampled_from(days or MONTHS),
        "dimension": st.sampled_from(dimensions),
        "detail": st.sampled_from(details),
        "total": st.one_of(st.integers(1, 5), st.integers(0, 14)),
    })  # fmt: skip


rows = st.lists(st.one_of(
    counter("applications", POSITIONS),
    counter("stage_reached", ["screening", "interview"]),
    counter("source", ["job_board", "friend"]),
    counter("consent", ["m", "n"], ["given", "withdrawn"]),
    counter("rights_received", ["access", "erasure"]),
    counter("rights_answered", ["access", "erasure"], ["on_time", "late"]),
    counter("visits", PURPOSES, SITES, DAYS),
), max_size=40)  # fmt: skip


def supports(table: dict, period: Period, site: str) -> dict[tuple, frozenset]:
    """Each published cell of a table: (table, row, column) -> the counts it adds up."""
    months = period.months
    days = [d for d in DAYS if period.first <= d < period.end]
    sites = [site] if site else SITES
    out: dict[tuple, frozenset] = {}

    def put(row: str, column: int, parts: list[tuple]) -> None:
        out[(table["id"], row, column)] = frozenset(parts)

    key, rows_ = table["id"], table["rows"]
    for row in rows_:
        k = row["key"]
        if key == "applications":
            chosen = POSITIONS if k == "total" else [k]
            for j, m in enumerate([*[[m] for m in months], list(months)]):
                put(k, j, [("applications", p, x) for p in chosen for x in m])
        elif key == "funnel" and k != "received":
            put(k, 0, [("stage_reached", k, m) for m in months])
        elif key == "consent":
            for j, action in enumerate(("given", "withdrawn")):
                put(k, j, [("consent", k, action, m) for m in months])
        elif key in ("sources", "requests_received"):
            metric = "source" if key == "sources" else "rights_received"
            codes = ["job_board", "friend"] if key == "sources" else ["access", "erasure"]
            chosen = codes if k == "total" else [k]
            put(k, 0, [(metric, c, m) for c in chosen for m in months])
        elif key in ("requests_answered", "requests_on_time"):
            kinds, timings = ["access", "erasure"], ["on_time", "late"]
            if k != "total":
                kinds, timings = (kinds, [k]) if key == "requests_on_time" else ([k], timings)
            put(k, 0, [("rights_answered", c, t, m) for c in kinds for t in timings
                       for m in months])  # fmt: skip
        elif key.startswith("visits_"):
            ds, ps, ss = days, PURPOSES, sites
            if k != "total" and key == "visits_when":
                ds = [d for d in days if d.isoformat() == k or d.isoformat()[:7] == k[:7]]
                if period.kind == "month":
                    ds = [d for d in days if d.isoformat() == k]
            elif k != "total" and key == "visits_purpose":
                ps = [k]
            elif k != "total" and key == "visits_location":
                ss = [k]
            put(k, 0, [("visits", s, d, p) for s in ss for d in ds for p in ps])
    return out


def attack(counters: list[dict]) -> tuple[set, dict]:
    published: dict[frozenset, str] = {}
    for period in PAGES:
        for site in ["", *SITES]:
            report = build_report(counters, period, "en", (("job_board", "Job board"), ("friend", "Friend")), site)
            received = next(r for r in report["tables"] if r["id"] == "funnel")["rows"][0]["cells"][0]
            for table in report["tables"]:
                if table["id"] == "timings":
                    continue
                cells = supports(table, period, site)
                for row in table["rows"]:
                    for j, value in enumerate(row["cells"]):
                        parts = cells.get((table["id"], row["key"], j))
                        if parts is None:
                            continue  # a rate or the funnel's received (the grand total)
                        if not parts:
                            assert value == "0", (table["id"], row["key"], value)
                            continue
                        assert published.setdefault(parts, value) == value, (
                            f"{table['id']} {row['key']} published two ways")
            grand = supports(report["tables"][0], period, site)[("applications", "total", len(period.months))]
            assert published[grand] == received
    base = sorted({part for parts in published for part in parts}, key=repr)
    equations = [{**{b: 1 for b in parts}, parts: -1} for parts in published]
    known = {parts: int(v) for parts, v in published.items() if v not in SECRET}
    hidden = [*base, *(p for p, v in published.items() if v in SECRET)]
    fixed = recoverable(equations, known, hidden)
    return {p for p in fixed if isinstance(p, frozenset)}, published


@settings(max_examples=60, deadline=None)
@given(rows)
def test_no_hidden_count_can_be_worked_out_from_a_quarter_its_months_and_its_sites(counters):
    recovered, published = attack(counters)
    assert recovered == set(), {tuple(sorted(p, key=repr)): published[p] for p in recovered}


def test_the_attack_finds_what_the_pages_decided_one_by_one_gave_away():
    """The review's case: October 3 hidden, November 9 hidden on the quarter's page only to
    protect it, shown on November's own page; the quarter's row total gave October away.
    Published page by page (as before), the attacker recovers it."""
    counters = [
        {"metric": "applications", "period": MONTHS[0], "dimension": "Backend", "detail": "", "total": 3},
        {"metric": "applications", "period": MONTHS[0], "dimension": "Design", "detail": "", "total": 20},
        {"metric": "applications", "period": MONTHS[1], "dimension": "Backend", "detail": "", "total": 9},
        {"metric": "applications", "period": MONTHS[1], "dimension": "Design", "detail": "", "total": 30},
    ]  # fmt: skip
    recovered, published = attack(counters)
    assert recovered == set()
    october = frozenset({("applications", "Backend", MONTHS[0])})
    assert published[october] == LESS
    # What the old pages published: the quarter's Backend total 12 and November's 9.
    equations = [{("applications", "Backend", m): 1 for m in MONTHS} | {"row": -1}]
    known = {"row": 12, ("applications", "Backend", MONTHS[1]): 9,
             ("applications", "Backend", MONTHS[2]): 0}  # fmt: skip
    assert recoverable(equations, known, [("applications", "Backend", MONTHS[0])]) == {
        ("applications", "Backend", MONTHS[0])
    }
