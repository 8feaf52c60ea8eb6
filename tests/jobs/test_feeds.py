"""Job feeds (issue 21 point 5): JobPosting JSON-LD on each position page, checked against
Google's required and recommended properties; RSS 2.0 and JSON Feed 1.1 that parse as such;
a plain HTML list for careers pages; a closed position gone from every feed at once."""

import json
import re
from xml.etree import ElementTree as ET

import feedparser

from app.clock import utcnow
from app.privacy.audit import SYSTEM
from app.recruiting.positions_admin import close_past_deadline, set_status
from app.tables import Position
from tests.jobs.support import posting

LD_JSON = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)
FEEDS = ("/feeds/positions.rss", "/feeds/positions.json", "/feeds/positions.html", "/")


def job_posting_of(html: str) -> dict:
    blocks = LD_JSON.findall(html)
    assert len(blocks) == 1, "one JobPosting block per position page"
    return json.loads(blocks[0])


def google_problems(data: dict) -> list[str]:
    """Google's JobPosting rules (required, then recommended), as a list of what is wrong."""
    problems = []
    if data.get("@context") not in ("https://schema.org/", "https://schema.org"):
        problems.append("@context")
    if data.get("@type") != "JobPosting":
        problems.append("@type")
    for name in ("title", "description", "datePosted"):
        if not isinstance(data.get(name), str) or not data[name]:
            problems.append(f"required {name}")
    if not re.match(r"^\d{4}-\d{2}-\d{2}", data.get("datePosted") or ""):
        problems.append("datePosted is not ISO 8601")
    org = data.get("hiringOrganization") or {}
    if org.get("@type") != "Organization" or not org.get("name"):
        problems.append("required hiringOrganization")
    place = data.get("jobLocation") or {}
    address = place.get("address") or {}
    remote = data.get("jobLocationType") == "TELECOMMUTE" and (
        data.get("applicantLocationRequirements") or {}).get("@type") == "Country"
    on_site = place.get("@type") == "Place" and address.get("@type") == "PostalAddress" and bool(
        address.get("addressCountry"))
    if not (remote or on_site):
        problems.append("required jobLocation, or jobLocationType + applicantLocationRequirements")
    # recommended
    if not re.match(r"^\d{4}-\d{2}-\d{2}", data.get("validThrough") or ""):
        problems.append("recommended validThrough")
    if data.get("employmentType") not in ("FULL_TIME", "PART_TIME", "CONTRACTOR", "TEMPORARY",
                                          "INTERN", "VOLUNTEER", "PER_DIEM", "OTHER"):
        problems.append("recommended employmentType")
    ident = data.get("identifier") or {}
    if ident.get("@type") != "PropertyValue" or not ident.get("name") or not ident.get("value"):
        problems.append("recommended identifier")
    if data.get("directApply") is not True:
        problems.append("recommended directApply")
    salary = data.get("baseSalary") or {}
    value = salary.get("value") or {}
    if (salary.get("@type") != "MonetaryAmount" or not re.match(r"^[A-Z]{3}$", salary.get(
            "currency", "")) or value.get("@type") != "QuantitativeValue"
            or not isinstance(value.get("minValue"), int)
            or not isinstance(value.get("maxValue"), int)
            or value.get("unitText") not in ("HOUR", "DAY", "WEEK", "MONTH", "YEAR")):
        problems.append("recommended baseSalary")
    return problems


async def test_position_page_carries_a_valid_job_posting(client):
    p = await posting("Backend developer")
    page = await client.get(f"/positions/{p['slug']}")
    assert page.status_code == 200
    data = job_posting_of(page.text)
    assert google_problems(data) == []
    assert data["title"] == "Backend developer"
    assert data["jobLocation"]["address"]["addressLocality"] == "Copenhagen"
    assert data["baseSalary"]["value"] == {"@type": "QuantitativeValue", "minValue": 45000,
                                           "maxValue": 55000, "unitText": "MONTH"}
    assert data["validThrough"] == "2099-12-31"
    assert data["url"].endswith(f"/positions/{p['slug']}")
    # the strict CSP is untouched: the data block needs no 'unsafe-inline'
    csp = page.headers["content-security-policy"]
    assert "script-src 'self';" in csp and "unsafe-inline" not in csp


async def test_the_checker_catches_a_posting_without_what_google_requires(client):
    p = await posting(salary_min=None, salary_max=None, valid_through=None)
    data = job_posting_of((await client.get(f"/positions/{p['slug']}")).text)
    assert google_problems(data) == ["recommended validThrough", "recommended baseSalary"]
    for name in ("title", "hiringOrganization", "jobLocation"):
        assert google_problems({**data, name: None}), name


async def test_a_remote_position_states_where_applicants_may_live(client):
    p = await posting("Remote tester", remote=True, location="")
    data = job_posting_of((await client.get(f"/positions/{p['slug']}")).text)
    assert data["jobLocationType"] == "TELECOMMUTE"
    assert data["applicantLocationRequirements"] == {"@type": "Country", "name": "DK"}
    assert google_problems(data) == []


async def test_a_title_cannot_end_the_data_block_early(client):
    p = await posting("</script><script>alert(1)</script> & co")
    html = (await client.get(f"/positions/{p['slug']}")).text
    assert "<script>alert(1)" not in html
    assert job_posting_of(html)["title"] == "</script><script>alert(1)</script> & co"


async def test_rss_parses_as_rss_2(client):
    p = await posting("Backend developer")
    response = await client.get("/feeds/positions.rss?lang=da")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/rss+xml")
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "rss20"
    assert parsed.feed.language == "da"
    [entry] = parsed.entries
    assert entry.title == "Backend developer"
    assert entry.link.endswith(f"/positions/{p['slug']}") and entry.id == entry.link
    assert "45.000–55.000 DKK om måneden" in entry.description
    # the structure RSS 2.0 asks for, read by the standard library too
    root = ET.fromstring(response.content)
    assert root.tag == "rss" and root.get("version") == "2.0"
    channel = root.find("channel")
    assert channel is not None
    for name in ("title", "link", "description"):
        assert (channel.findtext(name) or "").strip(), name
    items = channel.findall("item")
    assert len(items) == 1 and items[0].findtext("guid") == entry.link


async def test_json_feed_is_version_1_1(client):
    p = await posting("Backend developer")
    response = await client.get("/feeds/positions.json")
    assert response.headers["content-type"].startswith("application/feed+json")
    feed = response.json()
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert feed["title"] and feed["feed_url"].endswith("/feeds/positions.json")
    [item] = feed["items"]
    assert item["id"] == item["url"] and item["url"].endswith(f"/positions/{p['slug']}")
    assert item["title"] == "Backend developer"
    assert "45,000–55,000 DKK per month" in item["content_html"]
    assert item["_salary"] == {"min": 45000, "max": 55000, "currency": "DKK", "unit": "MONTH"}


async def test_the_embeddable_list_is_plain_html_under_the_strict_csp(client):
    p = await posting("Backend developer")
    response = await client.get("/feeds/positions.html?lang=da")
    html = response.text
    assert '<ul class="intake-jobs" lang="da">' in html
    assert 'class="intake-job-title"' in html and f"/positions/{p['slug']}" in html
    assert '<span class="intake-job-salary">45.000–55.000 DKK om måneden</span>' in html
    assert "<script" not in html and "style=" not in html and "<html" not in html
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    assert response.headers["x-frame-options"] == "DENY"


async def test_the_positions_page_links_its_feeds(client):
    await posting()
    html = (await client.get("/")).text
    assert 'rel="alternate" type="application/rss+xml" href="/feeds/positions.rss' in html
    assert 'rel="alternate" type="application/feed+json" href="/feeds/positions.json' in html
    for path in FEEDS[:3]:
        assert f'href="{path}?lang=en"' in html


async def test_a_closed_position_leaves_every_feed_at_once(client):
    kept = await posting("Still open")
    closed = await posting("Closing now")
    for path in FEEDS:
        assert closed["slug"] in (await client.get(path)).text, path
    await set_status(SYSTEM, closed["id"], "closed", utcnow())
    for path in FEEDS:
        text = (await client.get(path)).text
        assert closed["slug"] not in text and kept["slug"] in text, path
    assert (await client.get(f"/positions/{closed['slug']}")).status_code == 404


async def test_a_position_past_its_last_day_closes_by_itself(client):
    from datetime import date

    past = await posting("Past", valid_through=date(2020, 1, 31))
    current = await posting("Current")
    assert await close_past_deadline(utcnow()) == {"closed": 1}
    rows = {r["id"]: r for r in await Position.select(Position.id, Position.status, Position.closed_at)}
    assert rows[past["id"]]["status"] == "closed" and rows[past["id"]]["closed_at"]
    assert rows[current["id"]]["status"] == "open"
    assert past["slug"] not in (await client.get("/feeds/positions.rss")).text
