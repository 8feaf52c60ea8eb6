"""The record of processing activities (GDPR Art. 30(1)), generated from Intake's own
configuration and constants, so it cannot drift from what the code does."""

import json
from collections.abc import Callable
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


Gettext = Callable[[str], str]
# What each action of app.privacy.access allows, in words (the codes are the code's).
ACTION_WORDS = {
    "view_cv": "read the CV",
    "view_background": "read the background",
    "view_screening": "read screening answers",
    "view_evaluation": "read ratings and comments",
    "rate": "rate",
    "comment": "comment",
    "move_stage": "move through interview stages",
    "send_message": "send messages about the application",
    "invite_to_interview": "invite to interviews",
}


def _same(text: str) -> str:
    return text


# The record's own words for its keys (the page and the Markdown show these; the JSON keeps
# the keys, so a machine reading it does not depend on the language).
KEY_LABELS = {
    "controller": "Controller",
    "supervisory_authority": "Supervisory authority",
    "name": "Name",
    "contact": "Contact",
    "url": "Web address",
    "address": "Address",
    "activities": "Activities",
    "data_subjects": "Data subjects",
    "purposes": "Purposes",
    "consent_choices": "Consent choices",
    "data_categories": "Categories of data",
    "access_roles": "Roles with access",
    "retention": "Retention",
    "recipients": "Recipients",
    "sub_processors": "Sub-processors",
    "purpose": "Purpose",
    "location": "Location",
    "safeguard": "Safeguard",
    "transfers_outside_eu": "Transfers outside the EU",
    "security_measures": "Security measures",
    "backups": "Backups",
    "m": "Purpose m",
    "n": "Purpose n",
    "talent_pool": "Talent pool",
    "marketing": "Marketing",
    "safety": "Safety",
    "proof": "Proof",
    "hr": "hr",
    "admin": "admin",
    "reception": "reception",
}


def _processor(p: Any, _: Gettext) -> dict[str, str]:
    """An operator's own words stay as typed; the defaults' words are in the catalogues."""
    return {
        k: _(v) if isinstance(v, str) and v else v for k, v in msgspec.structs.asdict(p).items()
    }


def _sub_processors(settings: Settings, _: Gettext) -> list[dict[str, str]]:
    out = [_processor(p, _) for p in settings.sub_processors]
    if settings.smtp.host:
        out.append(
            {"name": _("Mail relay %(host)s") % {"host": settings.smtp.host}, "location": "EU"}
        )
    return out


def record(settings: Settings, _: Gettext = _same) -> dict[str, Any]:
    """The record in the language of `_` (a gettext); English by default."""
    r = settings.retention
    transfers = [_processor(p, _) for p in settings.transfers]
    recipients = [
        _("HR reviewers (role hr) and the administrator / data-protection officer (role admin)"),
        _("Reception (role reception): visitor records only"),
        _("Hosts: an e-mail when their visitor arrives"),
        _("Authorities only with a legal basis such as a warrant (disclosure register)"),
    ]
    if settings.hris_webhook_url:
        # Issue 17 point 10: a hired candidate's name, e-mail, language and position.
        recipients.append(
            _("The company's HR system: a hired candidate's name, e-mail, language and position")
        )
    return {
        "controller": {"name": settings.company_name, "contact": settings.dpo_email},
        "supervisory_authority": {
            "name": settings.authority_name,
            "url": settings.authority_url,
            "address": _(settings.authority_address),  # the default's "Denmark" is translated
        },
        "activities": [
            {
                "name": _("Recruitment"),
                "data_subjects": _("Job candidates"),
                "purposes": {
                    "m": _("Analyse abilities and background (consent, Art. 6(1)(a)): ")
                    + ", ".join(_(ACTION_WORDS[a]) for a in PURPOSE_M_ACTIONS),
                    "n": _("Evaluate potential as an employee (consent, Art. 6(1)(a)): ")
                    + ", ".join(_(ACTION_WORDS[a]) for a in PURPOSE_N_ACTIONS),
                    "talent_pool": _("Keep the application for future positions (consent)"),
                    "marketing": _("Promote new products and services, purpose L (consent)"),
                },
                "consent_choices": list(CANDIDATE_PURPOSES),  # codes; shown by their labels
                "data_categories": [
                    _("Name, e-mail address, phone number"),
                    _("CV and cover letter"),
                    _("Ratings, comments and interview stages (with purpose n)"),
                    _("Messages and interview invitations sent to the candidate (with purpose n)"),
                    _("Consent records with truncated IP address"),
                ],
                "access_roles": list(REVIEW_ROLES),
                "retention": {
                    _("after position closes or rejection (days)"): r.applications_days,
                    _("with talent pool consent (days)"): r.talent_pool_days,
                    _("waiting for consent (days)"): r.waiting_consent_days,
                    _("hired, after the HR system confirmed the hand-off (days)"): (
                        r.handed_over_days
                    ),
                    _("withdrawal of both consents or erasure request"): _("erased at once"),
                },
            },
            {
                "name": _("Visitor registration"),
                "data_subjects": _("Office visitors"),
                "purposes": {"safety": _("Who is in the building (evacuation, access)")},
                "data_categories": [
                    _("Name, company, host, purpose of visit, times in and out, language"),
                ],
                "access_roles": ["reception", "admin"],
                "retention": {_("after sign-out (days)"): r.visits_days},
            },
            {
                "name": _("Accountability records"),
                "data_subjects": _("Candidates and visitors, by internal id only"),
                "purposes": {"proof": _("Consent proof (Art. 7(1)), audit log, disclosures")},
                "data_categories": [_("Internal ids, actions, times; no personal data copied")],
                "access_roles": ["admin"],
                "retention": {_("audit and consent records (days)"): r.audit_days},
            },
        ],
        "recipients": recipients,
        "sub_processors": _sub_processors(settings, _),
        "transfers_outside_eu": transfers or _("None"),
        "security_measures": [_(m) for m in SECURITY_MEASURES],
        # Art. 30(1)(f) asks for the time limits for erasure: a backup keeps what it held, so
        # its retention is one of them (issue 18.4; docs/operators.md, "Backups").
        "backups": {
            _("kept at most (days)"): settings.backup_retention_days,
            _("after a restore"): _(
                "the deletion receipts written since the backup are replayed before anyone is served"
            ),
        },
    }


def as_json(settings: Settings, _: Gettext = _same) -> str:
    return json.dumps(record(settings, _), indent=2, ensure_ascii=False)


def label(key: str, _: Gettext = _same) -> str:
    return _(KEY_LABELS[key]) if key in KEY_LABELS else key


def _md_value(value: Any, _: Gettext, indent: str = "") -> list[str]:
    if isinstance(value, dict):
        lines = []
        for k, v in value.items():
            if isinstance(v, dict | list):
                lines.append(f"{indent}- **{label(k, _)}**:")
                lines.extend(_md_value(v, _, indent + "  "))
            else:
                lines.append(f"{indent}- **{label(k, _)}**: {v}")
        return lines
    if isinstance(value, list):
        lines = []
        for v in value:
            if isinstance(v, dict):
                lines.append(
                    f"{indent}- " + "; ".join(f"{label(k, _)}: {x}" for k, x in v.items() if x)
                )
            else:
                lines.append(f"{indent}- {label(v, _) if isinstance(v, str) else v}")
        return lines
    return [f"{indent}{value}"]


def as_markdown(settings: Settings, _: Gettext = _same) -> str:
    rec = record(settings, _)
    title = _("Record of processing activities: %(company)s") % {"company": settings.company_name}
    lines = [f"# {title}", ""]
    lines.append(_("Generated by Intake from its own configuration (GDPR Art. 30(1))."))
    for section in ("controller", "supervisory_authority"):
        lines += ["", f"## {label(section, _)}", ""]
        lines += _md_value(rec[section], _)
    for activity in rec["activities"]:
        lines += ["", "## " + _("Activity: %(name)s") % {"name": activity["name"]}, ""]
        lines += _md_value({k: v for k, v in activity.items() if k != "name"}, _)
    for section in ("recipients", "sub_processors", "transfers_outside_eu", "security_measures"):
        lines += ["", f"## {label(section, _)}", ""]
        lines += _md_value(rec[section], _)
    return "\n".join(lines) + "\n"
