"""The retention sweep (policy: "When the personal data ... is no longer required ... we destroy
or erase it in a secure manner"; MISSION.md "Retention defaults").

Every kind of record is swept in batches of `retention_batch_size`, one transaction each:
count into the anonymous statistics, delete, write deletion receipts. Statistics and deletion
commit together, so a crash in the middle of a batch rolls both back: nothing is lost, nothing
is counted twice, and the next run finishes the work (idempotent and resumable). Batches are
keyset-paged on id so a row that is due but may not be erased (e.g. a candidate who still has
an application) never stalls the loop. Short transactions keep the kiosk's writes flowing on
SQLite while a sweep runs.

On PostgreSQL the selected rows are locked with SKIP LOCKED: a sweep started from the CLI
while the scheduler's runs never erases or counts a row twice. After each sweep on SQLite the
WAL is checkpointed and truncated, so erased rows' old page images leave the -wal file too
(`secure_delete` on every connection zeroes them in the database file)."""

from collections import Counter
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from piccolo.table import Table

from app.config import Retention, current
from app.db import transaction
from app.privacy.erasure import (
    checkpoint,
    erase_application_rows,
    erase_candidate_rows,
    erase_visit_rows,
    remove_cv_files,
    write_receipts,
)
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
    Visit,
)

REASON = "retention"
# Job runs hold no personal data; the mail job alone writes one every 30 seconds. Deletion
# receipts (kept 3 years) are the lasting proof of what the sweep erased.
JOB_RUN_KEPT = timedelta(days=90)
Progress = Callable[[str, int], None]
Tally = Counter[str]
Eraser = Callable[[list[dict], datetime, Tally], Awaitable[list[str]]]


class Kind(NamedTuple):
    """One kind of record: which rows are due at `now`, and how a batch of them is erased
    (adding to the tally per kind, returning CV file names to remove after the commit)."""

    name: str
    table: type[Table]
    fields: tuple[Any, ...]
    due: Callable[[datetime, Retention], Any]
    erase: Eraser
    date_column: Any  # what the dry run and the console show as "due on"


async def _erase_applications(rows: list[dict], now: datetime, tally: Tally) -> list[str]:
    """Applications, then every candidate left with none (a candidate row exists for its
    applications; it goes with the last of them, in the same transaction)."""
    names = await erase_application_rows(rows, REASON, now)
    tally["applications"] += len(rows)
    touched = sorted({r["candidate"] for r in rows})
    left = await Application.select(Application.candidate).where(
        Application.candidate.is_in(touched)
    )
    empty = set(touched) - {r["candidate"] for r in left}
    names += await _erase_candidates_by_id(sorted(empty), now, tally)
    return names


async def _erase_candidates_by_id(ids: list[int], now: datetime, tally: Tally) -> list[str]:
    if not ids:
        return []
    rows = await Candidate.select(
        Candidate.id, Candidate.uid, Candidate.email, Candidate.email_pending
    ).where(Candidate.id.is_in(ids))
    names: list[str] = []
    for candidate in rows:
        names += await erase_candidate_rows(candidate, REASON, now)
    tally["candidates"] += len(rows)
    return names


async def _erase_lonely_candidates(rows: list[dict], now: datetime, tally: Tally) -> list[str]:
    """Due candidates are erased only when no application is left (one that is still kept,
    e.g. restricted or in review, keeps its candidate)."""
    ids = [r["id"] for r in rows]
    busy = await Application.select(Application.candidate).where(Application.candidate.is_in(ids))
    lonely = sorted(set(ids) - {r["candidate"] for r in busy})
    return await _erase_candidates_by_id(lonely, now, tally)


async def _erase_visits(rows: list[dict], now: datetime, tally: Tally) -> list[str]:
    await erase_visit_rows(rows, REASON, now)
    tally["visits"] += len(rows)
    return []


def _plain(name: str, table: Any, receipt_kind: str = "", ref: str = "") -> Eraser:
    """Rows that are about a person get a receipt each; logs (audit, consent, receipts,
    mail) are counted in the job run instead, or receipts would need receipts."""

    async def erase(rows: list[dict], now: datetime, tally: Tally) -> list[str]:
        await table.delete().where(table.id.is_in([r["id"] for r in rows]))
        if receipt_kind:
            await write_receipts(receipt_kind, [str(r[ref]) for r in rows], REASON, now)
        tally[name] += len(rows)
        return []

    return erase


def _expired(table: Any) -> Callable[[datetime, Retention], Any]:
    return lambda now, r: table.erase_after <= now


KINDS: list[Kind] = [
    Kind(
        "applications",
        Application,
        (Application.id, Application.uid, Application.candidate),
        # Art. 18: a restricted application is kept until the candidate lifts it.
        lambda now, r: (Application.erase_after <= now) & Application.restricted.eq(False),
        _erase_applications,
        Application.erase_after,
    ),
    Kind(
        "candidates",
        Candidate,
        (Candidate.id,),
        # Also a candidate whose date was never stored: kept like a waiting application.
        lambda now, r: (
            (Candidate.erase_after <= now)
            | (
                Candidate.erase_after.is_null()
                & (Candidate.created_at <= now - timedelta(days=r.waiting_consent_days))
            )
        )
        & Candidate.id.not_in(Application.select(Application.candidate)),
        _erase_lonely_candidates,
        Candidate.erase_after,
    ),
    Kind(
        "visits",
        Visit,
        (Visit.id, Visit.uid, Visit.signed_in_at, Visit.purpose),
        lambda now, r: (Visit.erase_after <= now)
        | (
            Visit.erase_after.is_null()
            & (Visit.signed_out_at <= now - timedelta(days=r.visits_days))
        ),
        _erase_visits,
        Visit.erase_after,
    ),
    Kind(
        "expected_visits",
        ExpectedVisit,
        (ExpectedVisit.id,),
        lambda now, r: (ExpectedVisit.erase_after <= now)
        | (
            ExpectedVisit.erase_after.is_null()
            & (ExpectedVisit.expected_on < (now - timedelta(days=r.visits_days)).date())
        ),
        _plain("expected_visits", ExpectedVisit, "expected_visit", "id"),
        ExpectedVisit.erase_after,
    ),
    Kind(
        "rights_requests",
        RightsRequest,
        (RightsRequest.id, RightsRequest.uid),
        # An open request is never swept: it must be answered first (Art. 12(3)).
        lambda now, r: (RightsRequest.erase_after <= now)
        & RightsRequest.status.is_in(["done", "refused"]),
        _plain("rights_requests", RightsRequest, "rights_request", "uid"),
        RightsRequest.erase_after,
    ),
    Kind("disclosures", Disclosure, (Disclosure.id,), _expired(Disclosure),
         _plain("disclosures", Disclosure, "disclosure", "id"), Disclosure.erase_after),
    Kind("consent_events", ConsentEvent, (ConsentEvent.id,), _expired(ConsentEvent),
         _plain("consent_events", ConsentEvent), ConsentEvent.erase_after),
    Kind("audit_events", AuditEvent, (AuditEvent.id,), _expired(AuditEvent),
         _plain("audit_events", AuditEvent), AuditEvent.erase_after),
    Kind("deletion_receipts", DeletionReceipt, (DeletionReceipt.id,), _expired(DeletionReceipt),
         _plain("deletion_receipts", DeletionReceipt), DeletionReceipt.erase_after),
    Kind("outbox_mail", OutboxMail, (OutboxMail.id,), _expired(OutboxMail),
         _plain("outbox_mail", OutboxMail), OutboxMail.erase_after),
    Kind("job_runs", JobRun, (JobRun.id,),
         lambda now, r: JobRun.started_at <= now - JOB_RUN_KEPT,
         _plain("job_runs", JobRun), JobRun.started_at),
]  # fmt: skip


async def _batch(
    kind: Kind, now: datetime, after_id: int, size: int, tally: Tally
) -> tuple[int, int]:
    """One transaction: select a batch of due rows past `after_id` and erase them. Returns
    (rows selected, last id); CV files are removed after the commit."""
    pk = kind.table._meta.primary_key
    async with transaction():
        query = (
            kind.table.select(*kind.fields)
            .where(kind.due(now, current().retention) & (pk > after_id))
            .order_by(pk)
            .limit(size)
        )
        if not current().is_sqlite:
            query = query.lock_rows(skip_locked=True, of=(kind.table,))
        rows = await query
        if not rows:
            return 0, after_id
        names = await kind.erase(rows, now, tally)
    await remove_cv_files(names)
    return len(rows), rows[-1]["id"]


async def sweep_kind(
    kind: Kind, now: datetime, tally: Tally, progress: Progress | None = None
) -> None:
    size = max(1, current().retention_batch_size)
    after_id = 0
    while True:
        selected, after_id = await _batch(kind, now, after_id, size, tally)
        if progress is not None and selected:
            progress(kind.name, selected)
        if selected < size:
            return


async def sweep(now: datetime, progress: Progress | None = None) -> dict[str, Any]:
    """Erase everything that is due at `now`; the counts per kind go to the job run."""
    if not current().retention.enabled:
        return {"disabled": 1}
    tally: Tally = Counter({kind.name: 0 for kind in KINDS})
    for kind in KINDS:
        await sweep_kind(kind, now, tally, progress)
    await checkpoint()
    return dict(tally)
