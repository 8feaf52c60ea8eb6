"""The statistics page (issue 20): read only from the anonymous counters, a count from 1 to 4
never published, and no hidden count recoverable from everything the page publishes at
once (every table, with every total and every number shown in two tables); the downloads
are exactly the page's tables; a period picker; Danish with no English left."""

import csv
import html
import io
import json
import re
from datetime import date, timedelta
from html.parser import HTMLParser

from hypothesis import given, settings
from hypothesis import strategies as st

from app.clock import utcnow
from app.privacy import statistics
from app.privacy.statistics_periods import Period
from app.privacy.statistics_report import build_report
from app.privacy.suppression import HIDDEN, LESS, SMALL
from tests.console.support import signed_in
from tests.privacy.test_suppression import recoverable

MONTH = Period("month", date(2026, 11, 1))
QUARTER = Period("quarter", date(2026, 10, 1))
SECRET = (LESS, HIDDEN)


def counter(metric, dimensions, details=("",)):  # type: ignore[no-untyped-def]
    return st.fixed_dictionaries({
        "metric": st.just(metric),
        "period": st.integers(0, 91).map(lambda d: date(2026, 10, 1) + timedelta(days=d)),
        "dimension": st.sampled_from(dimensions),
        "detail": st.sampled_from(details),
        "total": st.one_of(st.integers(0, 5), st.integers(0, 30)),
    })  # fmt: skip


rows = st.lists(st.one_of(
    counter("applications", ["Backend", "Design", "Sales", "Support"]),
    counter("source", ["job_board", "friend", "linkedin"]),
    counter("stage_reached", ["screening", "interview", "offer", "hired", "rejected"]),
    counter("time_in_stage", ["received", "screening"], ["0-1d", "3-7d", "90d+"]),
    counter("consent", ["m", "n", "marketing"], ["given", "withdrawn"]),
    counter("rights_received", ["access", "erasure"]),
    counter("rights_answered", ["access", "erasure"], ["on_time", "late"]),
    counter("visits", ["meeting", "delivery"], ["", "Lobby", "Aarhus"]),
), max_size=60)  # fmt: skip


def published_system(report: dict) -> tuple[list[dict], dict, list]:
    """Everything the page publishes, as an attacker writes it down: one item per published
    number (the same number shown in two tables is one item), and every linear relation
    the tables state (rows and columns add up to their totals)."""
    items: dict[object, str] = {}
    equations: list[dict] = []

    def item(name: object, value: str) -> object:
        assert items.setdefault(name, value) == value, f"{name} published two ways"
        return name

    tables = {t["id"]: t for t in report["tables"]}
    grand = {"applications": "applications total",
             "visits_when": "visits total", "visits_purpose": "visits total",
             "visits_location": "visits total", "requests_answered": "answered total",
             "requests_on_time": "answered total"}  # fmt: skip
    for key in ("applications",):  # a grid with every total
        t = tables[key]
        width = len(t["header"]) - 1
        names = [[(key, r, c) for c in range(width)] for r in range(len(t["rows"]))]
        names[-1][-1] = grand.get(key, (key, "total"))
        for r, row in enumerate(t["rows"]):
            for c, value in enumerate(row["cells"]):
                item(names[r][c], value)
        for r in range(len(names)):
            equations.append({**{names[r][c]: 1 for c in range(width - 1)}, names[r][-1]: -1})
        for c in range(width):
            column = {names[r][c]: 1 for r in range(len(names) - 1)}
            equations.append({**column, names[-1][c]: -1})
    for key in ("sources", "requests_received", "requests_answered", "requests_on_time",
                "visits_when", "visits_purpose", "visits_location"):  # fmt: skip
        t = tables[key]
        parts = [item((key, r["key"]), r["cells"][0]) for r in t["rows"][:-1]]
        total = item(grand.get(key, (key, "total")), t["rows"][-1]["cells"][0])
        equations.append({**{p: 1 for p in parts}, total: -1})
    funnel = {r["key"]: r["cells"][0] for r in tables["funnel"]["rows"]}
    item("applications total", funnel["received"])  # the funnel starts at that total
    known = {k: int(v) for k, v in items.items() if v not in SECRET}
    hidden = [k for k, v in items.items() if v in SECRET]
    return equations, known, hidden


def every_value(report: dict) -> list[str]:
    values = [c for t in report["tables"] for r in t["rows"] for c in r["cells"]]
    values += [b["value"] for t in report["tables"] if t["chart"] for b in t["chart"]["bars"]]
    return values


@settings(max_examples=150, deadline=None)
@given(rows, st.sampled_from([MONTH, QUARTER]))
def test_nothing_hidden_can_be_worked_out_from_everything_the_page_publishes(counters, period):
    report = build_report(counters, period, "en")
    for value in every_value(report):
        assert not value.isdigit() or int(value) == 0 or int(value) >= SMALL, value
    equations, known, hidden = published_system(report)
    assert recoverable(equations, known, hidden) == set()
    for table in report["tables"]:  # a chart draws its table's numbers: hidden ones as 5
        for bar in (table["chart"] or {}).get("bars", []):
            if bar["value"] in SECRET:
                assert bar["hidden"]


def test_the_month_totals_of_the_chart_are_the_tables():
    counters = [
        {"metric": "applications", "period": date(2026, 10, 1), "dimension": "Backend",
         "detail": "", "total": 12},
        {"metric": "applications", "period": date(2026, 11, 1), "dimension": "Backend",
         "detail": "", "total": 3},
        {"metric": "applications", "period": date(2026, 11, 1), "dimension": "Design",
         "detail": "", "total": 20},
    ]  # fmt: skip
    report = build_report(counters, QUARTER, "en")
    table = report["tables"][0]
    assert [r["label"] for r in table["rows"]] == ["Backend", "Design", "Total"]
    # Backend's 3 in November is small: the rectangle through it hides three more entries.
    assert table["rows"][0]["cells"][1] == LESS
    totals = table["rows"][-1]["cells"][:-1]
    assert [b["value"] for b in table["chart"]["bars"]] == totals


async def page_tables(client, url: str) -> tuple[str, dict[str, list[list[str]]]]:
    page = await client.get(url)
    assert page.status_code == 200, page.text[:300]
    tables: dict[str, list[list[str]]] = {}
    for key, flag, body in re.findall(
        r'data-table="([^"]+)"( data-transposed="1")?>(.*?)</table>', page.text, re.S
    ):
        tables[key] = [
            [html.unescape(re.sub(r"<[^>]+>", "", cell))
             for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row)]
            for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)
        ]
        if flag:  # a time series is shown with its rows as columns
            tables[key] = [list(column) for column in zip(*tables[key], strict=True)]
    return page.text, tables


async def test_the_page_and_its_downloads_publish_the_same_values(client):
    now = utcnow()
    month = statistics.local_month(now)
    await statistics.add("applications", month, "Rare role", 3)
    await statistics.add("applications", month, "Popular role", 12)
    await statistics.add("applications", month, "Busy role", 20)
    await statistics.add("visits", statistics.local_day(now), "delivery", 2, detail="Lobby")
    await statistics.add("stage_reached", month, "interview", 4)
    await signed_in(client, "admin")
    text, tables = await page_tables(client, "/console/statistics")
    # Charts are the server's SVG: no script draws them (the header's menu script is all).
    assert "<svg" in text
    assert re.findall(r"<script[^>]*>", text) == [
        '<script src="/static/console-nav.js" defer>'
    ]
    apps = {row[0]: row[1:] for row in tables["applications"][1:]}
    assert apps["Rare role"] == [LESS, LESS]
    assert apps["Total"] == ["35", "35"]
    # 35 in all: 12 would give the 3 away, so one more count is hidden.
    assert HIDDEN in apps["Popular role"] or HIDDEN in apps["Busy role"]
    values = [html.unescape(v) for v in re.findall(r'class="value">([^<]*)<', text)]
    assert not [v for v in values if v in {"1", "2", "3", "4"}]
    code = month.strftime("%Y-%m")
    exported = json.loads((await client.get(f"/console/statistics.json?period={code}")).text)
    assert exported["period"] == code
    for table in exported["tables"]:
        shown = tables[table["id"]]
        assert [table["columns"], *[[r["label"], *r["values"]] for r in table["rows"]]] == shown
    download = await client.get(f"/console/statistics.csv?period={code}")
    assert download.headers["content-disposition"].startswith("attachment")
    lines = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    published = sum(len(t["rows"]) * (len(t["columns"]) - 1) for t in exported["tables"])
    assert len(lines) == 1 + published
    assert [code, "Applications per month and position", "Rare role", "Total", LESS] in lines


class Bars(HTMLParser):
    """Each chart's bars as the browser reads them: (label, value) per figure, attributes
    unescaped, and the label as the bar's text shows it."""

    def __init__(self) -> None:
        super().__init__()
        self.charts: dict[str, list[tuple[str, str]]] = {}
        self.texts: list[str] = []
        self.chart = ""
        self.in_label = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "figure":
            self.chart = found["data-chart"] or ""
            self.charts[self.chart] = []
        elif tag == "g":
            self.charts[self.chart].append((found["data-label"] or "", found["data-value"] or ""))
        self.in_label = tag == "text" and found.get("class") == "label"

    def handle_data(self, data: str) -> None:
        if self.in_label:
            self.texts.append(data)
            self.in_label = False


async def test_each_chart_draws_its_tables_values_and_escapes_every_name(client):
    month = statistics.local_month(utcnow())
    name = "<b onclick=\"x()\">R&D</b> 'Ops'"
    await statistics.add("applications", month, name, 7)
    await statistics.add("applications", month, "Design", 3)
    await statistics.add("applications", month, "Sales", 12)
    await statistics.add("visits", statistics.local_day(utcnow()), "meeting", 6, detail="Lobby")
    await signed_in(client, "admin")
    text, tables = await page_tables(client, "/console/statistics")
    assert name not in text and "<b onclick" not in text
    parsed = Bars()
    parsed.feed(text)
    # This month's chart draws the positions' totals, each as its table shows it.
    rows = tables["applications"][1:-1]
    assert parsed.charts["applications"] == [(row[0], row[-1]) for row in rows]
    assert name in parsed.texts and name in dict(parsed.charts["applications"])
    days = {row[0]: row[1] for row in tables["visits_when"][1:-1]}
    assert parsed.charts["visits_when"] == list(days.items())
    funnel = {row[0]: row[1] for row in tables["funnel"][1:]}
    assert all(funnel[label] == value for label, value in parsed.charts["funnel"])


async def test_the_period_picker_shows_a_quarter_and_refuses_nonsense_quietly(client):
    await statistics.add("applications", date(2026, 11, 1), "Backend", 7)
    await statistics.add("applications", date(2026, 12, 1), "Backend", 6)
    await signed_in(client, "hr")
    _text, tables = await page_tables(client, "/console/statistics?period=2026-Q4")
    assert tables["applications"][0] == ["Position", "Oct 2026", "Nov 2026", "Dec 2026", "Total"]
    assert tables["applications"][1] == ["Backend", "0", "7", "6", "13"]
    for nonsense in ("2026-13", "x" * 300, "<script>", "99999"):
        page = await client.get("/console/statistics", params={"period": nonsense})
        assert page.status_code == 200 and "<script>" not in page.text


class Texts(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
        self.skip += tag in ("script", "style")
        for name, value in attrs:
            if name in ("aria-label", "title", "placeholder", "label") and value:
                self.texts.append(value)

    def handle_endtag(self, tag):  # type: ignore[no-untyped-def]
        self.skip -= tag in ("script", "style")

    def handle_data(self, data):  # type: ignore[no-untyped-def]
        if not self.skip and data.strip():
            self.texts.append(data.strip())


async def test_the_danish_page_has_no_english_left(client):
    now = utcnow()
    month = statistics.local_month(now)
    await statistics.add("applications", month, "Udvikler", 9)
    await statistics.add("stage_reached", month, "screening", 6)
    await statistics.add("time_in_stage", month, "received", 7, detail="3-7d")
    await statistics.add("time_to_hire", month, "", 6, detail="30-60d")
    await statistics.add("consent", month, "m", 8, detail="given")
    await statistics.add("rights_received", month, "access", 5)
    await statistics.add("visits", statistics.local_day(now), "meeting", 6, detail="Forhal")
    await signed_in(client, "admin")
    english, danish = await _texts(client, "en"), await _texts(client, "da")
    # Names from the data, formats, and the words Danish shares with English.
    names = {"Udvikler", "Forhal", "CSV", "JSON", "Intake", "Median"}
    left = [t for t in danish if t in english and re.search(r"[A-Za-z]{3}", t) and t not in names]
    assert not left, "\n".join(left)


async def _texts(client, lang: str) -> list[str]:
    page = await client.get("/console/statistics", params={"lang": lang})
    assert f'lang="{lang}"' in page.text
    main = page.text.split("<main", 1)[1].split(">", 1)[1]
    parser = Texts()
    parser.feed(main)
    return parser.texts


async def test_the_visits_of_one_site_are_shown_on_their_own(client):
    """Issue 19.5: statistics per site, a filter beside the period."""
    from app.visits.sites import SiteFields, create_site, first_site_id

    now = utcnow()
    await first_site_id()
    await create_site(SiteFields("Aarhus"), now)
    day = statistics.local_day(now)
    await statistics.add("visits", day, "meeting", 7, detail="Main office")
    await statistics.add("visits", day, "delivery", 9, detail="Aarhus")
    await signed_in(client, "admin")
    code = statistics.local_month(now).strftime("%Y-%m")

    async def visits(query: str) -> dict[str, dict[str, list[str]]]:
        exported = json.loads((await client.get(f"/console/statistics.json?{query}")).text)
        return {t["id"]: {r["label"]: r["values"] for r in t["rows"]}
                for t in exported["tables"] if t["id"] in ("visits_location", "visits_purpose")}

    everything = await visits(f"period={code}")
    assert set(everything["visits_location"]) >= {"Main office", "Aarhus"}
    aarhus = await visits(f"period={code}&site=Aarhus")
    assert "Main office" not in aarhus["visits_location"]
    assert aarhus["visits_location"]["Aarhus"][0] == "9"
    assert aarhus["visits_purpose"]["Meeting"][0] == "0"
    assert aarhus["visits_purpose"]["Delivery"][0] == "9"
    page = await client.get(f"/console/statistics?period={code}&site=Aarhus")
    assert '<option value="Aarhus" selected>' in page.text
    assert f"statistics.csv?period={code}&amp;site=Aarhus" in page.text


async def test_the_picker_shows_the_period_the_arrows_reached_and_no_arrow_into_the_future(
    client,
):
    """Thirteen months back by the arrows (or from a shared link), the picker showed this
    month selected while the page showed the older one, so 'Show' jumped away from it; and
    an arrow led on to next month, where nothing can have been counted yet."""
    await signed_in(client, "hr")
    today = statistics.local_day(utcnow())
    old = Period("month", date(today.year - 3, today.month, 1))
    page = await client.get(f"/console/statistics?period={old.code}")
    picker = page.text.split('<select id="period"', 1)[1].split("</select>", 1)[0]
    assert re.findall(r'<option value="([^"]+)" selected>', picker) == [old.code]
    assert f'period={old.after().code}"' in page.text  # the arrow on is there for the past
    this_month = Period("month", statistics.local_month(utcnow()))
    for period in (this_month, Period("year", date(today.year, 1, 1))):
        page = await client.get(f"/console/statistics?period={period.code}")
        assert f"period={period.after().code}" not in page.text
        assert f"period={period.before().code}" in page.text


async def test_a_period_with_nothing_counted_says_so_and_draws_no_empty_chart(client):
    """A new company (or a month with nothing yet) saw ten empty axes and no word why."""
    await signed_in(client, "admin")
    for lang, words in (("en", "Nothing was counted in this period."),
                        ("da", "Der er ikke talt noget i denne periode.")):  # fmt: skip
        page = await client.get("/console/statistics", params={"lang": lang})
        assert words in page.text and "<svg" not in page.text, lang
        assert 'data-table="funnel"' in page.text  # the tables still say 0
    await statistics.add("applications", statistics.local_month(utcnow()), "Backend", 7)
    page = await client.get("/console/statistics")
    assert "Nothing was counted" not in page.text
    assert 'data-chart="applications"' in page.text and 'data-chart="funnel"' in page.text
    assert 'data-chart="consent"' not in page.text  # no consent counted: no empty chart


async def test_the_danish_csv_is_danish_from_its_first_line(client):
    """The download is in the page's language; its heading was English on the Danish page."""
    month = statistics.local_month(utcnow())
    await statistics.add("applications", month, "Udvikler", 9)
    await signed_in(client, "hr")
    lines = {}
    for lang in ("en", "da"):
        download = await client.get("/console/statistics.csv", params={"lang": lang})
        lines[lang] = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert lines["en"][0] == ["Period", "Table", "Row", "Column", "Value"]
    assert lines["da"][0] == ["Periode", "Tabel", "Række", "Kolonne", "Værdi"]
    code = month.strftime("%Y-%m")
    assert [code, "Ansøgninger pr. måned og stilling", "I alt", "I alt", "9"] in lines["da"]
