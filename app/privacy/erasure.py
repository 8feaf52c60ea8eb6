"""Erasure: the one way a candidate, an application or a visit is erased, whoever asks (the
candidate's own page, an answered erasure request, the retention sweep). GDPR Art. 17;
policy: "we destroy or erase it in a secure manner".

Inside ONE transaction: delete the rows (foreign keys cascade to applications, CV key rows,
ratings, scorecards and their scores, comments, stage changes, sessions, tokens and
rights-request rows), write a deletion
receipt without personal data. Erasure changes no statistic: the anonymous counters were
written when each event happened (app.privacy.statistics, issue 20).

CV files: the file is AES-GCM ciphertext whose key lives only in its CVFile row; the key dies
with the row in the same commit. The file itself is removed after the commit (a crash in
between leaves an unreadable file, which the daily orphan job removes). Called inside a
caller's transaction, removal is left to that orphan job, since the caller may still roll back.

Consent events, audit events and receipts survive: they name the person only by a random uid
that means nothing once the person's row is gone (kept 3 years, then swept)."""

import asyncio
import functools
import json
import logging
from collections.abc import Awaitable, Callable, Iterable
from datetime import datetime, timedelta
from typing import Any

from app.config import current
from app.db import engine, fetch, transaction
from app.privacy import audit
from app.privacy.audit import Actor
from app.recruiting import cv_blobs, erased_interviews
from app.tables import (
    AuditEvent,
    Candidate,
    DeletionReceipt,
    Visit,
)

log = logging.getLogger("intake.erasure")

ERASURE_ACTION = "erasure"


def in_transaction() -> bool:
    db: Any = engine()
    return db.current_transaction.get() is not None


def locked(query: Any) -> Any:
    """Lock the selected rows on PostgreSQL so two erasers never count the same row twice;
    SQLite's IMMEDIATE transactions already serialise writers."""
    return query if current().is_sqlite else query.lock_rows(of=(query.table,))


async def checkpoint() -> None:
    """SQLite: move the WAL into the database file (where `secure_delete` zeroed the erased
    rows' bytes) and truncate it, so no older page image of an erased row stays in the -wal
    file. Waits for readers through the busy timeout.

    In two steps: a TRUNCATE checkpoint blocks every writer while it copies, and after a sweep
    the WAL may hold a hundred megabytes (the server checkpoints in the background, app.db):
    copying them blocked the kiosk's sign-ins for ~120 ms, asleep in SQLite's busy handler
    (bench B4: the kiosk's p99 during a sweep). So a PASSIVE checkpoint first copies the bulk
    while writers go on; then TRUNCATE, holding the in-process writer lock (our writers queue
    there instead of sleeping), copies what was committed in between and empties the file.
    SQLite answers "busy" at once, without waiting, while another checkpoint runs (the
    server's own, app.wal_checkpoint): then it is tried again, or the WAL would keep the rows."""
    if not current().is_sqlite:
        return
    db: Any = engine()
    if in_transaction():  # our own transaction would hold the writer lock already
        await db.run_ddl("PRAGMA wal_checkpoint(TRUNCATE)")
        return
    await db.run_ddl("PRAGMA wal_checkpoint(PASSIVE)")
    for _ in range(TRUNCATE_TRIES):
        async with db.writer_lock():
            rows = await db.run_ddl("PRAGMA wal_checkpoint(TRUNCATE)")
        if not rows or not rows[0]["busy"]:
            return
        await asyncio.sleep(0.05)
    log.warning("WAL not truncated after an erasure: busy %s times", TRUNCATE_TRIES)


TRUNCATE_TRIES = 40


RECEIPT_INSERT = (
    "INSERT INTO deletion_receipt (kind, reference, reason, erased_at, erase_after) "
    "VALUES (?, ?, ?, ?, ?)"
)
# PostgreSQL: every reference of a batch in one array, one statement. executemany sends one
# INSERT per row, and the server's work per statement made 10,000 receipts cost 0.15 s
# (bench B4); SQLite's executemany is a loop in C on a prepared statement.
RECEIPTS_FROM_ARRAY = (
    "INSERT INTO deletion_receipt (kind, reference, reason, erased_at, erase_after) "
    "SELECT $1, reference, $2, $3, $4 FROM unnest($5::text[]) AS reference"
)


async def write_receipts(kind: str, references: Iterable[str], reason: str, now: datetime) -> None:
    """Proof of erasure without personal data: kind, internal reference, reason, time.
    Inside a transaction the rows go in one statement (PostgreSQL: an array) or through the
    driver's executemany (SQLite): a sweep writes hundreds per batch, and building a query
    object per row would cost more than the erasure."""
    keep = now + timedelta(days=current().retention.audit_days)
    rows = [(kind[:32], ref[:64], reason[:64], now, keep) for ref in references]
    if not rows:
        return
    db: Any = engine()
    txn = db.current_transaction.get()
    if txn is not None and not current().is_sqlite:
        refs = [ref for _, ref, _, _, _ in rows]
        await txn.connection.execute(RECEIPTS_FROM_ARRAY, kind[:32], reason[:64], now, keep, refs)
    elif txn is None:
        await DeletionReceipt.insert(
            *[
                DeletionReceipt(kind=k, reference=r, reason=why, erased_at=at, erase_after=until)
                for k, r, why, at, until in rows
            ]
        )
    elif getattr(txn, "_writer", None) is not None:
        # SQLite, holding the writer lock: on the loop's thread like every statement of a
        # write transaction (app.db._run_in_existing_connection). A trip to the connection's
        # thread cost a visit batch of the sweep more than its DELETE's own share on a
        # throttled machine (bench B4: 1.75 ms a batch).
        txn.connection._conn.executemany(RECEIPT_INSERT, rows)
    else:
        await txn.connection.executemany(RECEIPT_INSERT, rows)


# Constant SQL (values are bound parameters) for app.db.fetch. A list of values is ONE
# parameter, whatever its length (no query object, no placeholder per id): a JSON array read
# by json_each on SQLite, an array compared with = ANY(...) on PostgreSQL (_pg).
_IN_LIST = " IN (SELECT value FROM json_each(?))"  # written out below (ruff S608), _pg swaps it
_CV_NAMES = "SELECT storage_name FROM cv_file WHERE application IN (SELECT value FROM json_each(?))"
_APPLICATIONS_OF = (
    "SELECT id, uid FROM application WHERE candidate IN (SELECT value FROM json_each(?))"
)
_DELETE_MAIL_TO = "DELETE FROM outbox_mail WHERE to_address IN (SELECT value FROM json_each(?))"
# Mail about an application (a message, an interviewer's invitation): goes with it, whoever
# it was sent to (issue 17.4-5).
_DELETE_MAIL_ABOUT = "DELETE FROM outbox_mail WHERE about IN (SELECT value FROM json_each(?))"
_PLANNED_INTERVIEWS = (
    "SELECT application FROM interview WHERE status = 'scheduled' "
    "AND application IN (SELECT value FROM json_each(?))"
)
_DELETE_CANDIDATES = "DELETE FROM candidate WHERE id IN (SELECT value FROM json_each(?))"
_DELETE_APPLICATIONS = "DELETE FROM application WHERE id IN (SELECT value FROM json_each(?))"
_UNCONFIRMED_CV_NAMES = (
    "SELECT storage_name FROM unconfirmed_application "
    "WHERE candidate IN (SELECT value FROM json_each(?))"
)
_DELETE_UNCONFIRMED = (
    "DELETE FROM unconfirmed_application WHERE id IN (SELECT value FROM json_each(?)) "
    "RETURNING uid, storage_name"
)
_LONELY_CANDIDATES = (
    "SELECT c.id AS id, c.uid AS uid, c.email AS email, c.email_pending AS email_pending "
    "FROM candidate c WHERE c.id IN (SELECT value FROM json_each(?)) AND NOT EXISTS "
    "(SELECT 1 FROM application a WHERE a.candidate = c.id) ORDER BY c.id"
)


@functools.cache
def _pg(sql: str) -> str:
    return sql.replace(_IN_LIST, " = ANY(?)")


async def _fetch_in(sql: str, values: Iterable[Any]) -> list[dict[str, Any]]:
    """`sql` with its one list of values, in the caller's transaction."""
    if current().is_sqlite:
        return await fetch(sql, json.dumps(list(values)))
    return await fetch(_pg(sql), list(values))


async def cv_names(application_ids: list[int]) -> list[str]:
    if not application_ids:
        return []
    rows = await _fetch_in(_CV_NAMES, application_ids)
    return [r["storage_name"] for r in rows]


async def remove_cv_files(names: Iterable[str]) -> int:
    """Remove ciphertext files whose keys are already destroyed: rows of cv_blob on
    PostgreSQL, files in the CV folder on SQLite (app.recruiting.cv_blobs)."""
    return await cv_blobs.remove(list(names))


async def _receipt_for(kind: str, object_id: int) -> str:
    """The reference of an earlier erasure of the same record (idempotency)."""
    row = (
        await AuditEvent.select(AuditEvent.subject_ref)
        .where(
            (AuditEvent.action == ERASURE_ACTION)
            & (AuditEvent.subject_kind == kind)
            & (AuditEvent.object_id == str(object_id))
        )
        .order_by(AuditEvent.id, ascending=False)
        .first()
    )
    return str(row["subject_ref"]) if row else ""


async def erase_candidates_rows(candidates: list[dict], reason: str, now: datetime) -> list[str]:
    """Every row of these candidates (cascading to their applications, CV
    keys, ratings, comments, stage changes, sessions, links, rights-request rows); returns the
    CV file names to remove. Runs inside the caller's transaction (erase_candidate or the
    sweep), in a fixed number of constant statements whatever the number of candidates."""
    if not candidates:
        return []
    ids = [c["id"] for c in candidates]
    apps = await _fetch_in(_APPLICATIONS_OF, ids)
    app_ids = [a["id"] for a in apps]
    names = await cv_names(app_ids)
    # Applications waiting for the owner's confirmation go with the candidate (cascade); so
    # do their CV keys, and their files are removed with the others.
    names += [r["storage_name"] for r in await _fetch_in(_UNCONFIRMED_CV_NAMES, ids)]
    # Mail queued to a candidate carries their name and address: it goes with them.
    addresses = sorted({a for c in candidates for a in (c["email"], c["email_pending"]) if a})
    if addresses:
        await _fetch_in(_DELETE_MAIL_TO, addresses)
    await call_off_interviews(app_ids, now)
    await erase_mail_about([str(a["uid"]) for a in apps])
    await _fetch_in(_DELETE_CANDIDATES, ids)
    await write_receipts("candidate", [str(c["uid"]) for c in candidates], reason, now)
    return names


async def erase_candidate_rows(candidate: dict, reason: str, now: datetime) -> list[str]:
    return await erase_candidates_rows([candidate], reason, now)


async def erase_candidate(
    candidate_id: int,
    reason: str,
    now: datetime,
    actor: Actor,
    also: Callable[[], Awaitable[None]] | None = None,
) -> str:
    """Erase a candidate and everything about them at once (their request, an answered
    erasure request, withdrawal of both evaluation consents, retention). Returns the deletion
    receipt's reference (the candidate's former uid); erasing again returns the same.
    `also` runs in the same transaction when there is someone to erase (an erasure request
    is answered by it: its statistic)."""
    nested = in_transaction()
    async with transaction():
        query = Candidate.select(
            Candidate.id, Candidate.uid, Candidate.email, Candidate.email_pending
        ).where(Candidate.id == candidate_id)
        candidate = await locked(query).first()
        if candidate is None:
            return await _receipt_for("candidate", candidate_id)
        names = await erase_candidate_rows(candidate, reason, now)
        if also is not None:
            await also()
        await audit.record(
            actor,
            ERASURE_ACTION,
            now,
            subject_kind="candidate",
            subject_ref=str(candidate["uid"]),
            object_id=candidate_id,
            reason=reason,
        )
    if not nested:
        await remove_cv_files(names)
        await checkpoint()
    return str(candidate["uid"])


async def erase_application_rows(app_rows: list[dict], reason: str, now: datetime) -> list[str]:
    """The applications (cascading to CV keys, ratings, comments, stage
    changes); returns the CV file names. Runs inside the caller's transaction, on rows it
    holds (locked on PostgreSQL, SQLite's single writer): named and deleted in one
    constant statement each, one receipt per application in one executemany."""
    ids = [a["id"] for a in app_rows]
    if not ids:
        return []
    names = await cv_names(ids)
    await call_off_interviews(ids, now)
    await erase_mail_about([str(a["uid"]) for a in app_rows])
    await _fetch_in(_DELETE_APPLICATIONS, ids)
    await write_receipts("application", [str(a["uid"]) for a in app_rows], reason, now)
    return names


async def call_off_interviews(application_ids: list[int], now: datetime) -> None:
    """An interview still planned is cancelled in the interviewers' calendars before its
    application goes (the cancellation carries nothing of the candidate and is not erased
    with them); one constant statement when there is none."""
    if application_ids:
        planned = await _fetch_in(_PLANNED_INTERVIEWS, application_ids)
        if planned:
            await erased_interviews.call_off_before_erasure(
                [r["application"] for r in planned], now
            )


async def erase_mail_about(application_uids: list[str]) -> None:
    """The outbox's mail about these applications (messages, interview invitations to the
    candidate and to interviewers), sent or not: their copies go with them."""
    if application_uids:
        await _fetch_in(_DELETE_MAIL_ABOUT, application_uids)


async def erase_unconfirmed_rows(rows: list[dict], reason: str, now: datetime) -> list[str]:
    """Applications that waited for the address owner's confirmation (issue 16), refused by
    the owner or unconfirmed in time: the rows and their CV keys in one statement, a receipt
    each, nothing counted (they never were applications). Returns the CV file names to remove
    after the caller's commit."""
    ids = [r["id"] for r in rows]
    if not ids:
        return []
    gone = await _fetch_in(_DELETE_UNCONFIRMED, ids)
    await write_receipts("unconfirmed_application", [str(r["uid"]) for r in gone], reason, now)
    return [r["storage_name"] for r in gone]


async def lonely_candidates(candidate_ids: Iterable[int]) -> list[dict]:
    """Those of these candidates with no application left (one statement): what erasing
    their last applications leaves behind, in the caller's transaction."""
    ids = sorted(set(candidate_ids))
    if not ids:
        return []
    return await _fetch_in(_LONELY_CANDIDATES, ids)


async def erase_visit_rows(visits: list[dict], reason: str, now: datetime) -> None:
    ids = [v["id"] for v in visits]
    if not ids:
        return
    await Visit.delete().where(Visit.id.is_in(ids))
    await write_receipts("visit", [str(v["uid"]) for v in visits], reason, now)


VISIT_FIELDS = (Visit.id, Visit.uid)


async def erase_visit(visit_id: int, reason: str, now: datetime, actor: Actor) -> str:
    """Erase one visit at once (an answered visitor erasure request). Returns the receipt reference (the visit's former uid)."""
    nested = in_transaction()
    async with transaction():
        visit = await locked(Visit.select(*VISIT_FIELDS).where(Visit.id == visit_id)).first()
        if visit is None:
            return await _receipt_for("visitor", visit_id)
        await erase_visit_rows([visit], reason, now)
        await audit.record(
            actor,
            ERASURE_ACTION,
            now,
            subject_kind="visitor",
            subject_ref=str(visit["uid"]),
            object_id=visit_id,
            reason=reason,
        )
    if not nested:
        await checkpoint()
    return str(visit["uid"])
