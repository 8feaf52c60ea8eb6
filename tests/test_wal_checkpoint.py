"""SQLite's WAL checkpoints run beside the server, not inside a COMMIT on the event loop, and
the WAL still starts again from its beginning while writers keep committing."""

import asyncio
import sqlite3
import threading
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest

from app import db, wal_checkpoint
from app.mail import queue
from app.privacy import erasure
from app.wal_checkpoint import CHECK_EVERY
from tests.conftest import DATABASE

pytestmark = pytest.mark.skipif(DATABASE != "sqlite", reason="a SQLite WAL property")


async def _autocheckpoint() -> int:
    engine = db.engine()
    connection = await engine.acquire()
    try:
        row = connection._conn.execute("PRAGMA wal_autocheckpoint").fetchone()
        return int(row["wal_autocheckpoint"])
    finally:
        await engine.release(connection)


async def test_while_the_server_runs_commits_leave_checkpoints_to_the_background() -> None:
    engine = db.engine()
    await db.start(0)
    try:
        assert engine.checkpointer.running
        assert await _autocheckpoint() == 0
        # The event loop's own writer (app.db.write_now: the kiosk sign-in) as well.
        assert engine._writer().execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 0

        # Writers commit without pause for a while: far more WAL frames than SQLite's own
        # threshold (1,000), and no quiet moment in which a plain checkpoint could finish.
        now = datetime.now(UTC)
        commits = 0
        seen: dict[int, tuple[int, int]] = {}  # round -> (WAL frames, commits so far)
        deadline = time.monotonic() + 8 * CHECK_EVERY
        while time.monotonic() < deadline:
            await queue("host@example.test", "Arrival", "A visitor is here.", now)
            commits += 1
            if engine.checkpointer.last:
                seen.setdefault(engine.checkpointer.rounds, (engine.checkpointer.last[1], commits))
            await asyncio.sleep(0)
        assert len(seen) >= 3
        first_frames, first_commits = seen[min(seen)]
        last_frames, last_commits = seen[max(seen)]
        # Every commit appends at least one frame: had the WAL never started again, it would
        # hold at least one more frame per commit than at the first round.
        assert last_commits - first_commits > 1_000
        assert last_frames < first_frames + (last_commits - first_commits)
    finally:
        await db.stop()
    assert not engine.checkpointer.running
    assert await _autocheckpoint() == 1000  # outside the server: SQLite's own checkpoints


async def test_a_bulk_writer_waits_between_batches_until_the_wal_starts_again(monkeypatch):
    """The retention sweep calls make_room between batches: past BEHIND frames it returns only
    once a round has let the WAL start again (the kiosk never waits for its pages)."""
    # Each batch alone appends more than BEHIND frames (400 rows of 4 KB, one page each), so
    # any pass after a batch finds the writer behind however fast the checkpointer keeps up:
    # with small batches a loaded machine let the checkpointer win every time (a flaky test).
    monkeypatch.setattr(wal_checkpoint, "BEHIND", 200)
    engine = db.engine()
    now = datetime.now(UTC)
    rows = [(f"h{i}@example.test", "Arrival", "x" * 4_000, "admin", now, now) for i in range(400)]
    await db.start(0)
    try:
        checkpointer = engine.checkpointer
        waited = 0
        for _ in range(40):
            await db.fetch_many(BULK_MAIL, rows)
            behind, before = checkpointer.frames >= 200, checkpointer.rounds
            await db.make_room()
            if behind:
                waited += 1
                assert checkpointer.rounds > before  # a whole round, the locked pass included
        assert waited > 0
    finally:
        await db.stop()


BULK_MAIL = (
    "INSERT INTO outbox_mail (to_address, subject, body, category, created_at, attempts, "
    "last_error, erase_after) VALUES (?, ?, ?, ?, ?, 0, '', ?)"
)


@asynccontextmanager
async def _another_checkpoint_waiting() -> AsyncIterator[Callable[[], None]]:
    """A FULL checkpoint of another connection, holding SQLite's checkpoint lock while it waits
    for a reader on an older snapshot; it ends (without emptying the WAL) when the yielded
    function ends the reader. Meanwhile every other checkpoint is answered "busy" at once."""
    path = db.engine().path
    reader = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM outbox_mail").fetchall()
    await queue("host@example.test", "Arrival", "A visitor is here.", datetime.now(UTC))
    released = threading.Event()

    def end_reader() -> None:
        released.set()
        if reader.in_transaction:
            reader.execute("COMMIT")

    def full_checkpoint() -> None:
        other = sqlite3.connect(path, timeout=10)
        try:
            while not released.is_set():  # again if it met the probe's own checkpoint
                other.execute("PRAGMA wal_checkpoint(FULL)").fetchall()
        finally:
            other.close()

    full = threading.Thread(target=full_checkpoint)
    full.start()
    probe = sqlite3.connect(path)
    try:
        for _ in range(500):  # until the FULL checkpoint holds the lock
            if probe.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()[0] == 1:
                break
            await asyncio.sleep(0.01)
        else:
            raise AssertionError("the other checkpoint never held the lock")
        yield end_reader
    finally:
        end_reader()
        await asyncio.to_thread(full.join)
        reader.close()
        probe.close()


def _wal_bytes() -> int:
    wal = Path(db.engine().path + "-wal")
    return wal.stat().st_size if wal.exists() else 0


async def test_an_erasure_checkpoint_tries_again_while_another_runs_and_empties_the_wal(caplog):
    """After an erasure, no page image of an erased row may stay in the -wal file. A checkpoint
    already running (the server's own) makes SQLite answer "busy" at once: erasure.checkpoint
    tries again until the WAL is emptied."""
    async with _another_checkpoint_waiting() as end_reader:
        erasing = asyncio.create_task(erasure.checkpoint())
        await asyncio.sleep(0.2)  # a few tries, each answered busy
        assert not erasing.done()
        end_reader()  # the other checkpoint ends; the WAL still holds the rows
        await erasing
    assert _wal_bytes() == 0
    assert "WAL not truncated" not in caplog.text


async def test_with_a_single_try_the_wal_would_keep_the_rows(monkeypatch, caplog):
    """The same moment without the retries: what the test above relies on them for."""
    monkeypatch.setattr(erasure, "TRUNCATE_TRIES", 1)
    async with _another_checkpoint_waiting():
        await erasure.checkpoint()
        assert _wal_bytes() > 0
    assert "WAL not truncated after an erasure" in caplog.text
