"""SQLite's WAL checkpoints, in a thread of their own while the server runs.

By default the connection whose COMMIT pushes the WAL past 1,000 pages copies the WAL into
the database there and then, with two fsyncs (synchronous = NORMAL syncs only at
checkpoints). Our commits run on the event loop (app.db.IntakeSQLiteTransaction), so every
~80th kiosk sign-in stalled the loop for a few milliseconds: 60% of a COMMIT's average cost
(bench B1 profile, 130 of 215 us per sign-in in COMMIT and the read after it).

While the server runs, its connections switch that off (wal_autocheckpoint = 0) and this
task checkpoints every CHECK_EVERY seconds on its own connection, in aiosqlite's thread;
SQLite releases the GIL while it copies and syncs, so requests go on meanwhile.

The WAL must also start again from its beginning, or it grows without end and every page
lookup gets slower (bench: 57,000 frames, COMMIT 5x slower). SQLite does that in the next
write transaction after a checkpoint that copied *every* frame, which never happens while
the kiosk commits every millisecond. So a round is: PASSIVE checkpoints while writers go
on, each copying what the one before left, until one finds little new; then one more
holding the in-process writer lock (app.db), which copies that little, and the next writer
restarts the WAL. Writers wait for the locked one only, a few milliseconds.

A bulk writer outpaces the copying (the retention sweep appends ~150,000 frames a second):
the passes never run out of new frames, and a locked pass after them held every writer, the
kiosk's sign-ins included, for ~200 ms (bench B4). So the round takes the lock only once
the passes caught up, and the bulk writer calls `make_room` between its transactions: past
BEHIND frames it pauses until a round has started the WAL again. The bulk writer pays for
its own volume; the kiosk does not. Outside the server (CLI commands, scripts) connections
keep SQLite's own automatic checkpoints."""

import asyncio
import contextlib
import logging
import sqlite3
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field

import aiosqlite

log = logging.getLogger("intake.db")

CHECK_EVERY = 0.25  # seconds; a checkpoint with nothing to copy costs microseconds
MAX_PASSES = 8  # unlocked passes per round at most
SMALL = 1_000  # frames (4 MiB) left for the locked pass: a few milliseconds
BEHIND = 50_000  # frames (200 MiB): a bulk writer waits for a round past this
STUCK = 250_000  # frames (1 GiB): take the lock even if the passes never caught up
MAKE_ROOM_WAIT = 10.0  # seconds a bulk writer waits at most
LOCKED_TRIES = 20  # the locked pass, while another process's checkpoint holds SQLite's lock


@dataclass
class _Run:
    """The task of one event loop (the server has one; tests run apps in several)."""

    task: "asyncio.Task[None] | None" = None
    wake: asyncio.Event = field(default_factory=asyncio.Event)
    round_done: asyncio.Event = field(default_factory=asyncio.Event)


class WalCheckpointer:
    def __init__(self, path: str, writer_lock: Callable[[], asyncio.Lock]) -> None:
        self.path = path
        self.writer_lock = writer_lock
        self._runs: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Run] = (
            weakref.WeakKeyDictionary()
        )
        self.rounds = 0  # rounds that ended with the locked pass
        self.last: tuple[int, ...] = ()  # (busy, WAL frames, frames copied) of the last pass

    def _run(self) -> _Run | None:
        try:
            return self._runs.get(asyncio.get_running_loop())
        except RuntimeError:
            return None

    @property
    def running(self) -> bool:
        run = self._run()
        return run is not None and run.task is not None and not run.task.done()

    @property
    def frames(self) -> int:
        """Frames in the WAL at the last pass."""
        return self.last[1] if len(self.last) > 1 else 0

    async def start(self) -> None:
        if not self.running:
            run = self._runs[asyncio.get_running_loop()] = _Run()
            run.task = asyncio.create_task(self._loop(run), name="intake-wal-checkpoint")

    async def stop(self) -> None:
        run = self._runs.pop(asyncio.get_running_loop(), None)
        if run is not None and run.task is not None:
            run.task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await run.task

    async def make_room(self) -> None:
        """For bulk writers, between their transactions: past BEHIND frames, wait (not
        holding the writer lock) until a round has let the WAL start again."""
        run = self._run()
        if run is None or not self.running or self.frames < BEHIND:
            return
        done = run.round_done
        run.wake.set()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(done.wait(), MAKE_ROOM_WAIT)

    async def _loop(self, run: _Run) -> None:
        connection = aiosqlite.connect(self.path, isolation_level=None)
        connection._thread.daemon = True  # never keeps a finished process alive
        await connection
        try:
            await connection.execute("PRAGMA synchronous = NORMAL")
            while True:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(run.wake.wait(), CHECK_EVERY)
                run.wake.clear()
                if await self._caught_up(connection) or self.frames > STUCK:
                    async with self.writer_lock():
                        await self._locked_pass(connection)
                    self.rounds += 1
                    run.round_done.set()
                    run.round_done = asyncio.Event()
        finally:
            await connection.close()

    async def _caught_up(self, connection: aiosqlite.Connection) -> bool:
        """Unlocked passes until one finds at most SMALL new frames (or the WAL started
        again); False if MAX_PASSES were not enough."""
        previous = -1
        for _ in range(MAX_PASSES):
            await self.checkpoint_once(connection)
            if previous >= 0 and (self.frames < previous or self.frames - previous <= SMALL):
                return True
            previous = self.frames
        return False

    async def _locked_pass(self, connection: aiosqlite.Connection) -> None:
        """The pass that lets the WAL start again. Another process's checkpoint (a second
        worker's, a CLI command's) makes SQLite answer busy at once: our writers are held
        anyway, so wait a moment for it rather than lose the round."""
        for _ in range(LOCKED_TRIES):
            if await self.checkpoint_once(connection):
                return
            await asyncio.sleep(0.005)

    async def checkpoint_once(self, connection: aiosqlite.Connection) -> bool:
        """One PASSIVE checkpoint; False if another checkpoint held SQLite's lock (then
        `last` keeps the previous figures: busy answers no frame counts)."""
        try:
            async with connection.execute("PRAGMA wal_checkpoint(PASSIVE)") as cursor:
                result = tuple(await cursor.fetchone() or ())
        except sqlite3.Error as exc:  # I/O: the next round tries again
            log.warning("WAL checkpoint failed: %s", type(exc).__name__)
            return False
        if result and result[0]:
            return False
        self.last = result
        return True
