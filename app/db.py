"""Database engines and transactions.

SQLite: Piccolo's SQLiteEngine opens a connection per query and sets only `foreign_keys`
(PITFALLS), so `secure_delete` and `busy_timeout` would be lost, and opening a connection per
query made a one-insert handler about 4x slower than the raw driver. `IntakeSQLiteEngine` keeps
persistent connections, each configured with every per-connection pragma once. WAL is a property of the file and is
switched on once, at start-up. Write transactions are IMMEDIATE: deferred ones fail with
"database is locked" under concurrency.

PostgreSQL: a connection pool, opened in the Litestar lifespan.
"""

import asyncio
import functools
import sqlite3
import weakref
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Any, TypeVar, cast
from urllib.parse import urlparse

import aiosqlite
from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine, SQLiteTransaction, TransactionType, dict_factory

from app.data_dir import secure_sqlite_file
from app.group_commit import GroupCommit, is_busy
from app.wal_checkpoint import WalCheckpointer

BUSY_TIMEOUT_MS = 10_000
# Per connection: secure_delete overwrites erased content with zeros (policy: "erase it in a
# secure manner"); busy_timeout waits for the writer instead of failing at once.
SQLITE_PRAGMAS = (
    "PRAGMA foreign_keys = 1",
    "PRAGMA secure_delete = 1",
    f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}",
    "PRAGMA synchronous = NORMAL",
)


WRITES = ("INSERT", "UPDATE", "DELETE", "REPLAC")
T = TypeVar("T")


@contextmanager
def not_waiting(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """The connection with busy_timeout 0 for a statement run on the event loop: busy means
    an error at once (the caller falls back to the connection's thread), never a sleep."""
    conn.execute("PRAGMA busy_timeout = 0")
    try:
        yield conn
    finally:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")


class IntakeSQLiteTransaction(SQLiteTransaction):
    """Piccolo's transaction on a pooled connection, held exclusively until COMMIT/ROLLBACK and
    then handed back (Piccolo's own opens a connection and closes it at exit).

    IMMEDIATE transactions also queue on an in-process lock before BEGIN: waiting there costs
    nothing, where waiting inside SQLite's busy handler sleeps in steps of up to 100 ms (bench
    B1's p99)."""

    engine: "IntakeSQLiteEngine"
    _writer: asyncio.Lock | None = None

    async def __aenter__(self) -> "IntakeSQLiteTransaction":
        if self._parent is not None:
            return self._parent  # type: ignore[return-value]
        if self.transaction_type != TransactionType.deferred:
            # The lock first, then a connection: writers queued behind the lock hold none
            # (32 waiting sign-ins used to hold 32 connections, each a thread, bench B1).
            self._writer = self.engine.writer_lock()
            await self._writer.acquire()
        try:
            self.connection = await self.engine.acquire()
        except BaseException:
            self._release_writer()
            raise
        try:
            await self.begin()
        except BaseException:
            self._release_writer()
            await self.engine.release(self.connection)
            raise
        self.context = self.engine.current_transaction.set(self)
        return self

    async def begin(self) -> None:
        if self._writer is None or not self._begin_now():
            await super().begin()  # deferred, or another process writes: the busy handler

    def _begin_now(self) -> bool:
        """BEGIN IMMEDIATE on the event loop's thread, without waiting. Holding the in-process
        lock, only another process (a CLI command, a second worker) can hold SQLite's; then
        this returns False at once and the caller waits in the connection's thread. A trip to
        that thread costs an event-loop turn while every other writer queues behind the lock
        (bench B1: three turns per sign-in, half its time under 32 connections)."""
        with not_waiting(self.connection._conn) as conn:
            try:
                conn.execute(f"BEGIN {self.transaction_type.value}")
                return True
            except sqlite3.OperationalError:
                return False

    async def commit(self) -> None:
        if self._writer is None:
            await super().commit()
            return
        # WAL: a commit appends to the -wal file and waits for no one (every ~1000 pages it
        # also copies the WAL into the database, a few milliseconds that the writer lock
        # would make every other writer wait for anyway).
        self.connection._conn.execute("COMMIT")
        self._committed = True

    def _release_writer(self) -> None:
        writer, self._writer = self._writer, None
        if writer is not None:
            writer.release()

    async def __aexit__(self, exception_type: Any, exception: Any, traceback: Any) -> bool:
        if self._parent:
            return exception is None
        try:
            if exception:
                if not self._rolled_back:
                    await self.rollback()
            elif not self._committed and not self._rolled_back:
                await self.commit()
        finally:
            self._release_writer()
            await self.engine.release(self.connection)
            self.engine.current_transaction.reset(self.context)
        return exception is None


class IntakeSQLiteEngine(SQLiteEngine):
    """Persistent connections instead of one per query (PITFALLS: about 4x slower).

    Idle connections wait in a list; a query takes one, or opens a new one when none is idle,
    and gives it back afterwards (at most MAX_IDLE stay open). A plain list and a per-loop
    lock keep the engine usable from any event loop (the test client runs the app in its own
    loop). The per-connection PRAGMAs are set once, when a connection is opened."""

    MAX_IDLE = 8

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # A connection is used by its aiosqlite thread and, inside write transactions, by the
        # event loop's thread; never by both at once (every call to it is awaited).
        kwargs.setdefault("check_same_thread", False)
        super().__init__(*args, **kwargs)
        self._idle: list[aiosqlite.Connection] = []
        self._writer_locks: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = (
            weakref.WeakKeyDictionary()
        )
        self.checkpointer = WalCheckpointer(self.path, self.writer_lock)
        self._readers: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, sqlite3.Connection] = (
            weakref.WeakKeyDictionary()
        )
        self._writers: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, sqlite3.Connection] = (
            weakref.WeakKeyDictionary()
        )
        self._groups: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, GroupCommit] = (
            weakref.WeakKeyDictionary()
        )

    async def _configure(self, connection: aiosqlite.Connection) -> None:
        for pragma in SQLITE_PRAGMAS:
            await connection.execute(pragma)
        if self.checkpointer.running:  # app.wal_checkpoint: not in a COMMIT on the event loop
            await connection.execute("PRAGMA wal_autocheckpoint = 0")

    async def get_connection(self) -> aiosqlite.Connection:
        """A new, configured connection that the caller closes (Piccolo's batch() uses it)."""
        connection = aiosqlite.connect(**self.connection_kwargs)
        # Idle pooled connections must not keep a finished process alive (aiosqlite's worker
        # thread is not a daemon): a CLI command would hang at exit.
        connection._thread.daemon = True
        await connection
        connection.row_factory = dict_factory  # type: ignore[assignment]
        await self._configure(connection)
        return connection

    async def acquire(self) -> aiosqlite.Connection:
        while self._idle:
            connection = self._idle.pop()
            if connection._connection is not None:  # not closed under us
                return connection
        return await self.get_connection()

    async def release(self, connection: aiosqlite.Connection) -> None:
        if connection._connection is None:
            return
        if connection.in_transaction:  # a failed statement left a transaction open
            try:
                await connection.rollback()
            except sqlite3.Error:
                await connection.close()
                return
        if len(self._idle) < self.MAX_IDLE:
            self._idle.append(connection)
        else:
            await connection.close()

    async def read_now(self, sql: str, args: tuple[Any, ...]) -> list[dict[str, Any]] | None:
        """A short indexed read on the event loop's thread, or None when SQLite is busy.

        In WAL mode a reader waits for no writer, so an indexed lookup takes microseconds;
        the trip to a connection's thread cost more (a thread switch and an event-loop turn,
        bench B3). Never waits: busy (a rare WAL-index recovery) means None, and the caller
        reads in the connection's thread instead, where the busy handler may sleep."""
        try:
            return list(self._reader().execute(sql, args).fetchall())
        except sqlite3.OperationalError as exc:
            if not is_busy(exc):
                raise
            return None

    async def write_now(self, work: Callable[[sqlite3.Connection], T | None]) -> T | None:
        """`work(connection)` all or nothing on the event loop's own writer connection, on the
        loop's thread, holding the in-process writer lock; under load committed together with
        the writes that queued beside it (app.group_commit). Nothing is stored when `work`
        returns None or raises.

        For a hot use case whose statements are few and indexed (the kiosk sign-in): Piccolo's
        transaction object, the context variable and a dict per row cost more than its five
        statements (bench B1). Rows come back as tuples, values bound as Piccolo binds them.
        Never waits inside SQLite: when another process holds the write lock (a CLI command,
        a second worker) it answers None with nothing done, and the caller takes its general
        path, whose transaction waits in a connection's thread."""
        loop = asyncio.get_running_loop()
        group = self._groups.get(loop)
        if group is None:
            group = self._groups[loop] = GroupCommit(self._writer, self.writer_lock)
        return cast("T | None", await group.write(work))

    def _reader(self) -> sqlite3.Connection:
        """The event loop's own connection for read_now, with busy_timeout 0 for good: every
        kiosk request and staff page reads through it (bench B1: taking a pooled connection
        and switching its timeout off and on again cost more than the lookup)."""
        loop = asyncio.get_running_loop()
        reader = self._readers.get(loop)
        if reader is None:
            reader = self._readers[loop] = self._loop_connection()
            reader.row_factory = dict_factory
        return reader

    def _writer(self) -> sqlite3.Connection:
        """The event loop's own connection for write_now: plain tuples, no type detection,
        and no automatic checkpoint while app.wal_checkpoint does them (a COMMIT on the event
        loop must never copy the WAL)."""
        loop = asyncio.get_running_loop()
        writer = self._writers.get(loop)
        if writer is None:
            writer = self._writers[loop] = self._loop_connection(detect_types=0)
            if self.checkpointer.running:
                writer.execute("PRAGMA wal_autocheckpoint = 0")
        return writer

    def _loop_connection(self, **kwargs: Any) -> sqlite3.Connection:
        """Piccolo's connection settings (its adapters bind dates and UUIDs the same way),
        every pragma, and busy_timeout 0 for good: used on the event loop, never waits."""
        connection = sqlite3.connect(**{**self.connection_kwargs, **kwargs})
        connection.isolation_level = None  # BEGIN and COMMIT are ours
        for pragma in SQLITE_PRAGMAS:
            connection.execute(pragma)
        connection.execute("PRAGMA busy_timeout = 0")
        return connection

    def writer_lock(self) -> asyncio.Lock:
        loop = asyncio.get_running_loop()
        lock = self._writer_locks.get(loop)
        if lock is None:
            lock = self._writer_locks[loop] = asyncio.Lock()
        return lock

    async def close_idle(self) -> None:
        loop = asyncio.get_running_loop()
        for own in (self._readers.pop(loop, None), self._writers.pop(loop, None)):  # this loop's
            if own is not None:
                own.close()
        idle, self._idle = self._idle, []
        for connection in idle:
            await connection.close()

    def transaction(
        self,
        transaction_type: TransactionType = TransactionType.deferred,
        allow_nested: bool = True,
    ) -> IntakeSQLiteTransaction:
        return IntakeSQLiteTransaction(
            engine=self, transaction_type=transaction_type, allow_nested=allow_nested
        )

    async def _run_in_new_connection(
        self,
        query: str,
        args: list[Any] | None = None,
        query_type: str = "generic",
        table: Any = None,
    ) -> Any:
        if query.lstrip()[:6].upper() in WRITES:
            # A write outside a transaction queues with the transactions: meeting one inside
            # SQLite would sleep in its busy handler (1, 2, 5 ... 100 ms steps), a kiosk p99
            # spike during a login storm (bench B5).
            async with self.writer_lock():
                return await self._execute(query, args)
        return await self._execute(query, args)

    async def _execute(self, query: str, args: list[Any] | None) -> Any:
        connection = await self.acquire()
        try:
            return await connection.execute_fetchall(query, args or [])
        finally:
            await self.release(connection)

    async def _run_in_existing_connection(
        self,
        connection: Any,
        query: str,
        args: list[Any] | None = None,
        query_type: str = "generic",
        table: Any = None,
    ) -> Any:
        # Piccolo re-sends "PRAGMA foreign_keys = 1" before every statement and uses three
        # trips to the connection's thread (execute, fetch, close); one trip does it all.
        transaction = self.current_transaction.get()
        if getattr(transaction, "_writer", None) is not None:
            # Inside a write transaction the write lock is already ours: a statement cannot
            # wait for another connection, it only computes. Each trip to the thread would
            # wait a whole event-loop turn while every other writer queues behind the lock
            # (bench B1: the sign-in's nine statements held it for nine turns), so run it here.
            return connection._conn.execute(query, args or []).fetchall()
        return await connection.execute_fetchall(query, args or [])

    def enable_wal(self) -> None:
        """WAL lets readers (the kiosk's host list) run beside a writer (the retention sweep)."""
        with sqlite3.connect(self.path) as con:
            con.execute("PRAGMA journal_mode = WAL")


def sqlite_path(url: str) -> str:
    """`sqlite:///var/x.sqlite` (relative) or `sqlite:////abs/x.sqlite` (absolute)."""
    return url.removeprefix("sqlite:///")


def make_engine(url: str) -> Engine:
    if url.startswith("postgres"):
        parts = urlparse(url)
        config = {
            "host": parts.hostname or "127.0.0.1",
            "port": parts.port or 5432,
            "user": parts.username or "postgres",
            "password": parts.password or "",
            "database": parts.path.lstrip("/") or "intake",
        }
        return PostgresEngine(config=config)
    path = sqlite_path(url)
    secure_sqlite_file(path)  # 0600 before SQLite first opens it (app.data_dir)
    return IntakeSQLiteEngine(path=path, timeout=10)


def engine() -> Engine:
    """The one engine every table uses (built by piccolo_conf from DATABASE_URL)."""
    from piccolo_conf import DB

    return DB


@asynccontextmanager
async def transaction() -> AsyncIterator[None]:
    """One use case, one transaction. IMMEDIATE on SQLite, so the write lock is taken up front
    instead of failing half-way with "database is locked"."""
    db = engine()
    if isinstance(db, SQLiteEngine):
        async with db.transaction(transaction_type=TransactionType.immediate):
            yield
    else:
        async with db.transaction():
            yield


@functools.lru_cache(maxsize=1024)
def _numbered(sql: str) -> str:
    """`?` placeholders (SQLite's) as `$1, $2, ...` (asyncpg's). Only for the constant SQL of
    this project's hot paths, which has no `?` inside a literal; so there are few, and each is
    rewritten once (the kiosk sign-in's statement has 30 placeholders: 2% of a sign-in, B1)."""
    parts = sql.split("?")
    return "".join(f"{part}${i}" for i, part in enumerate(parts[:-1], start=1)) + parts[-1]


async def fetch(sql: str, *args: Any) -> list[dict[str, Any]]:
    """Constant SQL with `?` placeholders, without building a Piccolo query object: inside
    a transaction on its connection, else like any query (SQLite: a pooled connection;
    PostgreSQL: the pool).

    For hot paths only (the kiosk sign-in, the session lookup, the review queue): building
    the query objects cost more CPU than the database's own work (bench B1 profile: ~0.1 ms
    each, a fifth of a sign-in). Values are always bound parameters, never formatted into
    the SQL. On SQLite a SELECT outside a transaction reads on the event loop's thread
    (IntakeSQLiteEngine.read_now): keep such reads short and indexed."""
    db: Any = engine()
    txn = db.current_transaction.get()
    if isinstance(db, IntakeSQLiteEngine):
        if txn is None:
            if sql[:6].upper() == "SELECT":
                rows = await db.read_now(sql, args)
                if rows is not None:
                    return rows
                return list(await db._run_in_new_connection(sql, list(args)))
            # A lone write: its own IMMEDIATE transaction, run on the loop under the writer
            # lock (no trip to a connection's thread, see IntakeSQLiteTransaction).
            async with db.transaction(TransactionType.immediate) as lone:
                return list(lone.connection._conn.execute(sql, args).fetchall())
        if getattr(txn, "_writer", None) is not None:  # see _run_in_existing_connection
            return list(txn.connection._conn.execute(sql, args).fetchall())
        return list(await txn.connection.execute_fetchall(sql, args))
    numbered = _numbered(sql)
    if txn is not None:
        rows = await txn.connection.fetch(numbered, *args)
    elif db.pool is not None:
        rows = await db._run_in_pool(numbered, args)
    else:
        rows = await db._run_in_new_connection(numbered, args)
    return [dict(row) for row in rows]


async def fetch_many(sql: str, rows: list[tuple[Any, ...]]) -> None:
    """One constant statement for many rows (executemany), in one transaction: the driver
    sends them in one go (asyncpg pipelines them; sqlite3 loops in C)."""
    async with transaction():
        db: Any = engine()
        txn = db.current_transaction.get()
        if isinstance(db, IntakeSQLiteEngine) and txn._writer is not None:
            txn.connection._conn.executemany(sql, rows)
        elif isinstance(db, IntakeSQLiteEngine):
            await txn.connection.executemany(sql, rows)
        else:
            await txn.connection.executemany(_numbered(sql), rows)


async def write_now(work: Callable[[sqlite3.Connection], T | None]) -> T | None:
    """IntakeSQLiteEngine.write_now on SQLite; None (nothing done) on PostgreSQL."""
    db = engine()
    if isinstance(db, IntakeSQLiteEngine):
        return await db.write_now(work)
    return None


async def make_room() -> None:
    """Bulk writers (the retention sweep) call this between their transactions: on SQLite
    they pause while the WAL is far behind (app.wal_checkpoint), so the kiosk never waits for
    a long checkpoint of their pages. Nothing to do on PostgreSQL."""
    db = engine()
    if isinstance(db, IntakeSQLiteEngine):
        await db.checkpointer.make_room()


async def ping() -> bool:
    """Does the database answer? (`/readyz`)"""
    db = engine()
    try:
        if isinstance(db, IntakeSQLiteEngine):
            # A fresh connection: a pooled one would still answer after the file is gone.
            connection = await db.get_connection()
            try:
                await connection.execute("SELECT 1")
            finally:
                await connection.close()
        else:
            await db.run_ddl("SELECT 1")
    except Exception:  # noqa: BLE001 - any failure means "not ready"
        return False
    return True


async def start(pool_size: int) -> None:
    db = engine()
    if isinstance(db, IntakeSQLiteEngine):
        db.enable_wal()
        await db.checkpointer.start()
        await db.close_idle()  # opened before: they would still checkpoint in their COMMITs
    elif isinstance(db, PostgresEngine) and pool_size > 0:
        await db.start_connection_pool(min_size=1, max_size=pool_size, reset=_keep_session)


async def _keep_session(connection: Any) -> None:
    """Nothing to reset when a connection goes back to the pool. asyncpg's default sends
    `SELECT pg_advisory_unlock_all(); CLOSE ALL; UNLISTEN *; RESET ALL;` on every release: one
    more round trip per query outside a transaction and per transaction (bench B1 on
    PostgreSQL). Pooled connections never hold session state here (the scheduler's advisory
    lock has a connection of its own, app.leader), and asyncpg itself still rolls back a
    transaction left open before it calls this."""


async def stop() -> None:
    db = engine()
    if isinstance(db, PostgresEngine) and db.pool is not None:
        await db.close_connection_pool()
    elif isinstance(db, IntakeSQLiteEngine):
        await db.checkpointer.stop()
        await db.close_idle()
