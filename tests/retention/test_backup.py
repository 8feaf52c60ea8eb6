"""Backups that respect erasure (issue 18.4), as an operator runs them: `litestar backup` on
SQLite (SQLite's online backup API, encrypted with a key from the secret) or the pg_dump
recipe of docs/operators.md on PostgreSQL; then an erasure; then a restore of the backup taken
before it, the replay of the exported deletion receipts, and the erased person is gone
again, CV included."""

import os
import sqlite3
import subprocess
import sys
import uuid
from datetime import UTC, datetime
from pathlib import Path

import asyncpg

from app.privacy.audit import SYSTEM
from app.privacy.erasure import erase_candidate
from app.tables import Candidate
from tests.conftest import DATABASE, PG_ADMIN
from tests.factories import application_row, candidate_row, cv_row, position_row

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 3, 15, 12, tzinfo=UTC)
MARKER = b"%PDF-1.4 backup-marker-" + uuid.uuid4().hex.encode()


def litestar(env: dict[str, str], *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "litestar", "--app", "app.asgi:app", *args],
                          env={**os.environ, "PYTHONPATH": str(ROOT), **env}, cwd=ROOT,
                          capture_output=True, text=True, timeout=180, input=stdin)


def ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


async def _person_with_a_cv() -> tuple[str, str]:
    candidate_id, uid = await candidate_row("Bea Backup", "bea.backup@example.org")
    application_id, _ = await application_row(candidate_id, await position_row())
    return uid, await cv_row(application_id, MARKER)


def _sqlite_backup(tmp_path: Path) -> Path:
    out = ok(litestar({}, "backup", "--to", str(tmp_path / "backups")))
    path = Path(out.split("backup written: ")[1].split()[0])
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    blob = path.read_bytes()
    assert b"Bea Backup" not in blob and b"bea.backup" not in blob  # encrypted
    assert MARKER not in blob
    return path


def _sqlite_restore(backup: Path, tmp_path: Path) -> dict[str, str]:
    """Restore into a second data folder, as onto a new machine with the same secret."""
    data = tmp_path / "restored"
    env = {"INTAKE_DATA_DIR": str(data), "DATABASE_URL": f"sqlite:///{data / 'intake.sqlite'}"}
    ok(litestar(env, "backup-restore", str(backup)))
    refused = litestar(env, "backup-restore", str(backup))  # never over a database silently
    assert refused.returncode != 0 and "--force" in refused.stderr
    wrong = litestar({**env, "INTAKE_SECRET_KEY": "another-secret-that-is-long-enough-0123456789"},
                     "backup-restore", "--force", str(backup))
    assert wrong.returncode != 0 and "does not open" in wrong.stderr
    return env


def _pg_backup(tmp_path: Path) -> Path:
    dump = tmp_path / "intake.dump"
    url = os.environ["DATABASE_URL"]
    # The encrypted CVs are rows of cv_blob (issue 18.1): the dump holds them, no folder.
    subprocess.run(["pg_dump", "--format=custom", f"--file={dump}", url], check=True, timeout=120)
    return dump


def _pg_restore_into(url: str, dump: Path) -> None:
    subprocess.run(["pg_restore", "--no-owner", f"--dbname={url}", str(dump)], check=True,
                   timeout=120)


async def _pg_restore(dump: Path, tmp_path: Path) -> dict[str, str]:
    name = f"intake_restore_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(PG_ADMIN)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    url = f"postgresql://postgres@127.0.0.1:5432/{name}"
    _pg_restore_into(url, dump)
    data = tmp_path / "restored"
    data.mkdir(mode=0o700)
    return {"INTAKE_DATA_DIR": str(data), "DATABASE_URL": url}


async def _count(env: dict[str, str], uid: str) -> int:
    url = env["DATABASE_URL"]
    if url.startswith("sqlite"):
        with sqlite3.connect(url.removeprefix("sqlite:///")) as con:
            return con.execute("SELECT count(*) FROM candidate WHERE uid = ?", (uid,)).fetchone()[0]
    conn = await asyncpg.connect(url)
    try:
        return await conn.fetchval("SELECT count(*) FROM candidate WHERE uid = $1", uuid.UUID(uid))
    finally:
        await conn.close()


async def _cv_stored(env: dict[str, str], storage_name: str) -> bool:
    url = env["DATABASE_URL"]
    if url.startswith("sqlite"):
        return (Path(env["INTAKE_DATA_DIR"]) / "cv" / storage_name).exists()
    conn = await asyncpg.connect(url)
    try:
        return bool(await conn.fetchval("SELECT count(*) FROM cv_blob WHERE name = $1", storage_name))
    finally:
        await conn.close()


async def _drop(env: dict[str, str]) -> None:
    if env["DATABASE_URL"].startswith("postgres"):
        name = env["DATABASE_URL"].rsplit("/", 1)[1]
        admin = await asyncpg.connect(PG_ADMIN)
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await admin.close()


async def test_a_restored_backup_forgets_the_erased_after_the_receipts_are_replayed(tmp_path):
    uid, storage_name = await _person_with_a_cv()
    _, kept_uid = await candidate_row("Kim Kept", "kim.kept@example.org")
    backup = _pg_backup(tmp_path) if DATABASE == "postgres" else _sqlite_backup(tmp_path)

    await erase_candidate(
        (await Candidate.select(Candidate.id).where(Candidate.uid == uid).first())["id"],
        "erasure request", NOW, SYSTEM)
    receipts = ok(litestar({}, "retention", "receipts", "--since", "2026-03-01"))
    assert uid in receipts

    env = await _pg_restore(backup, tmp_path) if DATABASE == "postgres" else \
        _sqlite_restore(backup, tmp_path)
    try:
        assert await _count(env, uid) == 1  # the restore brought her back
        assert await _count(env, kept_uid) == 1
        assert await _cv_stored(env, storage_name)
        (tmp_path / "receipts.csv").write_text(receipts)
        replayed = ok(litestar(env, "retention", "replay", str(tmp_path / "receipts.csv")))
        assert "erased again: 1 candidates" in replayed
        assert await _count(env, uid) == 0
        assert await _count(env, kept_uid) == 1
        assert not await _cv_stored(env, storage_name)
    finally:
        await _drop(env)


def test_backup_on_postgresql_points_to_the_pg_dump_recipe(tmp_path):
    if DATABASE != "postgres":
        result = litestar({"DATABASE_URL": "postgresql://postgres@127.0.0.1:5432/nothing"},
                          "backup", "--to", str(tmp_path))
    else:
        result = litestar({}, "backup", "--to", str(tmp_path))
    assert result.returncode != 0 and "pg_dump" in result.stderr
