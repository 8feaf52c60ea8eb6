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
_SHOWN = re.compile(r"^(\d+) shown$")
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
    them (a bulk action's tally, a language, a role, a purpose, an assignee, a date) in words;
    what is stored stays as written, and anything else is shown as it is."""
    reason = row["reason"] or ""
    try:
        worded = _worded(
            lang, row["action"], reason, row.get("assignee_id"), row.get("assignee_name")
        )
    except (KeyError, ValueError, TypeError):  # an old or odd row: shown as written
        worded = None
    return _reason(lang, reason) if worded is None else worded


def _worded(
    lang: str, action: str, reason: str, assignee_id: int | None, assignee_name: str | None
) -> str | None:
    def said(message: str, **values: str) -> str:
        text = translate_message(lang, message)
        return text % values if values else text

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
    if action in ("consent_given", "consent_withdrawn") and (purpose := _PURPOSE.match(reason)):
        return said(CONSENT[purpose[1]]) if purpose[1] in CONSENT else None
    if action == "consent_renewed" and reason:
        purposes = reason.split(",")
        if all(p in CONSENT for p in purposes):
            return ", ".join(said(CONSENT[p]) for p in purposes)
        return None
    if action == "rights_request_assigned":  # the id read from the reason by audit_log
        if assignee_id is None:
            return None
        name = assignee_name or said(audit_labels.FORMER_ASSIGNEE, id=str(assignee_id))
        return said(audit_labels.ASSIGNED, name=name)
    if action in audit_labels.VISITS_READ and (shown := _SHOWN.match(reason)):
        return said(audit_labels.VISITS_SHOWN, n=shown[1])
    if action == "rights_request_extended" and (due := _DUE.match(reason)):
        return said(audit_labels.DUE, day=dates.day(date.fromisoformat(due[1]), lang))
    return None


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
