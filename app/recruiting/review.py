"""The review queue of one position: applications with state, dates and consent badges.

Keyset pagination on (created_at, id), oldest first: each page continues strictly after the
last row seen, so a page costs the same at row 100,000 as at row 1 (no OFFSET scan) and
applications arriving meanwhile are neither skipped nor shown twice."""

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import msgspec

from app.errors import Forbidden, NotFound
from app.privacy import audit
from app.privacy.access import REVIEW_ROLES
from app.privacy.notices import stale_consents_many
from app.tables import Application, Position

PAGE_SIZE = 50
CONSENT_FILTERS = ("", "m", "n", "both", "none")


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


def _like(term: str) -> str:
    """Wildcards typed by the reviewer are dropped: SQLite and PostgreSQL escape differently."""
    plain = "".join(ch for ch in term if ch not in "%_\\")
    return f"%{plain}%"


def _where(query: Any, position_id: int, f: QueueFilter) -> Any:
    query = query.where(Application.position == position_id)
    if f.stage:
        query = query.where(Application.stage == f.stage)
    consent = {
        "m": Application.candidate.consent_m == True,  # noqa: E712 - a Piccolo expression
        "n": Application.candidate.consent_n == True,  # noqa: E712
        "both": (Application.candidate.consent_m == True)  # noqa: E712
        & (Application.candidate.consent_n == True),  # noqa: E712
        "none": (Application.candidate.consent_m == False)  # noqa: E712
        & (Application.candidate.consent_n == False),  # noqa: E712
    }.get(f.consent)
    if consent is not None:
        query = query.where(consent)
    if f.received_from:
        start = datetime.combine(f.received_from, time(), tzinfo=UTC)
        query = query.where(Application.created_at >= start)
    if f.received_to:
        end = datetime.combine(f.received_to + timedelta(days=1), time(), tzinfo=UTC)
        query = query.where(Application.created_at < end)
    if f.name:
        # Names of this position's applicants only: the reviewer may see every summary here.
        query = query.where(Application.candidate.full_name.ilike(_like(f.name)))
    return query


async def queue(
    actor: audit.Actor,
    position_id: int,
    f: QueueFilter,
    after: tuple[datetime, int] | None,
    now: datetime,
    limit: int = PAGE_SIZE,
) -> tuple[list[dict], str | None]:
    """One page of the queue and the cursor of the next page (None on the last page)."""
    if actor.role not in REVIEW_ROLES:
        raise Forbidden("Your role does not handle applications.")
    if not await Position.exists().where(Position.id == position_id):
        raise NotFound("We could not find that position.")
    query = _where(
        Application.select(
            Application.id,
            Application.created_at,
            Application.updated_at,
            Application.stage,
            Application.restricted,
            Application.objected,
            Application.candidate.id.as_alias("candidate_id"),
            Application.candidate.full_name.as_alias("name"),
            Application.candidate.language.as_alias("language"),
            Application.candidate.consent_m.as_alias("consent_m"),
            Application.candidate.consent_n.as_alias("consent_n"),
            Application.candidate.consent_version_m.as_alias("consent_version_m"),
            Application.candidate.consent_version_n.as_alias("consent_version_n"),
        ),
        position_id,
        f,
    )
    if after is not None:
        at, last_id = after
        # The plain `>=` bound lets both databases start an index range scan at the cursor
        # (PostgreSQL does not derive it from the OR); the OR then breaks ties by id.
        query = query.where(Application.created_at >= at).where(
            (Application.created_at > at)
            | ((Application.created_at == at) & (Application.id > last_id))
        )
    rows = await query.order_by(Application.created_at, Application.id).limit(limit + 1)
    more = len(rows) > limit
    rows = rows[:limit]
    stale = await stale_consents_many([{**r, "id": r["candidate_id"]} for r in rows])
    for r in rows:
        r["stale"] = stale[r["candidate_id"]]
    await audit.record(actor, "queue_viewed", now, subject_kind="position", object_id=position_id)
    cursor = encode_cursor(rows[-1]["created_at"], rows[-1]["id"]) if more and rows else None
    return rows, cursor
