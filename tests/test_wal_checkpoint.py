"""SQLite's WAL checkpoints run beside the server, not inside a COMMIT on the event loop, and
the WAL still starts again from its beginning while writers keep committing."""

import asyncio
import time
from datetime import UTC, datetime

import pytest

from app import db, wal_checkpoint
from app.mail import queue
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
    monkeypatch.setattr(wal_checkpoint, "BEHIND", 2_000)
    engine = db.engine()
    now = datetime.now(UTC)
    rows = [(f"h{i}@example.test", "Arrival", "x" * 400, "admin", now, now) for i in range(400)]
    await db.start(0)
    try:
        checkpointer = engine.checkpointer
        waited = 0
        for _ in range(40):
            await db.fetch_many(BULK_MAIL, rows)
            behind, before = checkpointer.frames >= 2_000, checkpointer.rounds
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
