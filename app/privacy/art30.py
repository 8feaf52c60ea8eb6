"""The record of processing activities (GDPR Art. 30(1)), generated from Intake's own
configuration and constants, so it cannot drift from what the code does."""

import json
from typing import Any

import msgspec

from app.config import Settings
from app.privacy.access import PURPOSE_M_ACTIONS, PURPOSE_N_ACTIONS, REVIEW_ROLES
from app.privacy.notices import CANDIDATE_PURPOSES

SECURITY_MEASURES = (
    "Staff and candidate passwords stored as argon2id hashes only; login lockout with growing delays.",
    "Roles admin, hr and reception; deny by default; reception never sees applications.",
    "Every staff read of a candidate's personal data is written to the audit log (no data copied).",
    "CVs encrypted at rest, each with its own key; destroying the key destroys the file.",
    "HTTPS-only cookies, HSTS, strict Content-Security-Policy, CSRF protection on every form.",
    "IP addresses truncated on arrival (IPv4 /24, IPv6 /48) before anything stores them.",
    "Automatic erasure by the retention engine; SQLite secure_delete overwrites erased rows.",
    "Statistics kept only as anonymous counts; counts under 5 are never shown.",
)


def _sub_processors(settings: Settings) -> list[dict[str, str]]:
    out = [msgspec.structs.asdict(p) for p in settings.sub_processors]
    if settings.smtp.host:
        out.append({"name": f"Mail relay {settings.smtp.host}", "location": "EU"})
    return out


def record(settings: Settings) -> dict[str, Any]:
    r = settings.retention
    transfers = [msgspec.structs.asdict(p) for p in settings.transfers]
    recipients = [
        "HR reviewers (role hr) and the administrator / data-protection officer (role admin)",
        "Reception (role reception): visitor records only",
        "Hosts: an e-mail when their visitor arrives",
        "Authorities only with a legal basis such as a warrant (disclosure register)",
    ]
    return {
        "controller": {"name": settings.company_name, "contact": settings.dpo_email},
        "supervisory_authority": {
            "name": settings.authority_name,
            "url": settings.authority_url,
            "address": settings.authority_address,
        },
        "activities": [
            {
                "name": "Recruitment",
                "data_subjects": "Job candidates",
                "purposes": {
                    "m": "Analyse abilities and background (consent, Art. 6(1)(a)): "
                    + ", ".join(PURPOSE_M_ACTIONS),
                    "n": "Evaluate potential as an employee (consent, Art. 6(1)(a)): "
                    + ", ".join(PURPOSE_N_ACTIONS),
                    "talent_pool": "Keep the application for future positions (consent)",
                    "marketing": "Promote new products and services, purpose L (consent)",
                },
                "consent_choices": list(CANDIDATE_PURPOSES),
                "data_categories": [
                    "Name, e-mail address, phone number",
                    "CV and cover letter",
                    "Ratings, comments and interview stages (with purpose n)",
                    "Consent records with truncated IP address",
                ],
                "access_roles": list(REVIEW_ROLES),
                "retention": {
                    "after position closes or rejection (days)": r.applications_days,
                    "with talent pool consent (days)": r.talent_pool_days,
                    "waiting for consent (days)": r.waiting_consent_days,
                    "withdrawal of both consents or erasure request": "erased at once",
                },
            },
            {
                "name": "Visitor registration",
                "data_subjects": "Office visitors",
                "purposes": {"safety": "Who is in the building (evacuation, access)"},
                "data_categories": [
                    "Name, company, host, purpose of visit, times in and out, language",
                ],
                "access_roles": ["reception", "admin"],
                "retention": {"after sign-out (days)": r.visits_days},
            },
            {
                "name": "Accountability records",
                "data_subjects": "Candidates and visitors, by internal id only",
                "purposes": {"proof": "Consent proof (Art. 7(1)), audit log, disclosures"},
                "data_categories": ["Internal ids, actions, times; no personal data copied"],
                "access_roles": ["admin"],
                "retention": {"audit and consent records (days)": r.audit_days},
            },
        ],
        "recipients": recipients,
        "sub_processors": _sub_processors(settings),
        "transfers_outside_eu": transfers or "None",
        "security_measures": list(SECURITY_MEASURES),
    }


def as_json(settings: Settings) -> str:
    return json.dumps(record(settings), indent=2, ensure_ascii=False)


def _md_value(value: Any, indent: str = "") -> list[str]:
    if isinstance(value, dict):
        lines = []
        for k, v in value.items():
            if isinstance(v, dict | list):
                lines.append(f"{indent}- **{k}**:")
                lines.extend(_md_value(v, indent + "  "))
            else:
                lines.append(f"{indent}- **{k}**: {v}")
        return lines
    if isinstance(value, list):
        lines = []
        for v in value:
            if isinstance(v, dict):
                lines.append(f"{indent}- " + "; ".join(f"{k}: {x}" for k, x in v.items()))
            else:
                lines.append(f"{indent}- {v}")
        return lines
    return [f"{indent}{value}"]


def as_markdown(settings: Settings) -> str:
    rec = record(settings)
    lines = [f"# Record of processing activities: {settings.company_name}", ""]
    lines.append("Generated by Intake from its own configuration (GDPR Art. 30(1)).")
    for section in ("controller", "supervisory_authority"):
        lines += ["", f"## {section.replace('_', ' ').capitalize()}", ""]
        lines += _md_value(rec[section])
    for activity in rec["activities"]:
        lines += ["", f"## Activity: {activity['name']}", ""]
        lines += _md_value({k: v for k, v in activity.items() if k != "name"})
    for section in ("recipients", "sub_processors", "transfers_outside_eu", "security_measures"):
        lines += ["", f"## {section.replace('_', ' ').capitalize()}", ""]
        lines += _md_value(rec[section])
    return "\n".join(lines) + "\n"
