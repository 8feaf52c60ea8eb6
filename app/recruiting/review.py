"""The review queue of one position: applications with state, dates, days in stage, the
reviewer's view of the average score and consent badges; counts per stage for the tabs; the
previous and next applicant within the same filters and order.

Keyset pagination in every order (app.recruiting.queue_order): each page continues strictly
after the last row seen, so a page costs the same at row 100,000 as at row 1 (no OFFSET scan)
and applications arriving meanwhile are neither skipped nor shown twice."""

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import msgspec

from app.db import fetch
from app.errors import Forbidden, NotFound
from app.privacy import audit
from app.privacy.access import REVIEW_ROLES, decide
from app.privacy.notices import stale_consents_many
from app.recruiting import queue_order
from app.recruiting.pipeline import STAGES
from app.recruiting.queue_order import Key
from app.recruiting.screening import flagged_among
from app.search import contains

PAGE_SIZE = 50
CONSENT_FILTERS = ("", "m", "n", "both", "none")
# The stage tabs count at most this many a stage (shown as "500+"): counting is then a short
# index range per stage whatever the size of the position (bench B3 at 100,000: counting to
# 1,000 in each of 7 stages took 0.9 ms in process, six times the page's own SELECT).
COUNT_CAP = 500


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
    score_average: int | None
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
    # The average is shown only where purpose n allows it (decide()) and the reviewer has
    # submitted their own scorecard (no anchoring on colleagues' scores, see scorecards.py).
    score_shown: bool = False
    days_in_stage: int = 0
    stage_since: Any = None  # the last stage move (SQLite: its text), None if never moved
    scored_by_me: Any = False  # 0/1 on SQLite


class QueueFilter(msgspec.Struct, frozen=True):
    stage: str = ""
    consent: str = ""  # one of CONSENT_FILTERS
    received_from: date | None = None
    received_to: date | None = None
    name: str = ""
    sort: str = queue_order.DEFAULT_SORT  # one of queue_order.SORTS

    @property
    def order(self) -> str:
        # One stage sorted by stage is that stage oldest first: one index range, same rows.
        return "oldest" if self.sort == "stage" and self.stage else self.sort


def encode_cursor(created_at: datetime, application_id: int) -> str:
    return queue_order.encode_cursor("oldest", Key(created_at, application_id))


def decode_cursor(raw: str | None, sort: str = queue_order.DEFAULT_SORT) -> Key | None:
    return queue_order.decode_cursor(sort, raw)


_CONSENT = {
    "m": "c.consent_m = ?",
    "n": "c.consent_n = ?",
    "both": "c.consent_m = ? AND c.consent_n = ?",
    "none": "c.consent_m = ? AND c.consent_n = ?",
}
_CONSENT_VALUES = {"m": (True,), "n": (True,), "both": (True, True), "none": (False, False)}


def _where(position_id: int, f: QueueFilter) -> tuple[str, list[Any]]:
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
    return " AND ".join(parts), args


async def _check(actor: audit.Actor, position_id: int) -> None:
    if actor.role not in REVIEW_ROLES:
        raise Forbidden("Your role does not handle applications.")
    if not await fetch("SELECT id FROM position WHERE id = ?", position_id):
        raise NotFound("We could not find that position.")


async def queue(
    actor: audit.Actor,
    position_id: int,
    f: QueueFilter,
    after: Key | None,
    now: datetime,
    limit: int = PAGE_SIZE,
) -> tuple[list[QueueRow], str | None]:
    """One page of the queue and the cursor of the next page (None on the last page)."""
    await _check(actor, position_id)
    where, args = _where(position_id, f)
    rows = await queue_order.ordered(
        f.order, where, args, after, limit + 1, reviewer=(actor.id, actor.role)
    )
    more = len(rows) > limit
    rows = rows[:limit]
    stale = await stale_consents_many([{**r, "id": r["candidate_id"]} for r in rows])
    page = [QueueRow(**r, stale=stale[r["candidate_id"]]) for r in rows]
    await _mark_flags(actor, page)
    _mark_scores_and_days(actor, page, now)
    await audit.record(actor, "queue_viewed", now, subject_kind="position", object_id=position_id)
    last = queue_order.key_of(f.order, rows[-1]) if rows else None
    cursor = queue_order.encode_cursor(f.order, last) if more and last else None
    return page, cursor


def _facts(row: QueueRow) -> dict[str, Any]:
    return {"restricted": row.restricted, "objected": row.objected, "stage": row.stage}


async def _mark_flags(actor: audit.Actor, page: list[QueueRow]) -> None:
    """Flags of this page's rows, for the rows whose answers the reviewer may see. The page's
    order and rows are already fixed: a flag changes neither (GDPR Art. 22)."""
    flagged = await flagged_among([r.id for r in page])
    for row in page:
        if row.id in flagged:
            row.flagged = decide(
                actor.role, _facts(row), {"consent_m": row.consent_m}, "view_screening"
            ).allowed


def _mark_scores_and_days(actor: audit.Actor, page: list[QueueRow], now: datetime) -> None:
    for row in page:
        may = decide(actor.role, _facts(row), {"consent_n": row.consent_n}, "view_evaluation")
        row.score_shown = bool(may.allowed and row.scored_by_me and row.score_average is not None)
        if not row.score_shown:
            row.score_average = None  # never in the page, not even unrendered
        entered = row.stage_since or row.created_at
        if isinstance(entered, str):  # SQLite gives an expression's value back as text
            entered = datetime.fromisoformat(entered)
            entered = entered if entered.tzinfo else entered.replace(tzinfo=UTC)
        row.days_in_stage = max(0, (now - entered).days)


async def stage_counts(actor: audit.Actor, position_id: int) -> dict[str, int]:
    """Applications per stage (each at most COUNT_CAP), for the tabs: summaries only, which
    every reviewer may see (decide(): view_summary needs no purpose)."""
    await _check(actor, position_id)
    args = [v for stage in STAGES for v in (position_id, stage)]
    rows = await fetch(_COUNTS, *args)
    return {STAGES[r["rank"]]: int(r["n"]) for r in rows}


# One short index range per stage, in one statement; our constants only, values bound.
_COUNTS = " UNION ALL ".join(
    f"SELECT {rank} AS rank, COUNT(*) AS n FROM (SELECT 1 AS one FROM application "  # noqa: S608
    f"WHERE position = ? AND stage = ? LIMIT {COUNT_CAP}) s{rank}"
    for rank in range(len(STAGES))
)


async def neighbours(
    actor: audit.Actor, position_id: int, f: QueueFilter, application_id: int
) -> tuple[int | None, int | None]:
    """The previous and next application in the queue's filters and order, seen from this
    one (the application page's previous/next and j/k). The application itself need not
    match the filters (it may have moved stage since): its place in the order is enough."""
    await _check(actor, position_id)
    here = await fetch(
        "SELECT id, created_at, stage, score_average FROM application "
        "WHERE id = ? AND position = ?",
        application_id,
        position_id,
    )
    reviewer = (actor.id, actor.role)
    if not here or (
        f.order == "score" and not await queue_order.in_score_order(reviewer, application_id)
    ):
        return None, None
    key = queue_order.key_of(f.order, here[0])
    where, args = _where(position_id, f)
    found = []
    for backwards in (True, False):
        rows = await queue_order.ordered(
            f.order, where, args, key, 1, backwards=backwards, reviewer=reviewer
        )
        found.append(int(rows[0]["id"]) if rows else None)
    return found[0], found[1]
