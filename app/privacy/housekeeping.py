"""Small hourly and daily clean-ups that keep nothing longer than needed: expired single-use
tokens (their hashes still point at a person), stale failed-attempt counters, and CV files (app.recruiting.cv_blobs) that no key row points at (left by
a crash between writing a file and committing its row, or between an erasure's commit and the
file's removal; without a key such a file is unreadable, but it is still removed)."""

from datetime import datetime, timedelta

from app.recruiting import cv_blobs
from app.tables import CVFile, KeptCV, Throttle, Token, UnconfirmedApplication

# A CV is written before its application's transaction commits (app/recruiting/cv_store.py);
# a file younger than this may still be about to get its row.
ORPHAN_GRACE = timedelta(hours=1)
CHUNK = 500
THROTTLE_KEPT = timedelta(days=1)


async def purge_expired_tokens(now: datetime) -> int:
    rows = await Token.delete().where(Token.expires_at <= now).returning(Token.id)
    return len(rows)


async def purge_stale_throttles(now: datetime) -> int:
    """Failed-attempt counters are keyed by a hash of an e-mail or an IP prefix: once no
    policy can use them (every policy forgives within an hour), they go."""
    rows = (
        await Throttle.delete()
        .where(
            (Throttle.last_failure_at <= now - THROTTLE_KEPT)
            & (Throttle.locked_until.is_null() | (Throttle.locked_until <= now))
        )
        .returning(Throttle.id)
    )
    return len(rows)


async def sweep_orphan_cv_files(now: datetime, grace: timedelta = ORPHAN_GRACE) -> int:
    """Remove stored CV files (cv_blob rows on PostgreSQL, files in the CV folder) with no
    CVFile, KeptCV or UnconfirmedApplication row, older than `grace` (half-written `.part`
    files included). Returns how many were removed."""
    names = await cv_blobs.older_than(now - grace)
    orphans: list[str] = []
    for i in range(0, len(names), CHUNK):
        chunk = names[i : i + CHUNK]
        known = await CVFile.select(CVFile.storage_name).where(CVFile.storage_name.is_in(chunk))
        # A CV kept across an apply form's error has its key in kept_cv, not cv_file.
        known += await KeptCV.select(KeptCV.storage_name).where(KeptCV.storage_name.is_in(chunk))
        # A CV that waits for its owner's confirmation (issue 16) has its key row there.
        known += await UnconfirmedApplication.select(UnconfirmedApplication.storage_name).where(
            UnconfirmedApplication.storage_name.is_in(chunk)
        )
        kept = {r["storage_name"] for r in known}
        orphans += [n for n in chunk if n not in kept]
    return await cv_blobs.remove(orphans)
