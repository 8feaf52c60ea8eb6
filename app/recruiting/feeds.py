"""Open positions as feeds for the company's careers site and the job boards (issue 21
point 5): RSS 2.0, JSON Feed 1.1 and a plain HTML list. They are built from the same query as
the portal's list of open positions, on every request: a closed position leaves every feed
at once (nothing is cached; the responses are `no-store` like every page).

The texts that need a language (the salary's period, the channel's title) come in as a
`gettext` of the door's choosing: services do not pick languages."""

from collections.abc import Callable
from email.utils import format_datetime
from html import escape
from typing import Any
from xml.etree import ElementTree as ET

from app.config import current
from app.recruiting import pay
from app.recruiting.job_posting import position_url
from app.recruiting.positions import markdown_html

JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
ATOM = "http://www.w3.org/2005/Atom"


def _content_html(position: dict[str, Any], language: str, gettext: Callable[[str], str]) -> str:
    """The description, with the pay range first (EU Directive 2023/970, Art. 5)."""
    lines = []
    facts = [position.get("location") or ""]
    salary = pay.salary_text(pay.of_position(position), language, gettext)
    if salary:
        facts.append(f"{gettext('Salary')}: {salary}")
    facts = [f for f in facts if f]
    if facts:
        escaped = " · ".join(escape(f) for f in facts)
        lines.append(f"<p>{escaped}</p>")
    lines.append(markdown_html(position["description"]))
    return "\n".join(lines)


def channel_title(gettext: Callable[[str], str]) -> str:
    return gettext("Open positions") + f": {current().company_name}"


def rss(positions: list[dict[str, Any]], language: str, gettext: Callable[[str], str]) -> bytes:
    base = current().base_url
    ET.register_namespace("atom", ATOM)
    root = ET.Element("rss", {"version": "2.0"})
    channel = ET.SubElement(root, "channel")
    ET.SubElement(channel, "title").text = channel_title(gettext)
    ET.SubElement(channel, "link").text = f"{base}/"
    ET.SubElement(channel, "description").text = channel_title(gettext)
    ET.SubElement(channel, "language").text = language
    ET.SubElement(
        channel,
        f"{{{ATOM}}}link",
        {"href": f"{base}/feeds/positions.rss", "rel": "self", "type": "application/rss+xml"},
    )
    for position in positions:
        item = ET.SubElement(channel, "item")
        url = position_url(position["slug"])
        ET.SubElement(item, "title").text = position["title"]
        ET.SubElement(item, "link").text = url
        ET.SubElement(item, "guid", {"isPermaLink": "true"}).text = url
        if position.get("opened_at"):
            ET.SubElement(item, "pubDate").text = format_datetime(position["opened_at"])
        ET.SubElement(item, "description").text = _content_html(position, language, gettext)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def json_feed(
    positions: list[dict[str, Any]], language: str, gettext: Callable[[str], str]
) -> dict[str, Any]:
    base = current().base_url
    items = []
    for position in positions:
        url = position_url(position["slug"])
        item: dict[str, Any] = {
            "id": url,
            "url": url,
            "title": position["title"],
            "content_html": _content_html(position, language, gettext),
        }
        if position.get("opened_at"):
            item["date_published"] = position["opened_at"].isoformat()
        salary = pay.of_position(position)
        if salary.given:  # machine-readable too, for boards that filter by pay
            item["_salary"] = {
                "min": salary.minimum,
                "max": salary.maximum,
                "currency": salary.currency,
                "unit": salary.unit,
            }
        items.append(item)
    return {
        "version": JSON_FEED_VERSION,
        "title": channel_title(gettext),
        "home_page_url": f"{base}/",
        "feed_url": f"{base}/feeds/positions.json",
        "language": language,
        "items": items,
    }
