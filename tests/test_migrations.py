"""One set of migrations runs forwards and backwards, on this run's database kind."""

import os
import sqlite3
import subprocess
import sys
import uuid

import asyncpg

from tests.conftest import DATABASE, PG_ADMIN


def piccolo(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "piccolo.main", "migrations", *args],
                          env={**os.environ, **env}, capture_output=True, text=True, timeout=120)


async def _tables(url: str) -> set[str]:
    if url.startswith("sqlite"):
        with sqlite3.connect(url.removeprefix("sqlite:///")) as con:
            rows = con.execute("SELECT name FROM sqlite_master WHERE type='table'").fetchall()
        return {r[0] for r in rows}
    conn = await asyncpg.connect(url)
    try:
        rows = await conn.fetch("SELECT tablename FROM pg_tables WHERE schemaname='public'")
    finally:
        await conn.close()
    return {r[0] for r in rows}


async def test_migrations_forwards_and_backwards(tmp_path):
    if DATABASE == "postgres":
        name = f"intake_mig_{uuid.uuid4().hex[:8]}"
        admin = await asyncpg.connect(PG_ADMIN)
        await admin.execute(f'CREATE DATABASE "{name}"')
        url = f"postgresql://postgres@127.0.0.1:5432/{name}"
    else:
        url = f"sqlite:///{tmp_path / 'mig.sqlite'}"
    env = {"DATABASE_URL": url}
    try:
        forwards = piccolo(env, "forwards", "intake")
        assert forwards.returncode == 0, forwards.stdout + forwards.stderr
        assert {"candidate", "application", "consent_event", "visit", "audit_event"} <= \
            await _tables(url)
        backwards = piccolo(env, "backwards", "intake", "all", "--auto_agree")
        assert backwards.returncode == 0, backwards.stdout + backwards.stderr
        assert "candidate" not in await _tables(url)
        again = piccolo(env, "forwards", "intake")
        assert again.returncode == 0, again.stdout + again.stderr
        assert "candidate" in await _tables(url)
    finally:
        if DATABASE == "postgres":
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            await admin.close()


async def _indexes() -> set[str]:
    from app.db import engine

    if DATABASE == "postgres":
        rows = await engine().run_ddl("SELECT indexname AS name FROM pg_indexes")
    else:
        rows = await engine().run_ddl("SELECT name FROM sqlite_master WHERE type = 'index'")
    return {r["name"] for r in rows}


async def test_migrate_makes_the_partial_indexes_in_place_of_whole_column_ones():
    """app.cli.migrate: a database made before PARTIAL_INDEXES had whole-column indexes, which
    every kiosk sign-in kept writing NULLs into; migrating again replaces them."""
    from app.cli import migrate
    from app.db import engine
    from app.tables import DROPPED_INDEXES, PARTIAL_INDEXES

    partial = {name for name, *_ in PARTIAL_INDEXES}
    assert partial <= await _indexes() and not set(DROPPED_INDEXES) & await _indexes()
    await engine().run_ddl("CREATE INDEX visit_erase_after ON visit (erase_after)")  # as before
    await migrate()
    await migrate()  # and again: nothing left to do
    assert partial <= await _indexes() and "visit_erase_after" not in await _indexes()
