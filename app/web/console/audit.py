"""The audit log for admins: filter by staff member, action and date; a CSV of the filtered
rows (issue 17 point 8)."""

import csv
import io
import re
from collections.abc import AsyncIterator
from datetime import date

from litestar import Request, get
from litestar.response import Stream, Template

from app import dates
from app.clock import utcnow
from app.i18n import translations
from app.privacy import audit_labels, audit_log
from app.privacy.statistics_report import CONSENT
from app.recruiting.pipeline import STAGES
from app.web.access import staff
from app.web.console.chrome import actor, console_page, query
from app.web.console.review import _date
from app.web.render import language, stage_label, translate_message

_MOVE = re.compile(r"^([a-z]+)->([a-z]+)(?: \((.*)\))?$", re.DOTALL)
_BULK = re.compile(r"^([a-z_]+): (\d+) of (\d+)$")
_PURPOSE = re.compile(r"^purpose ([a-z_]+)$")
_DUE = re.compile(r"^due (\d{4}-\d{2}-\d{2})$")
_SHOWN = re.compile(r"^(\d{1,9}) shown$")
_CANDIDATE_VISITS = re.compile(r"^(\d{1,9}) candidate visits$")
_VISITOR_ACCESS = re.compile(r"^visitor access request: (\d{1,9}) visits$")
_VISITS = re.compile(r"^(\d{1,9}) visits$")
# staff services.update_member, provider_sign_in's role change and first sign-in.
_ACCOUNT = re.compile(
    r"^role=([a-z]+)(?: disabled=(True|False))?( sso_only)?( from the identity provider)?$"
)
_FILTERS = ("actor", "action", "from", "to", "subject")


def _int(raw: str) -> int | None:
    return int(raw) if raw.isdigit() and len(raw) < 10 else None


def _filter(request: Request) -> audit_log.AuditFilter:
    return audit_log.AuditFilter(
        actor_id=_int(query(request, "actor", 10)),
        action=query(request, "action", 48),
        since=_date(query(request, "from", 10)),
        until=_date(query(request, "to", 10)),
        subject_ref=query(request, "subject", 64),
    )


def link(target: tuple | None) -> str:
    """The console page of the record an event is about."""
    if not target:
        return ""
    kind, *ids = target
    return {
        "application": lambda: f"/console/positions/{ids[0]}/applications/{ids[1]}",
        "position": lambda: f"/console/positions/{ids[0]}/edit",
        "request": lambda: f"/console/requests/{ids[0]}",
        "staff": lambda: "/console/staff",
    }[kind]()


@get("/console/audit", opt=staff("admin"))
async def audit_page(request: Request) -> Template:
    rows, before = await audit_log.search(_filter(request), _int(query(request, "before", 10)))
    lang = language(request)
    labelled = [
        (code, translate_message(lang, label)) for code, label in audit_labels.ACTIONS.items()
    ]
    return console_page(
        request,
        "console/audit.html",
        rows=rows,
        before=before,
        values={k: query(request, k) for k in _FILTERS},
        actions=sorted(labelled, key=lambda pair: pair[1].casefold()),
        actors=await audit_log.actors(),
        action_labels=audit_labels.ACTIONS,
        kind_labels=audit_labels.KINDS,
        link=link,
        reason_text=lambda row: reason_text(lang, row),
        zone=dates.zone().key,
    )


def reason_text(lang: str, row: dict) -> str:
    """A row's reason in the reader's language: the reasons the code writes with a value in
    them (a bulk action's tally, a language, a role, a purpose, an assignee, a date, a count,
    an export's filters) or whole (a reset from the command line, the company's sign-in, an
    erasure's ground) in words; what is stored stays as written, and anything else is shown
    as it is."""
    reason = row["reason"] or ""
    try:
        worded = _worded(lang, row, reason)
    except (KeyError, ValueError, TypeError):  # an old or odd row: shown as written
        worded = None
    return _reason(lang, reason) if worded is None else worded


def _worded(lang: str, row: dict, reason: str) -> str | None:
    action = row["action"]

    def said(message: str, **values: str) -> str:
        text = translate_message(lang, message)
        return text % values if values else text

    def counted(messages: tuple[str, str], n: str) -> str:
        return translations(lang).ngettext(*messages, int(n)) % {"n": n}

    if (action, reason) in audit_labels.FIXED:
        return said(audit_labels.FIXED[action, reason])
    if action == "bulk_action" and (bulk := _BULK.match(reason)):
        what, done, total = bulk[1], bulk[2], bulk[3]
        if what in audit_labels.BULK:
            return said(audit_labels.BULK[what], done=done, total=total)
        if what in STAGES:
            return said(audit_labels.BULK_MOVED, done=done, total=total,
                        stage=stage_label(lang, what))  # fmt: skip
        return None
    if action == "mail_language_changed" and reason in audit_labels.LANGUAGES:
        return said(audit_labels.LANGUAGES[reason])
    if action == "staff.invited" and reason in audit_labels.ROLES:
        return said(audit_labels.ROLES[reason])
    if action in ("staff.updated", "staff.provisioned") and (account := _ACCOUNT.match(reason)):
        return _account(lang, *account.groups())
    if action in ("consent_given", "consent_withdrawn") and (purpose := _PURPOSE.match(reason)):
        return said(CONSENT[purpose[1]]) if purpose[1] in CONSENT else None
    if action == "consent_renewed" and reason:
        purposes = reason.split(",")
        if all(p in CONSENT for p in purposes):
            return ", ".join(said(CONSENT[p]) for p in purposes)
        return None
    if action == "rights_request_assigned":  # the id read from the reason by audit_log
        if row.get("reason_staff_id") is None:
            return None
        return said(audit_labels.ASSIGNED, name=_staff(lang, row))
    if action == "audit_log_exported" and (chosen := row.get("exported_filter")) is not None:
        return _export_filter(lang, row, chosen)
    if action in audit_labels.VISITS_READ and (shown := _SHOWN.match(reason)):
        return counted(audit_labels.VISITS_SHOWN, shown[1])
    if action == "visitor_visits_matched" and (n := _CANDIDATE_VISITS.match(reason)):
        return counted(audit_labels.CANDIDATE_VISITS, n[1])
    if action == "data_exported" and (n := _VISITOR_ACCESS.match(reason)):
        return counted(audit_labels.VISITOR_ACCESS, n[1])
    if action == "visitor_request_erased" and (n := _VISITS.match(reason)):
        return counted(audit_labels.VISITS, n[1])
    if action == "rights_request_extended" and (due := _DUE.match(reason)):
        return said(audit_labels.DUE, day=dates.day(date.fromisoformat(due[1]), lang))
    return None


def _account(
    lang: str, role: str, disabled: str | None, sso_only: str | None, from_provider: str | None
) -> str | None:
    """A staff account's role and state, from the parts of its reason."""
    if role not in audit_labels.ROLES:
        return None
    parts = [audit_labels.ROLE, audit_labels.ROLES[role]]
    if disabled:
        parts.append(audit_labels.ACCOUNT_OFF if disabled == "True" else audit_labels.ACCOUNT_ON)
    if sso_only:
        parts.append(audit_labels.SSO_ONLY)
    if from_provider:
        parts.append(audit_labels.FROM_PROVIDER)
    said = [translate_message(lang, p) for p in parts]
    return ", ".join([said[0] % {"role": said[1]}, *said[2:]])


def _staff(lang: str, row: dict) -> str:
    """The staff member a reason names (read by audit_log.readable), by id once they are gone."""
    name = row.get("reason_staff_name")
    return name or translate_message(lang, audit_labels.FORMER_ASSIGNEE) % {
        "id": str(row["reason_staff_id"])
    }


def _export_filter(lang: str, row: dict, chosen: dict[str, str]) -> str:
    """An export's filters (audit_log.exported_filter), as the page's filter form names them."""
    if not chosen:
        return translate_message(lang, audit_labels.EXPORT_ALL)

    def part(name: str, value: str) -> str:
        return translate_message(lang, audit_labels.EXPORT_PARTS[name]) % {"value": value}

    parts = []
    if "staff" in chosen:  # a former colleague by id, "staff member #12"
        name = row.get("reason_staff_name")
        parts.append(part("staff", name) if name else _staff(lang, row))
    if "action" in chosen:
        code = chosen["action"]
        parts.append(part("action", translate_message(lang, audit_labels.ACTIONS.get(code, code))))
    for end in ("from", "to"):
        if end in chosen:
            parts.append(part(end, dates.day(date.fromisoformat(chosen[end]), lang)))
    if "subject" in chosen:
        parts.append(part("subject", chosen["subject"]))
    return translate_message(lang, audit_labels.EXPORT_FILTER) % {"parts": ", ".join(parts)}


def _reason(lang: str, reason: str | None) -> str:
    """A reason made of our own words in the reader's language; anything else as written."""
    moved = _MOVE.match(reason or "")
    if moved and moved[1] in STAGES and moved[2] in STAGES:  # pipeline.move_stage's "a->b (why)"
        names = (stage_label(lang, moved[1]), stage_label(lang, moved[2]))
        why = f" ({_reason(lang, moved[3])})" if moved[3] else ""
        return f"{names[0]} → {names[1]}{why}"
    words = audit_labels.reason_words(reason)
    if words is None:
        return reason or ""
    return ", ".join(translate_message(lang, audit_labels.REASON_WORDS[w]) for w in words)


@get("/console/audit.csv", opt=staff("admin"))
async def audit_csv(request: Request) -> Stream:
    lang = language(request)
    batches = await audit_log.export(actor(request), _filter(request), utcnow())
    return Stream(
        _csv(batches, lang),
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": 'attachment; filename="audit-log.csv"'},
    )


# The header in the reader's language, as on the page. The action's label is what a person
# reads; its key stays in the last column because it is the same in every language and is
# what the page's `?action=` filter and the code use, so a file can be filtered or compared
# across languages and releases without a lookup table.
_HEADER = ("Time", "Staff member", "Role", "Action", "Subject kind", "Subject", "Object",
           "Reason", "Action key")  # fmt: skip


async def _csv(batches: AsyncIterator[list[dict]], lang: str) -> AsyncIterator[bytes]:
    def said(message: str) -> str:
        return translate_message(lang, message)

    yield "\ufeff".encode()  # a spreadsheet reads the file as UTF-8
    yield _lines([[said(h) for h in _HEADER]])
    async for rows in batches:
        yield _lines(
            [
                r["at"].astimezone(dates.zone()).isoformat(timespec="seconds"),
                r["staff_name"]
                or said(
                    "former colleague"
                    if r["actor_kind"] == "staff"
                    else audit_labels.KINDS.get(r["actor_kind"], r["actor_kind"])
                ),
                said(audit_labels.ROLES.get(r["actor_role"], r["actor_role"] or "")),
                said(audit_labels.ACTIONS.get(r["action"], r["action"])),
                said(audit_labels.KINDS.get(r["subject_kind"], r["subject_kind"] or "")),
                r["subject"]["ref"],
                r["object_id"],
                reason_text(lang, r),
                r["action"],
            ]
            for r in rows
        )


def _lines(rows: object) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows([[_cell(v) for v in row] for row in rows])  # type: ignore[attr-defined]
    return out.getvalue().encode()


def _cell(value: object) -> str:
    """A cell a spreadsheet shows as text: a leading = + - @ would be read as a formula
    (OWASP "CSV injection"), and a staff name or a reason is typed by people."""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


ROUTES = [audit_page, audit_csv]
