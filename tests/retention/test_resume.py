"""A sweep that dies in the middle of a batch, then runs again, leaves exactly what one clean
run leaves: nothing lost, statistics counted once (issue 6, "idempotent and resumable")."""

import asyncio
import os
import signal
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from app.config import current
from app.db import engine
from app.privacy.sweep import sweep
from app.tables import (
    ALL_TABLES,
    AnonymousStat,
    Application,
    Candidate,
    CVFile,
    DeletionReceipt,
    Visit,
)
from tests.cv_storage import stored_cv_names
from tests.factories import application_row, candidate_row, cv_row, position_row, visit_row
from tests.helpers import batch_size
from tests.stats_support import counters, some_counters

ROOT = Path(__file__).resolve().parents[2]
T0 = datetime(2026, 1, 5, 10, tzinfo=UTC)
NOW = T0 + timedelta(days=400)


async def plant() -> None:
    """12 due visits, 7 due applications (one with a CV) and 2 records that are kept."""
    for i in range(12):
        at = T0 + timedelta(days=i % 3)
        await visit_row(purpose=("meeting", "interview")[i % 2], signed_in_at=at,
                        signed_out_at=at, erase_after=at + timedelta(days=30))
    await visit_row(signed_in_at=NOW, signed_out_at=NOW, erase_after=NOW + timedelta(days=30))
    positions = [await position_row("Backend"), await position_row("Design")]
    for i in range(7):
        candidate_id, _ = await candidate_row(created_at=T0)
        app_id, _ = await application_row(
            candidate_id, positions[i % 2], stage="rejected", created_at=T0 + timedelta(days=40 * i),
            decided_at=T0, erase_after=T0 + timedelta(days=183),
        )
        if i == 3:
            await cv_row(app_id, b"%PDF-1.4 resume me")
    kept, _ = await candidate_row(created_at=NOW)
    await application_row(kept, positions[0], created_at=NOW)
    await some_counters()  # as events left them: the sweep must leave them so


async def outcome() -> dict:
    stats = await AnonymousStat.select(
        AnonymousStat.metric, AnonymousStat.period, AnonymousStat.dimension, AnonymousStat.total
    ).order_by(AnonymousStat.key)
    receipts = await DeletionReceipt.select(DeletionReceipt.kind, DeletionReceipt.reference)
    kinds: dict[str, int] = {}
    for r in receipts:
        # A batch receipt ("12 rows, ids 1-12") stands for its rows; the others for one each.
        batch = " rows, ids " in r["reference"]
        rows = int(r["reference"].split()[0]) if batch else 1
        kinds[r["kind"]] = kinds.get(r["kind"], 0) + rows
    return {
        "stats": [(str(s["period"]), s["metric"], s["dimension"], s["total"]) for s in stats],
        "receipts": kinds,
        "left": [await t.count() for t in (Visit, Application, Candidate, CVFile)],
        "cv_files": await stored_cv_names(),
    }


async def clean_run_outcome() -> dict:
    for table in reversed(ALL_TABLES):
        await table.delete(force=True)
    await plant()
    with batch_size(5):
        await sweep(NOW)
    return await outcome()


async def _crash_on_delete(visit_id: int) -> None:
    if current().is_sqlite:
        await engine().run_ddl(
            "CREATE TRIGGER crash BEFORE DELETE ON visit "
            f"WHEN OLD.id = {visit_id} BEGIN SELECT RAISE(ABORT, 'crash'); END"
        )
    else:
        await engine().run_ddl(
            "CREATE FUNCTION crash() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN RAISE EXCEPTION 'crash'; END $$"
        )
        await engine().run_ddl(
            "CREATE TRIGGER crash BEFORE DELETE ON visit FOR EACH ROW "
            f"WHEN (OLD.id = {visit_id}) EXECUTE FUNCTION crash()"
        )


async def _repair() -> None:
    if current().is_sqlite:
        await engine().run_ddl("DROP TRIGGER crash")
    else:
        await engine().run_ddl("DROP TRIGGER crash ON visit")
        await engine().run_ddl("DROP FUNCTION crash()")


async def test_a_batch_that_fails_half_way_rolls_back_and_the_rerun_counts_once():
    await plant()
    before = await counters()
    ids = [r["id"] for r in await Visit.select(Visit.id).order_by(Visit.id)]
    # The 8th visit sits in the second batch of 5 (ids[5:10]): it fails half-way. On
    # PostgreSQL other batches run beside it and may commit, each with its own statistics.
    await _crash_on_delete(ids[7])
    try:
        with batch_size(5), pytest.raises(Exception, match="crash"):
            await sweep(NOW)
        erased = 13 - await Visit.count()
        assert await counters() == before, "erasure changes no statistic"
        assert await Visit.count().where(Visit.id.is_in(ids[5:10])) == 5, "rolled back whole"
        if current().is_sqlite:  # one batch at a time: the first one only
            assert erased == 5
    finally:
        await _repair()
    with batch_size(5):
        await sweep(NOW)
    resumed = await outcome()
    assert resumed == await clean_run_outcome()
    assert resumed["left"] == [1, 1, 1, 0]
    assert resumed["receipts"] == {"visits": 12, "application": 7, "candidate": 7}


def _spawn_sweep() -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.retention.sweep_process", NOW.isoformat()],
        cwd=ROOT, env=dict(os.environ), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True,
    )


async def test_a_sweep_killed_with_sigkill_then_rerun_equals_one_clean_run():
    await plant()
    proc = _spawn_sweep()
    assert proc.stdout is not None and proc.stdin is not None
    seen: list[str] = []
    while not seen or seen[-1] not in ("paused\n", "done\n", ""):
        seen.append(await asyncio.to_thread(proc.stdout.readline))
    # Killed in the middle of its fifth visit batch: its DELETE done, not committed.
    proc.send_signal(signal.SIGKILL)
    await asyncio.to_thread(proc.wait, 30)
    proc.stdin.close()
    proc.stdout.close()
    assert seen[-1] == "paused\n", seen
    if current().is_sqlite:  # one batch at a time, applications and candidates first
        assert seen.count("visits 1\n") == 4, seen
    assert await Visit.count() >= 13 - 4 - 1, "the open batch rolled back, the rest was left"

    await sweep(NOW)
    assert await outcome() == await clean_run_outcome()
