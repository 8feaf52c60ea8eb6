"""app/db.py leans on internals that Piccolo and aiosqlite do not promise to keep (issue 18.8):
Piccolo's SQLiteTransaction fields (`_parent`, `_committed`, `_rolled_back`, `connection`,
`context`), the two `_run_in_*_connection` hooks its queries call, aiosqlite's private `_conn`,
`_connection` and `_thread`, and PostgresEngine's `pool`, `_run_in_pool` and the `reset`
that `start_connection_pool` hands to asyncpg. The lock file (requirements/) pins them; this
test is what fails, loudly and by name, when a relock brings versions where they changed
shape. Each check also drives a real transaction through them, on a SQLite file of its own
(whatever database the suite runs on)."""

import inspect
import sqlite3
import threading
from contextvars import ContextVar
from pathlib import Path

import aiosqlite
import asyncpg
import pytest
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine, SQLiteTransaction, TransactionType, dict_factory
from piccolo.querystring import QueryString

from app.db import IntakeSQLiteEngine, IntakeSQLiteTransaction


def params(function: object) -> list[str]:
    return list(inspect.signature(function).parameters)  # type: ignore[arg-type]


def test_piccolo_sqlite_transaction_still_has_the_fields_app_db_sets_and_reads() -> None:
    assert params(SQLiteTransaction.__init__) == [
        "self",
        "engine",
        "transaction_type",
        "allow_nested",
    ]
    for field in ("_parent", "_committed", "_rolled_back", "connection", "context"):
        assert field in SQLiteTransaction.__slots__, f"Piccolo's SQLiteTransaction lost {field}"
    for method in ("begin", "commit", "rollback"):
        assert inspect.iscoroutinefunction(getattr(SQLiteTransaction, method)), method
    assert TransactionType.immediate.value == "IMMEDIATE"
    assert TransactionType.deferred.value == "DEFERRED"
    assert issubclass(IntakeSQLiteTransaction, SQLiteTransaction)


def test_piccolo_engines_still_call_the_hooks_app_db_overrides() -> None:
    hooks = {
        "_run_in_new_connection": ["self", "query", "args", "query_type", "table"],
        "_run_in_existing_connection": [
            "self",
            "connection",
            "query",
            "args",
            "query_type",
            "table",
        ],
    }
    for name, expected in hooks.items():
        assert params(getattr(SQLiteEngine, name)) == expected, f"SQLiteEngine.{name} changed"
        assert name in inspect.getsource(SQLiteEngine.run_querystring), f"{name} no longer called"
    assert params(SQLiteEngine.transaction) == ["self", "transaction_type", "allow_nested"]
    assert params(PostgresEngine._run_in_pool) == ["self", "query", "args"]
    assert params(PostgresEngine._run_in_new_connection)[:3] == ["self", "query", "args"]
    # app.db.start passes `reset` through Piccolo to asyncpg (no reset query per release).
    assert "config.update(**kwargs)" in inspect.getsource(PostgresEngine.start_connection_pool)
    assert "reset" in params(asyncpg.create_pool)
    assert dict_factory.__code__.co_argcount == 2  # (cursor, row), as sqlite3 calls it


async def test_aiosqlite_private_connection_fields(tmp_path: Path) -> None:
    connection = aiosqlite.connect(tmp_path / "x.sqlite")
    assert isinstance(connection._thread, threading.Thread)  # app.db marks it a daemon
    connection._thread.daemon = True
    await connection
    try:
        assert isinstance(connection._conn, sqlite3.Connection)
        assert connection._connection is connection._conn
        assert connection.in_transaction is False
        assert await connection.execute_fetchall("SELECT 1 AS one") == [(1,)]
    finally:
        await connection.close()
    assert connection._connection is None  # app.db: how a closed idle connection is told


async def test_a_real_transaction_through_them(tmp_path: Path) -> None:
    """Commit, rollback, nesting and the pooled connections, on IntakeSQLiteEngine."""
    engine = IntakeSQLiteEngine(path=str(tmp_path / "t.sqlite"))
    assert isinstance(engine.current_transaction, ContextVar)
    assert engine.connection_kwargs["database"] == str(tmp_path / "t.sqlite")
    engine.enable_wal()
    await engine.run_querystring(QueryString("CREATE TABLE t (v INTEGER)"))
    # Piccolo routed the query through our hook: the connection went back to our idle list.
    assert len(engine._idle) == 1

    async with engine.transaction(TransactionType.immediate) as txn:
        assert isinstance(txn, IntakeSQLiteTransaction) and txn._writer is not None
        assert engine.current_transaction.get() is txn
        assert txn.connection._conn.in_transaction  # BEGIN IMMEDIATE ran on _conn
        await engine.run_querystring(QueryString("INSERT INTO t VALUES ({})", 1))
        async with engine.transaction(TransactionType.immediate) as inner:
            assert inner is txn  # nested: Piccolo's _parent
        assert not txn._committed
    assert txn._committed and engine.current_transaction.get() is None

    with pytest.raises(RuntimeError):
        async with engine.transaction(TransactionType.immediate):
            await engine.run_querystring(QueryString("INSERT INTO t VALUES ({})", 2))
            raise RuntimeError("the use case fails")
    rows = await engine.run_querystring(QueryString("SELECT v FROM t"))
    assert rows == [{"v": 1}]  # dict_factory rows; the failed transaction left nothing
    assert all(not c.in_transaction for c in engine._idle)
    await engine.close_idle()
