"""The retention sweep (policy: "When the personal data ... is no longer required ... we destroy
or erase it in a secure manner"; MISSION.md "Retention defaults").

Every kind of record is swept in batches of `retention_batch_size` (visits, deleted set-wise
in SQL: sized by how long a batch holds SQLite's writer, app.privacy.sweep_visits), one
transaction each: delete, write deletion receipts. Nothing is counted here: the anonymous
statistics were written when each event happened, and erasure changes none (issue 20).
A crash in the middle of a batch rolls it back; the next run finishes the work (idempotent
and resumable). Short transactions keep the kiosk's writes flowing on SQLite while a sweep
runs.

Two shapes of batch:
- plain records (visits, pre-registrations, logs) go in ONE statement per batch,
  `DELETE ... WHERE id IN (due ids LIMIT n) RETURNING ...`;
- applications and candidates need their CV names before the cascade removes them: their
  rows are selected (locked with SKIP LOCKED on PostgreSQL), then deleted, keyset-paged on
  id so a due row that must be kept never stalls the loop. Each step of such a batch (CV
  names, delete, candidates left with no application, receipts) is one constant statement
  over the batch's ids, whatever its size (app.privacy.erasure).

Visits and pre-registrations get one receipt per batch (a count and an id range: internal ids
mean nothing once the rows are gone); applications, candidates and requests one each.
After each sweep on SQLite the WAL is checkpointed and truncated (`secure_delete` zeroed the
erased bytes in the database file)."""

from collections import Counter
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from piccolo.table import Table

from app.concurrency import side_by_side
from app.config import Retention, current
from app.db import make_room, transaction
from app.privacy.erasure import (
    checkpoint,
    erase_application_rows,
    erase_candidates_rows,
    erase_unconfirmed_rows,
    in_transaction,
    lonely_candidates,
    remove_cv_files,
    write_receipts,
)
from app.privacy.retention import RETENTION_REASON
from app.privacy.sweep_visits import sweep_visits
from app.tables import (
    Application,
    AuditEvent,
    Candidate,
    ConsentEvent,
    DeletionReceipt,
    Disclosure,
    ExpectedVisit,
    JobRun,
    OutboxMail,
    RightsRequest,
    UnconfirmedApplication,
    Visit,
)

# Job runs hold no personal data; the mail job alone writes one every 30 seconds. Deletion
# receipts (kept 3 years) are the lasting proof of what the sweep erased.
JOB_RUN_KEPT = timedelta(days=90)
Progress = Callable[[str, int], None]
Tally = Counter[str]
Eraser = Callable[[list[dict], datetime, Tally], Awaitable[list[str]]]
AfterDelete = Callable[[list[dict], datetime], Awaitable[None]]
OwnSweep = Callable[[datetime, int, Tally, Progress | None], Awaitable[None]]


class Kind(NamedTuple):
    """One kind of record: which rows are due at `now`, the columns a batch needs, and either
    `after` (plain: runs on the rows one DELETE ... RETURNING removed) or `erase` (selected
    first, erased by the function, which adds to the tally and returns CV file names)."""

    name: str
    table: type[Table]
    fields: tuple[Any, ...]
    due: Callable[[datetime, Retention], Any]
    date_column: Any  # what the dry run and the console show as "due on"
    after: AfterDelete | None = None
    erase: Eraser | None = None
    sweep: OwnSweep | None = None  # a kind with its own batches in SQL (visits: the bulk)


# --- applications and candidates (select, erase) --------------------------------------------


async def _erase_applications(rows: list[dict], now: datetime, tally: Tally) -> list[str]:
    """Applications, then every candidate left with none (a candidate row exists for its
    applications; it goes with the last of them, in the same transaction)."""
    names = await erase_application_rows(rows, RETENTION_REASON, now)
    tally["applications"] += len(rows)
    return names + await _erase_candidates([r["candidate"] for r in rows], now, tally)


async def _erase_candidates(ids: list[int], now: datetime, tally: Tally) -> list[str]:
    """Those of these candidates with no application left (checked here, in the batch's
    transaction: one may have arrived since the batch was selected)."""
    rows = await lonely_candidates(ids)
    tally["candidates"] += len(rows)
    return await erase_candidates_rows(rows, RETENTION_REASON, now)


async def _erase_unconfirmed(rows: list[dict], now: datetime, tally: Tally) -> list[str]:
    names = await erase_unconfirmed_rows(rows, RETENTION_REASON, now)
    tally["unconfirmed_applications"] += len(rows)
    return names


async def _erase_lonely_candidates(rows: list[dict], now: datetime, tally: Tally) -> list[str]:
    return await _erase_candidates([r["id"] for r in rows], now, tally)


# --- plain records (one DELETE ... RETURNING per batch) -------------------------------------


async def _batch_receipt(kind: str, rows: list[dict], now: datetime) -> None:
    ids = [r["id"] for r in rows]
    await write_receipts(
        kind, [f"{len(ids)} rows, ids {min(ids)}-{max(ids)}"], RETENTION_REASON, now
    )


def _receipt_each(kind: str, ref: str) -> AfterDelete:
    async def after(rows: list[dict], now: datetime) -> None:
        await write_receipts(kind, [str(r[ref]) for r in rows], RETENTION_REASON, now)

    return after


async def _after_expected(rows: list[dict], now: datetime) -> None:
    await _batch_receipt("expected_visits", rows, now)


def _expired(table: Any) -> Callable[[datetime, Retention], Any]:
    return lambda now, r: table.erase_after <= now


def _due_visits(now: datetime, r: Retention) -> Any:
    # Also a visit whose date was never stored: 30 days after its sign-out.
    stale = now - timedelta(days=r.visits_days)
    return (Visit.erase_after <= now) | (
        Visit.erase_after.is_null() & (Visit.signed_out_at <= stale)
    )


def _due_expected(now: datetime, r: Retention) -> Any:
    stale = (now - timedelta(days=r.visits_days)).date()
    return (ExpectedVisit.erase_after <= now) | (
        ExpectedVisit.erase_after.is_null() & (ExpectedVisit.expected_on < stale)
    )


def _due_requests(now: datetime, r: Retention) -> Any:
    # An open request is never swept: it must be answered first (Art. 12(3)); an answered one
    # is kept the full period after its answer (the proof that we answered), even if its date
    # was set from its receipt.
    answered_long_ago = RightsRequest.closed_at.is_null() | (
        RightsRequest.closed_at <= now - timedelta(days=r.audit_days)
    )
    closed = RightsRequest.status.is_in(["done", "refused"])
    return (RightsRequest.erase_after <= now) & closed & answered_long_ago


def _due_candidates(now: datetime, r: Retention) -> Any:
    # Also a candidate whose date was never stored: kept like a waiting application.
    stale = now - timedelta(days=r.waiting_consent_days)
    dated = (Candidate.erase_after <= now) | (
        Candidate.erase_after.is_null() & (Candidate.created_at <= stale)
    )
    return dated & Candidate.id.not_in(Application.select(Application.candidate))


KINDS: list[Kind] = [
    # Art. 18: a restricted application is kept until the candidate lifts the restriction.
    Kind("applications", Application, (Application.id, Application.uid, Application.candidate),
         lambda now, r: (Application.erase_after <= now) & Application.restricted.eq(False),
         Application.erase_after, erase=_erase_applications),
    Kind("candidates", Candidate, (Candidate.id,), _due_candidates, Candidate.erase_after,
         erase=_erase_lonely_candidates),
    # Issue 16: sent with a known address and never confirmed by its owner.
    Kind("unconfirmed_applications", UnconfirmedApplication, (UnconfirmedApplication.id,),
         _expired(UnconfirmedApplication), UnconfirmedApplication.erase_after,
         erase=_erase_unconfirmed),
    Kind("visits", Visit, (Visit.id,), _due_visits, Visit.erase_after, sweep=sweep_visits),
    Kind("expected_visits", ExpectedVisit, (ExpectedVisit.id,), _due_expected,
         ExpectedVisit.erase_after, after=_after_expected),
    Kind("rights_requests", RightsRequest, (RightsRequest.id, RightsRequest.uid),
         _due_requests, RightsRequest.erase_after,
         after=_receipt_each("rights_request", "uid")),
    Kind("disclosures", Disclosure, (Disclosure.id,), _expired(Disclosure),
         Disclosure.erase_after, after=_receipt_each("disclosure", "id")),
    # Logs: counted in the job run (a receipt per receipt would never end).
    Kind("consent_events", ConsentEvent, (ConsentEvent.id,), _expired(ConsentEvent),
         ConsentEvent.erase_after),
    Kind("audit_events", AuditEvent, (AuditEvent.id,), _expired(AuditEvent),
         AuditEvent.erase_after),
    Kind("deletion_receipts", DeletionReceipt, (DeletionReceipt.id,), _expired(DeletionReceipt),
         DeletionReceipt.erase_after),
    Kind("outbox_mail", OutboxMail, (OutboxMail.id,), _expired(OutboxMail),
         OutboxMail.erase_after),
    Kind("job_runs", JobRun, (JobRun.id,), lambda now, r: JobRun.started_at <= now - JOB_RUN_KEPT,
         JobRun.started_at),
]  # fmt: skip


def _due(kind: Kind, now: datetime, after_id: int, size: int, *fields: Any) -> Any:
    """Up to `size` due rows past `after_id`, oldest id first; locked on PostgreSQL, skipping
    rows another sweeper holds."""
    pk = kind.table._meta.primary_key
    query = (
        kind.table.select(*fields)
        .where(kind.due(now, current().retention) & (pk > after_id))
        .order_by(pk)
        .limit(size)
    )
    if not current().is_sqlite:
        query = query.lock_rows(skip_locked=True, of=(kind.table,))
    return query


async def _batch(
    kind: Kind, now: datetime, after_id: int, size: int, tally: Tally
) -> tuple[int, int]:
    """One transaction: erase up to `size` due rows past `after_id`. Returns (rows handled,
    last id); CV files are removed after the commit."""
    pk = kind.table._meta.primary_key
    names: list[str] = []
    async with transaction():
        if kind.erase is None:
            due_ids = _due(kind, now, after_id, size, pk)
            rows = await kind.table.delete().where(pk.is_in(due_ids)).returning(*kind.fields)
            if rows:
                tally[kind.name] += len(rows)
                if kind.after is not None:
                    await kind.after(rows, now)
        else:
            rows = await _due(kind, now, after_id, size, *kind.fields)
            if rows:
                names = await kind.erase(rows, now, tally)
    if not rows:
        return 0, after_id
    await remove_cv_files(names)
    return len(rows), max(r["id"] for r in rows)


def visit_batch_size() -> int:
    """A fixed number of visits per batch (RETENTION_VISIT_BATCH_SIZE), or 0: on SQLite sized
    as the sweep goes by how long each batch holds the writer (app.privacy.sweep_visits);
    PostgreSQL locks rows, the kiosk's inserts never wait for its deletes: 20,000."""
    settings = current()
    if settings.retention_visit_batch_size:
        return settings.retention_visit_batch_size
    return 0 if settings.is_sqlite else 20_000


async def sweep_kind(
    kind: Kind, now: datetime, tally: Tally, progress: Progress | None = None
) -> None:
    if kind.sweep is not None:
        await kind.sweep(now, visit_batch_size(), tally, progress)
        return
    size = max(1, current().retention_batch_size)
    after_id = 0
    while True:
        handled, after_id = await _batch(kind, now, after_id, size, tally)
        await make_room()  # SQLite: the WAL's copying keeps up with the sweep, not the kiosk
        if progress is not None and handled:
            progress(kind.name, handled)
        if handled < size:
            return


# Kinds that need nothing of each other, swept side by side on PostgreSQL, each chain in its
# own transactions on its own connections: the visits (the bulk, their time is the database
# server's) beside the applications (theirs is mostly the cascades of each row). In sequence
# they took the sum of both (bench B4: 1.1 s + 1.8 s). SQLite has one writer: in sequence.
SIDE_BY_SIDE = (("applications", "candidates"), ("visits", "expected_visits"))


async def _sweep_in_order(
    kinds: list[Kind], now: datetime, tally: Tally, progress: Progress | None
) -> None:
    for kind in kinds:
        await sweep_kind(kind, now, tally, progress)


async def sweep(now: datetime, progress: Progress | None = None) -> dict[str, Any]:
    """Erase everything that is due at `now`; the counts per kind go to the job run."""
    if not current().retention.enabled:
        return {"disabled": 1}
    tally: Tally = Counter({kind.name: 0 for kind in KINDS})
    rest = KINDS
    if not current().is_sqlite and not in_transaction():
        chains = [[k for k in KINDS if k.name in chain] for chain in SIDE_BY_SIDE]
        await side_by_side(*(_sweep_in_order(kinds, now, tally, progress) for kinds in chains))
        rest = [k for k in KINDS if not any(k.name in chain for chain in SIDE_BY_SIDE)]
    await _sweep_in_order(rest, now, tally, progress)
    await checkpoint()
    return dict(tally)
