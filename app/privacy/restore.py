"""After a database restore (README "PostgreSQL backups"): a backup taken before an erasure
brings the erased person back. Deletion receipts exported from the live database before the
restore name what was erased by internal reference only; replaying them erases those records
again through the same erasure service. Dated records need no replay: their erase-after date
has passed, and the next sweep erases them again."""

import uuid
from datetime import datetime

from app.privacy.audit import Actor
from app.privacy.erasure import erase_candidate, erase_visit
from app.tables import Candidate, DeletionReceipt, Visit

REPLAY_REASON = "replayed after a restore"


async def receipts_since(since: datetime) -> list[dict]:
    """Every receipt written since `since`, oldest first (kind, reference, reason, time)."""
    return await (
        DeletionReceipt.select(
            DeletionReceipt.kind,
            DeletionReceipt.reference,
            DeletionReceipt.reason,
            DeletionReceipt.erased_at,
        )
        .where(DeletionReceipt.erased_at >= since)
        .order_by(DeletionReceipt.id)
    )


def _uid(reference: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(reference)
    except ValueError:
        return None  # a batch receipt ("500 rows, ids ..."): dated, the sweep handles it


async def replay(receipts: list[tuple[str, str]], now: datetime, actor: Actor) -> dict[str, int]:
    """Erase again every candidate and visit named by these (kind, reference) receipts that a
    restore brought back. Application receipts are not replayed: an application is erased
    alone only when its date passed, and the sweep erases it again by that date."""
    done = {"candidates": 0, "visits": 0}
    for kind, reference in receipts:
        uid = _uid(reference)
        if uid is None:
            continue
        if kind == "candidate":
            row = await Candidate.select(Candidate.id).where(Candidate.uid == uid).first()
            if row is not None:
                await erase_candidate(row["id"], REPLAY_REASON, now, actor)
                done["candidates"] += 1
        elif kind == "visit":
            row = await Visit.select(Visit.id).where(Visit.uid == uid).first()
            if row is not None:
                await erase_visit(row["id"], REPLAY_REASON, now, actor)
                done["visits"] += 1
    return done
