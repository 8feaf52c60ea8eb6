"""The review queue of one position: applications with state, dates and consent badges.

Keyset pagination on (created_at, id), oldest first: each page continues strictly after the
last row seen, so a page costs the same at row 100,000 as at row 1 (no OFFSET scan) and
applications arriving meanwhile are neither skipped nor shown twice."""

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import msgspec

from app.db import fetch
from app.errors import Forbidden, NotFound
from app.privacy import audit
from app.privacy.access import REVIEW_ROLES, decide
from app.privacy.notices import stale_consents_many
from app.recruiting.screening import flagged_among
from app.search import contains

PAGE_SIZE = 50
CONSENT_FILTERS = ("", "m", "n", "both", "none")


class QueueRow(msgspec.Struct):
    """One line of the queue: a summary, never the CV or the cover letter. A Struct, not a
    dict: the template reads a dozen attributes per row, and Jinja looks a dict's keys up
    only after a failed attribute lookup (an exception per cell, bench B3)."""

    id: int
    created_at: datetime
    updated_at: datetime
    stage: str
    restricted: bool
    objected: bool
    candidate_id: int
    name: str
    language: str
    consent_m: bool
    consent_n: bool
    consent_version_m: int | None
    consent_version_n: int | None
    stale: list[str] = []
    # A screening answer asks a person to look (issue 21 point 7): shown only where the
    # consents let the reviewer see the answers (app.privacy.access); never an order or a verdict.
    flagged: bool = False


class QueueFilter(msgspec.Struct, frozen=True):
    stage: str = ""
    consent: str = ""  # one of CONSENT_FILTERS
    received_from: date | None = None
    received_to: date | None = None
    name: str = ""


def encode_cursor(created_at: datetime, application_id: int) -> str:
    return f"{created_at.isoformat()}_{application_id}"


def decode_cursor(raw: str | None) -> tuple[datetime, int] | None:
    """A tampered cursor is simply the first page, never an error."""
    if not raw or "_" not in raw:
        return None
    stamp, _, ident = raw.rpartition("_")
    try:
        at = datetime.fromisoformat(stamp)
        return (at if at.tzinfo else at.replace(tzinfo=UTC)), int(ident)
    except ValueError:
        return None


# The page as constant SQL fragments joined with AND; every value is a bound parameter.
# (HR's most frequent page: building it as a Piccolo query cost more CPU than the database
# took to answer it, bench B3.)
_PAGE = (
    "SELECT a.id, a.created_at, a.updated_at, a.stage, a.restricted, a.objected, "
    "c.id AS candidate_id, c.full_name AS name, c.language, c.consent_m, c.consent_n, "
    "c.consent_version_m, c.consent_version_n "
    "FROM application a JOIN candidate c ON c.id = a.candidate "
    "WHERE {where} ORDER BY a.created_at, a.id LIMIT ?"
)
_CONSENT = {
    "m": "c.consent_m = ?",
    "n": "c.consent_n = ?",
    "both": "c.consent_m = ? AND c.consent_n = ?",
    "none": "c.consent_m = ? AND c.consent_n = ?",
}
_CONSENT_VALUES = {"m": (True,), "n": (True,), "both": (True, True), "none": (False, False)}
# The plain `>=` bound lets both databases start an index range scan at the cursor
# (PostgreSQL does not derive it from the OR); the OR then breaks ties by id.
_AFTER = "a.created_at >= ? AND (a.created_at > ? OR (a.created_at = ? AND a.id > ?))"


def _where(
    position_id: int, f: QueueFilter, after: tuple[datetime, int] | None
) -> tuple[str, list[Any]]:
    parts: list[str] = ["a.position = ?"]
    args: list[Any] = [position_id]
    if f.stage:
        parts.append("a.stage = ?")
        args.append(f.stage)
    if f.consent in _CONSENT:
        parts.append(_CONSENT[f.consent])
        args.extend(_CONSENT_VALUES[f.consent])
    if f.received_from:
        parts.append("a.created_at >= ?")
        args.append(datetime.combine(f.received_from, time(), tzinfo=UTC))
    if f.received_to:
        parts.append("a.created_at < ?")
        args.append(datetime.combine(f.received_to + timedelta(days=1), time(), tzinfo=UTC))
    if f.name:
        # Names of this position's applicants only: the reviewer may see every summary here.
        condition, term = contains("c.full_name", f.name)  # any case, any alphabet
        parts.append(condition)
        args.append(term)
    if after is not None:
        at, last_id = after
        parts.append(_AFTER)
        args.extend((at, at, at, last_id))
    return " AND ".join(parts), args


async def queue(
    actor: audit.Actor,
    position_id: int,
    f: QueueFilter,
    after: tuple[datetime, int] | None,
    now: datetime,
    limit: int = PAGE_SIZE,
) -> tuple[list[QueueRow], str | None]:
    """One page of the queue and the cursor of the next page (None on the last page)."""
    if actor.role not in REVIEW_ROLES:
        raise Forbidden("Your role does not handle applications.")
    if not await fetch("SELECT id FROM position WHERE id = ?", position_id):
        raise NotFound("We could not find that position.")
    where, args = _where(position_id, f, after)
    rows = await fetch(_PAGE.format(where=where), *args, limit + 1)
    more = len(rows) > limit
    rows = rows[:limit]
    stale = await stale_consents_many([{**r, "id": r["candidate_id"]} for r in rows])
    page = [QueueRow(**r, stale=stale[r["candidate_id"]]) for r in rows]
    await _mark_flags(actor, page)
    await audit.record(actor, "queue_viewed", now, subject_kind="position", object_id=position_id)
    cursor = encode_cursor(page[-1].created_at, page[-1].id) if more and page else None
    return page, cursor


async def _mark_flags(actor: audit.Actor, page: list[QueueRow]) -> None:
    """Flags of this page's rows, for the rows whose answers the reviewer may see. The page's
    order and rows are already fixed: a flag changes neither (GDPR Art. 22)."""
    flagged = await flagged_among([r.id for r in page])
    for row in page:
        if row.id in flagged:
            facts = {"restricted": row.restricted, "objected": row.objected, "stage": row.stage}
            row.flagged = decide(
                actor.role, facts, {"consent_m": row.consent_m}, "view_screening"
            ).allowed
