"""Upgrades that cannot half-happen (issue 18.3): a server refuses a database whose migrations
are behind the code, with one line that names the command; `litestar bootstrap` brings a
database made by the first migration up to date with its data; a database from before the
initial migration's current name is refused in plain words. Real processes, as an operator
runs them, on this run's database kind."""

import asyncio
import os
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest

from tests.conftest import DATABASE, PG_ADMIN

ROOT = Path(__file__).resolve().parent.parent
FIRST = "2026-11-24T20:49:28:069301"  # the initial migration, named so since 1997f95
LEGACY = "2026-11-24T15:58:55:774240"  # its name before


@pytest.fixture
async def database_url(tmp_path) -> AsyncIterator[str]:
    """An empty database of this run's kind, dropped afterwards."""
    if DATABASE != "postgres":
        yield f"sqlite:///{tmp_path / 'old.sqlite'}"
        return
    name = f"intake_upg_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(PG_ADMIN)
    await admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql://postgres@127.0.0.1:5432/{name}"
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


def run(url: str, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": url, "INTAKE_DATA_DIR": str(tmp_path / "var"),
           "PYTHONPATH": str(ROOT), "INTAKE_SCHEDULER": "0"}
    return subprocess.run([sys.executable, *args], env=env, cwd=ROOT, capture_output=True,
                          text=True, timeout=180)


def start_server(url: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """What uvicorn does first: import the app. A refusal exits 3 before serving."""
    return run(url, tmp_path, "-c", "import app.asgi")


def bootstrap(url: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    return run(url, tmp_path, "-m", "litestar", "--app", "app.asgi:app", "bootstrap")


async def sql(url: str, statement: str) -> list[tuple]:
    if url.startswith("sqlite"):
        with sqlite3.connect(url.removeprefix("sqlite:///")) as con:
            return con.execute(statement).fetchall()
    conn = await asyncpg.connect(url)
    try:
        return [tuple(r) for r in await conn.fetch(statement)]
    finally:
        await conn.close()


def assert_refused_in_one_line(result: subprocess.CompletedProcess[str], words: str) -> None:
    assert result.returncode == 3, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and words in lines[0], result.stderr


async def test_a_database_made_by_the_first_migration_is_refused_then_migrated_with_its_data(
    database_url, tmp_path
):
    first = run(database_url, tmp_path, "-m", "piccolo.main", "migrations", "forwards", "intake", FIRST)
    assert first.returncode == 0, first.stdout + first.stderr
    await sql(database_url, "INSERT INTO position (title, slug, description, location, status, "
              "created_at) VALUES ('Backend developer', 'backend', '', 'Aarhus', 'open', "
              "CURRENT_TIMESTAMP)")
    # The server refuses rather than answering 500 on the first kiosk sign-in.
    assert_refused_in_one_line(start_server(database_url, tmp_path), "run `litestar bootstrap` first")

    result = bootstrap(database_url, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert await sql(database_url, "SELECT title, location FROM position") == [
        ("Backend developer", "Aarhus")]
    await sql(database_url, "SELECT submission_hash FROM visit")  # the later migration's column
    assert start_server(database_url, tmp_path).returncode == 0
    again = bootstrap(database_url, tmp_path)  # nothing left to do, nothing broken
    assert again.returncode == 0, again.stdout + again.stderr


async def test_an_empty_database_is_refused_with_the_command_to_run(database_url, tmp_path):
    assert_refused_in_one_line(start_server(database_url, tmp_path), "litestar bootstrap")


async def test_migrate_brings_a_database_up_to_date_and_makes_no_admin(database_url, tmp_path):
    """`litestar migrate`, as deploy/systemd/intake-migrate.service runs it before each start:
    no one-time password printed into the journal."""
    result = run(database_url, tmp_path, "-m", "litestar", "--app", "app.asgi:app", "migrate")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "password" not in result.stdout + result.stderr
    assert start_server(database_url, tmp_path).returncode == 0
    assert await sql(database_url, "SELECT COUNT(*) FROM staff_member") == [(0,)]


@pytest.mark.skipif(DATABASE != "postgres", reason="several hosts migrate at once on PostgreSQL only")
async def test_hosts_that_migrate_at_once_take_turns(database_url, tmp_path):
    """Each host's intake-migrate.service runs at its start; after a deploy they start
    together. The second waits for the first (an advisory lock), then has nothing to do."""
    env = {**os.environ, "DATABASE_URL": database_url, "PYTHONPATH": str(ROOT),
           "INTAKE_SCHEDULER": "0"}
    hosts = [await asyncio.create_subprocess_exec(
        sys.executable, "-m", "litestar", "--app", "app.asgi:app", "migrate",
        env={**env, "INTAKE_DATA_DIR": str(tmp_path / f"host{n}")}, cwd=ROOT,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT) for n in (1, 2)]
    outputs = await asyncio.wait_for(asyncio.gather(*(h.communicate() for h in hosts)), 180)
    assert [host.returncode for host in hosts] == [0, 0], outputs
    assert start_server(database_url, tmp_path).returncode == 0


async def test_a_database_from_before_the_initial_migrations_name_is_refused_in_plain_words(
    database_url, tmp_path
):
    first = run(database_url, tmp_path, "-m", "piccolo.main", "migrations", "forwards", "intake", FIRST)
    assert first.returncode == 0, first.stdout + first.stderr
    await sql(database_url, f"UPDATE migration SET name = '{LEGACY}' WHERE name = '{FIRST}'")

    result = bootstrap(database_url, tmp_path)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr + result.stdout
    assert "already exists" not in result.stderr + result.stdout
    assert "cannot be migrated in place" in result.stderr
    assert_refused_in_one_line(start_server(database_url, tmp_path), "cannot be migrated in place")


async def test_a_database_migrated_by_a_newer_version_is_refused(database_url, tmp_path):
    assert bootstrap(database_url, tmp_path).returncode == 0
    await sql(database_url, "INSERT INTO migration (name, app_name, ran_on) VALUES "
              "('2099-01-01T00:00:00:000000', 'intake', CURRENT_TIMESTAMP)")
    assert_refused_in_one_line(start_server(database_url, tmp_path), "newer version of Intake")
