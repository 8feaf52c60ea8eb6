"""Database engines and transactions.

SQLite: Piccolo's SQLiteEngine opens a connection per query and sets only `foreign_keys`
(PITFALLS), so `secure_delete` and `busy_timeout` would be lost. `IntakeSQLiteEngine` sets
every per-connection pragma on every connection it opens. WAL is a property of the file and is
switched on once, at start-up. Write transactions are IMMEDIATE: deferred ones fail with
"database is locked" under concurrency.

PostgreSQL: a connection pool, opened in the Litestar lifespan.
"""

import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import urlparse

import aiosqlite
from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine, TransactionType, dict_factory

# Per connection: secure_delete overwrites erased content with zeros (policy: "erase it in a
# secure manner"); busy_timeout waits for the writer instead of failing at once.
SQLITE_PRAGMAS = (
    "PRAGMA foreign_keys = 1",
    "PRAGMA secure_delete = 1",
    "PRAGMA busy_timeout = 10000",
    "PRAGMA synchronous = NORMAL",
)


class IntakeSQLiteEngine(SQLiteEngine):
    async def _configure(self, connection: aiosqlite.Connection) -> None:
        for pragma in SQLITE_PRAGMAS:
            await connection.execute(pragma)

    async def get_connection(self) -> aiosqlite.Connection:
        connection = await aiosqlite.connect(**self.connection_kwargs)
        connection.row_factory = dict_factory  # type: ignore[assignment]
        await self._configure(connection)
        return connection

    async def _run_in_new_connection(
        self,
        query: str,
        args: list[Any] | None = None,
        query_type: str = "generic",
        table: Any = None,
    ) -> Any:
        connection = await self.get_connection()
        try:
            async with connection.execute(query, args or []) as cursor:
                rows = await cursor.fetchall()
                await connection.commit()
                return rows
        finally:
            await connection.close()

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
    return IntakeSQLiteEngine(path=sqlite_path(url), timeout=10)


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


async def ping() -> bool:
    """Does the database answer? (`/readyz`)"""
    try:
        await engine().run_ddl("SELECT 1")
    except Exception:  # noqa: BLE001 - any failure means "not ready"
        return False
    return True


async def start(pool_size: int) -> None:
    db = engine()
    if isinstance(db, IntakeSQLiteEngine):
        db.enable_wal()
    elif isinstance(db, PostgresEngine) and pool_size > 0:
        await db.start_connection_pool(min_size=1, max_size=pool_size)


async def stop() -> None:
    db = engine()
    if isinstance(db, PostgresEngine) and db.pool is not None:
        await db.close_connection_pool()
