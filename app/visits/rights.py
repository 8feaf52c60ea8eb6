"""Visitors' rights requests carried out (GDPR Art. 15 access, Art. 17 erasure, Art. 21
objection; policy: "You will be informed about your rights ... when you are registering
yourself into our electronic visit system").

A visitor's request (from /visitor-rights) names a person, an e-mail and a date, not a visit:
a visit holds no e-mail unless it was pre-registered. So staff see the visits that may be
theirs (same name within a few days of the given date, or pre-registered under that e-mail),
tick the ones that are, and only the ticked ones are exported or erased. A ticked id that is
not among the candidates is refused: a forged form cannot reach another visitor's record."""

import json
import re
import unicodedata
from datetime import date, datetime, timedelta

from app.db import transaction
from app.errors import Conflict, ValidationFailed
from app.privacy import audit, erasure
from app.privacy.requests_queue import OPEN_STATUSES, get_request
from app.tables import ExpectedVisit, Visit
from app.visits.local_time import day_bounds, local_date

# The visitor remembers the day roughly; a few days either side still finds the visit.
MATCH_DAYS = 3
MAX_CANDIDATES = 200
ERASE_REASON = "erasure_request"
_DATE = re.compile(r"Date of visit:\s*(\d{4}-\d{2}-\d{2})")

VISIT_COLUMNS = (
    Visit.id,
    Visit.uid,
    Visit.visitor_name,
    Visit.company,
    Visit.purpose,
    Visit.language,
    Visit.signed_in_at,
    Visit.signed_out_at,
    Visit.signed_out_by,
    Visit.expected_visit,
    Visit.host.name.as_alias("host_name"),
    Visit.kiosk.name.as_alias("kiosk_name"),
    Visit.notice_version.version.as_alias("notice_version"),
    Visit.notice_version.language.as_alias("notice_language"),
)


def same_name(a: str, b: str) -> bool:
    """Case- and spacing-insensitive, Unicode-aware (Æ/æ, Ø/ø): SQLite's LIKE folds ASCII only,
    so names are compared here rather than in SQL."""

    def fold(s: str) -> str:
        return " ".join(unicodedata.normalize("NFKC", s).casefold().split())

    return bool(a.strip()) and fold(a) == fold(b)


def visit_date(details: str) -> date | None:
    """The date the visitor gave (the public form writes it as the first line of details)."""
    match = _DATE.search(details or "")
    if not match:
        return None
    try:
        return date.fromisoformat(match.group(1))
    except ValueError:
        return None


async def visitor_request(request_id: int) -> dict:
    row = await get_request(request_id)
    if row["requester_kind"] != "visitor":
        raise Conflict("This is not a visitor's request.")
    return row


async def _by_name(name: str, around: date | None) -> list[dict]:
    query = Visit.select(*VISIT_COLUMNS)
    if around is not None:
        start = day_bounds(around - timedelta(days=MATCH_DAYS))[0]
        end = day_bounds(around + timedelta(days=MATCH_DAYS))[1]
        query = query.where((Visit.signed_in_at >= start) & (Visit.signed_in_at < end))
    rows = await query.order_by(Visit.signed_in_at).limit(5000)
    return [dict(r, matched="name") for r in rows if same_name(name, r["visitor_name"])]


async def _by_email(email: str) -> list[dict]:
    wanted = email.strip().casefold()
    if not wanted:
        return []
    expected = await ExpectedVisit.select(ExpectedVisit.id, ExpectedVisit.visitor_email).where(
        ExpectedVisit.visitor_email != ""
    )
    ids = [e["id"] for e in expected if e["visitor_email"].strip().casefold() == wanted]
    if not ids:
        return []
    rows = await Visit.select(*VISIT_COLUMNS).where(Visit.expected_visit.is_in(ids))
    return [dict(r, matched="email") for r in rows]


async def candidate_visits(request_id: int) -> tuple[dict, list[dict]]:
    """The request and the visits that may be the requester's, oldest first."""
    row = await visitor_request(request_id)
    found: dict[int, dict] = {}
    for visit in await _by_email(row["requester_email"]):
        found[visit["id"]] = visit
    for visit in await _by_name(row["requester_name"], visit_date(row["details"])):
        if visit["id"] in found:
            found[visit["id"]]["matched"] = "name_and_email"
        else:
            found[visit["id"]] = visit
    visits = sorted(found.values(), key=lambda v: v["signed_in_at"])[:MAX_CANDIDATES]
    return row, visits


async def review(actor: audit.Actor, request_id: int, now: datetime) -> tuple[dict, list[dict]]:
    """The candidates for staff to tick: a read of visitors' personal data, so audited."""
    row, visits = await candidate_visits(request_id)
    async with transaction():
        await audit.record(
            actor,
            "visitor_visits_matched",
            now,
            object_id=request_id,
            reason=f"{len(visits)} candidate visits",
            **_subject(row),
        )
    return row, visits


async def _chosen(request_id: int, visit_ids: list[int], kind: tuple[str, ...]) -> tuple:
    row, candidates = await candidate_visits(request_id)
    if row["kind"] not in kind:
        raise Conflict("This request is not of that kind.")
    if row["status"] not in OPEN_STATUSES:
        raise Conflict("This request is already closed.")
    wanted = set(visit_ids)
    if not wanted:
        raise ValidationFailed({"visit": "Tick the visits that are the requester's."})
    chosen = [v for v in candidates if v["id"] in wanted]
    if len(chosen) != len(wanted):
        raise ValidationFailed({"visit": "Tick only visits from the list."})
    return row, chosen


def _subject(row: dict) -> dict[str, str]:
    return {"subject_kind": "visitor", "subject_ref": str(row["uid"])}


def _export_visit(v: dict) -> dict:
    def iso(at: datetime | None) -> str | None:
        return at.isoformat() if at else None

    return {
        "visitor_name": v["visitor_name"],
        "company": v["company"],
        "purpose": v["purpose"],
        "host": v["host_name"],
        "kiosk": v["kiosk_name"],
        "language": v["language"],
        "notice_version": v["notice_version"],
        "notice_language": v["notice_language"],
        "signed_in_at": iso(v["signed_in_at"]),
        "signed_out_at": iso(v["signed_out_at"]),
        "signed_out_by": v["signed_out_by"],
        "pre_registered": v["expected_visit"] is not None,
    }


async def export_visits(
    actor: audit.Actor, request_id: int, visit_ids: list[int], now: datetime
) -> bytes:
    """Art. 15: exactly the ticked visits as JSON, for staff to send to the requester. The
    export is audited (ids and a count only, never the data)."""
    row, chosen = await _chosen(request_id, visit_ids, ("access",))
    document = {
        "request": {"kind": row["kind"], "received": local_date(row["received_at"]).isoformat()},
        "exported_at": now.isoformat(),
        "visits": [_export_visit(v) for v in chosen],
    }
    async with transaction():
        await audit.record(
            actor,
            "data_exported",
            now,
            object_id=request_id,
            reason=f"visitor access request: {len(chosen)} visits",
            **_subject(row),
        )
    return json.dumps(document, ensure_ascii=False, indent=2).encode()


async def erase_visits(
    actor: audit.Actor, request_id: int, visit_ids: list[int], now: datetime
) -> list[str]:
    """Art. 17 (and an upheld Art. 21 objection: keeping the record is the only processing):
    exactly the ticked visits, each through the one erasure service (statistics counted
    first, a deletion receipt each), all in ONE transaction: all are erased or none.
    A pre-registration linked to an erased visit holds the same name and e-mail, so it goes
    too. Returns the receipt references (the visits' former uids)."""
    row, chosen = await _chosen(request_id, visit_ids, ("erasure", "objection"))
    expected_ids = [v["expected_visit"] for v in chosen if v["expected_visit"] is not None]
    async with transaction():
        receipts = [await erasure.erase_visit(v["id"], ERASE_REASON, now, actor) for v in chosen]
        if expected_ids:
            await ExpectedVisit.delete().where(ExpectedVisit.id.is_in(expected_ids))
            await erasure.write_receipts(
                "expected_visit", [str(i) for i in expected_ids], ERASE_REASON, now
            )
        await audit.record(
            actor,
            "visitor_request_erased",
            now,
            object_id=request_id,
            reason=f"{len(receipts)} visits",
            **_subject(row),
        )
    await erasure.checkpoint()  # nested erasures skip it; the WAL must not keep the rows
    return receipts
