"""A position as schema.org `JobPosting` JSON-LD, for search engines and job boards.

Google's required properties (title, description, datePosted, hiringOrganization, jobLocation,
or jobLocationType TELECOMMUTE with applicantLocationRequirements) are always present; the
recommended ones (validThrough, employmentType, baseSalary, identifier, directApply) whenever
the position has them. It goes in a `<script type="application/ld+json">`: a data block that
browsers never run, so the strict CSP (script-src 'self') stays as it is."""

import json
from datetime import date, datetime
from typing import Any

from app.config import current
from app.recruiting import pay
from app.recruiting.positions import markdown_html

# schema.org employmentType -> the msgid people read
EMPLOYMENT_TYPES = {
    "FULL_TIME": "Full time",
    "PART_TIME": "Part time",
    "CONTRACTOR": "Contractor",
    "TEMPORARY": "Temporary",
    "INTERN": "Internship",
}
REQUIRED = ("title", "description", "datePosted", "hiringOrganization")


def position_url(slug: str) -> str:
    return f"{current().base_url}/positions/{slug}"


def _day(value: datetime | date | None) -> str | None:
    if value is None:
        return None
    return value.date().isoformat() if isinstance(value, datetime) else value.isoformat()


def job_posting(position: dict[str, Any]) -> dict[str, Any]:
    settings = current()
    data: dict[str, Any] = {
        "@context": "https://schema.org/",
        "@type": "JobPosting",
        "title": position["title"],
        "description": markdown_html(position["description"]) or position["title"],
        "datePosted": _day(position.get("opened_at") or position.get("created_at")),
        "hiringOrganization": {"@type": "Organization", "name": settings.company_name},
        "identifier": {
            "@type": "PropertyValue",
            "name": settings.company_name,
            "value": position["slug"],
        },
        "url": position_url(position["slug"]),
        "directApply": True,  # the whole application happens on our own apply page
        "employmentType": position.get("employment_type") or "FULL_TIME",
    }
    country = settings.company_country
    if position.get("remote"):
        data["jobLocationType"] = "TELECOMMUTE"
        data["applicantLocationRequirements"] = {"@type": "Country", "name": country}
    if position.get("location") or not position.get("remote"):
        address: dict[str, Any] = {"@type": "PostalAddress", "addressCountry": country}
        if position.get("location"):
            address["addressLocality"] = position["location"]
        data["jobLocation"] = {"@type": "Place", "address": address}
    if position.get("valid_through"):
        data["validThrough"] = _day(position["valid_through"])
    salary = pay.of_position(position)
    if salary.given:
        data["baseSalary"] = {
            "@type": "MonetaryAmount",
            "currency": salary.currency,
            "value": {
                "@type": "QuantitativeValue",
                "minValue": salary.minimum,
                "maxValue": salary.maximum,
                "unitText": salary.unit,
            },
        }
    return data


def script_body(data: dict[str, Any]) -> str:
    """JSON that cannot end its `<script>` element early: `<`, `>` and `&` as \\u escapes
    (a title of `</script><script>...` stays text inside the data block)."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
