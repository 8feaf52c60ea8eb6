"""The sweep's set-wise batches: a candidate whose applications fall in different batches is
erased once, with its last application; every application is counted, receipted and its CV
file removed; due visits between kept ones go once, counted once, also when two connections
share the batches (PostgreSQL); on SQLite the pooled connections get their own page cache
size back and the WAL file is emptied after the sweep."""

import os
from datetime import UTC, datetime, timedelta

import pytest

from app.config import current
from app.db import engine
from app.privacy.sweep import sweep
from app.tables import Application, Candidate, CVFile, DeletionReceipt, Visit
from tests.cv_storage import stored_cv_names
from tests.factories import application_row, candidate_row, cv_row, position_row, visit_row
from tests.helpers import batch_size
from tests.stats_support import counters, some_counters

T0 = datetime(2026, 1, 5, 10, tzinfo=UTC)
NOW = T0 + timedelta(days=400)


async def _receipts(kind: str) -> int:
    return await DeletionReceipt.count().where(DeletionReceipt.kind == kind)


@pytest.mark.parametrize("size", [1, 2, 500])
async def test_a_candidate_with_applications_in_several_batches_goes_once(size):
    candidate_id, _ = await candidate_row(email="two@example.org", created_at=T0)
    positions = [await position_row("Backend"), await position_row("Design")]
    names = []
    for i, position in enumerate(positions):
        app_id, _ = await application_row(
            candidate_id, position, stage="rejected", created_at=T0 + timedelta(days=40 * i),
            decided_at=T0, erase_after=T0 + timedelta(days=183),
        )  # fmt: skip
        names.append(await cv_row(app_id, b"%PDF-1.4 two batches"))
    other, _ = await candidate_row(email="kept@example.org", created_at=NOW)
    await application_row(other, positions[0], created_at=NOW)

    before = await some_counters()
    with batch_size(size):
        counts = await sweep(NOW)

    assert counts["applications"] == 2 and counts["candidates"] == 1
    assert await Candidate.count().where(Candidate.id == candidate_id) == 0
    assert await Candidate.count().where(Candidate.id == other) == 1
    assert await Application.count() == 1 and await CVFile.count() == 0
    assert await _receipts("application") == 2 and await _receipts("candidate") == 1
    assert await counters() == before  # erasure changes no statistic (issue 20)
    assert not set(names) & set(await stored_cv_names())


async def test_sqlite_connections_get_their_page_cache_back_and_the_wal_is_emptied():
    if not current().is_sqlite:
        pytest.skip("SQLite's page cache and WAL")
    for i in range(30):
        at = T0 + timedelta(hours=i)
        await visit_row(signed_in_at=at, signed_out_at=at, erase_after=at + timedelta(days=30))
    db = engine()
    fresh = await db.get_connection()
    try:
        default = (await fresh.execute_fetchall("PRAGMA cache_size"))[0]["cache_size"]
    finally:
        await fresh.close()

    with batch_size(400):  # a page cache of 3,200 KiB for the batch, more than the default
        counts = await sweep(NOW)

    assert counts["visits"] == 30 and await Visit.count() == 0
    assert db._idle, "the batches' connections went back to the pool"
    for connection in db._idle:
        assert (await connection.execute_fetchall("PRAGMA cache_size"))[0]["cache_size"] == default
    wal = f"{db.path}-wal"
    assert not os.path.exists(wal) or os.path.getsize(wal) == 0


@pytest.mark.parametrize("size", [1, 3, 1000])
async def test_visits_in_batches_side_by_side_are_each_erased_and_counted_once(size):
    """Due visits between kept ones (a visitor still on site, a date not reached): on
    PostgreSQL the batches are id ranges shared by two connections, on SQLite the next due
    rows; either way every due visit goes once, counted once, and the kept ones stay."""
    kept = []
    for i in range(25):
        at = T0 + timedelta(hours=5 * i)
        if i % 4 == 3:
            kept.append((await visit_row(signed_in_at=NOW, erase_after=NOW + timedelta(days=1)))[0])
        await visit_row(purpose=("meeting", "delivery")[i % 2], signed_in_at=at,
                        signed_out_at=at, erase_after=at + timedelta(days=30))  # fmt: skip

    before = await some_counters()
    with batch_size(size):
        counts = await sweep(NOW)

    assert counts["visits"] == 25
    assert sorted(r["id"] for r in await Visit.select(Visit.id)) == kept
    assert await counters() == before
    receipts = await DeletionReceipt.select().where(DeletionReceipt.kind == "visits")
    assert sum(int(r["reference"].split()[0]) for r in receipts) == 25
    assert await sweep(NOW) == counts | {"visits": 0}  # nothing left to count twice
