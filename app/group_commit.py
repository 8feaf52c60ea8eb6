"""Group commit: SQLite's short writes on the event loop (app.db.write_now) commit together.

Under load the kiosk's sign-ins queue for SQLite's one writer, and each paid its own BEGIN
and COMMIT. A COMMIT writes every page its transaction touched to the WAL (two writes per
page), and the checkpoint copies each again: a quarter of a sign-in under 32 connections
(bench B1). Now the writes that arrive while a round is committing wait for the next round,
and a round commits them together: one BEGIN, a SAVEPOINT per write, one COMMIT. The pages
they share (each table's last leaf, each index's newest end) are written once per round.
In a quiet lobby a round holds one write, as before.

Each write is still all or nothing: its savepoint is rolled back when it returns None or
raises, and the error reaches its caller only. Results are handed back after the COMMIT, so
nothing is reported stored before it is; a COMMIT that fails reaches every write of its
round. The writes of a round run one after another, each seeing the ones before it, as
separate transactions would."""

import asyncio
import sqlite3
from collections.abc import Callable
from typing import Any

Work = Callable[[sqlite3.Connection], Any]
# Writes per round at most: a round runs on the event loop's thread (~0.1 ms per sign-in).
MAX_ROUND = 64


def is_busy(exc: sqlite3.OperationalError) -> bool:
    """Another connection (another process) holds the lock SQLite was asked for."""
    return "locked" in str(exc) or "busy" in str(exc)


class GroupCommit:
    """The rounds of one event loop, on its writer connection, under its writer lock."""

    def __init__(
        self, connection: Callable[[], sqlite3.Connection], lock: Callable[[], asyncio.Lock]
    ) -> None:
        self.connection = connection
        self.lock = lock
        self.pending: list[tuple[Work, asyncio.Future[Any]]] = []
        self.task: asyncio.Task[None] | None = None
        self.rounds = 0  # rounds committed (or refused): fewer than writes under load

    async def write(self, work: Work) -> Any:
        """`work`'s result once its round is committed; None if it returned None or another
        process held SQLite's write lock (nothing stored); its exception if it raised."""
        done: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self.pending.append((work, done))
        if self.task is None:
            self.task = asyncio.create_task(self._rounds(), name="intake-group-commit")
        return await done

    async def _rounds(self) -> None:
        members: list[tuple[Work, asyncio.Future[Any]]] = []
        try:
            while self.pending:
                async with self.lock():
                    members = self.pending[:MAX_ROUND]
                    del self.pending[:MAX_ROUND]
                    try:
                        outcomes = self._commit([work for work, _ in members])
                    except Exception as exc:  # noqa: BLE001 - to every caller: none of it is stored
                        outcomes = [(False, exc)] * len(members)
                    self.rounds += 1
                for (_, done), (ok, value) in zip(members, outcomes, strict=True):
                    if not done.done():  # else its caller is gone; the write stands
                        done.set_result(value) if ok else done.set_exception(value)
                members = []
        except BaseException as exc:  # cancelled with the loop: no caller waits for ever
            for _, done in [*members, *self.pending]:
                if not done.done():
                    done.set_exception(exc)
            raise
        finally:
            self.task = None

    def _commit(self, works: list[Work]) -> list[tuple[bool, Any]]:
        connection = self.connection()
        try:
            connection.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            if not is_busy(exc):
                raise
            return [(True, None)] * len(works)  # each caller takes its general path
        try:
            outcomes = [_one(connection, work) for work in works]
            connection.execute("COMMIT")
        except BaseException:
            if connection.in_transaction:
                connection.execute("ROLLBACK")
            raise
        return outcomes


def _one(connection: sqlite3.Connection, work: Work) -> tuple[bool, Any]:
    connection.execute("SAVEPOINT write_now")
    try:
        result = work(connection)
    except Exception as exc:  # noqa: BLE001 - raised again in its caller, not swallowed
        connection.execute("ROLLBACK TO write_now")
        connection.execute("RELEASE write_now")
        return False, exc
    if result is None:
        connection.execute("ROLLBACK TO write_now")
    connection.execute("RELEASE write_now")
    return True, result
