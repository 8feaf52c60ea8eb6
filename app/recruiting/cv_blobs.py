"""Where the encrypted CV files lie (issue 18.1: nothing kept on one machine).

- PostgreSQL: the `cv_blob` table, so every host and worker sees every CV. A file that an
  earlier version wrote into INTAKE_DATA_DIR/cv and `litestar cv-move-to-db` has not moved
  yet is still read, listed and removed there, so an upgrade serves CVs before the move.
- SQLite (one machine): files in INTAKE_DATA_DIR/cv, 0600, written whole or not at all.

Only ciphertext is stored here (app/recruiting/cv_store.py seals it); its key lives in the
CVFile, KeptCV or UnconfirmedApplication row, so destroying the key destroys the file
wherever its bytes lie (MISSION: "destroying the key destroys the file")."""

import asyncio
import os
import re
from datetime import datetime
from pathlib import Path

from app.config import current
from app.data_dir import make_folder
from app.db import fetch

PART = ".part"  # a file being written; renamed into place once whole
# Names are ours (random hex), but are checked to stay inside the CV folder anyway: a plain
# name with no separator and no leading dot (resolving each path cost 10,000 syscalls per
# sweep, bench B4). The orphan sweep removes whatever else a crash left there, `.part` too.
STORAGE_NAME = re.compile(r"^[0-9A-Za-z_-][0-9A-Za-z_.-]{0,127}$")


def in_database() -> bool:
    return not current().is_sqlite


def _folder() -> Path:
    return current().cv_dir


def _path(name: str) -> Path:
    if not STORAGE_NAME.match(name) or name.endswith(PART):
        raise ValueError("bad storage name")
    return _folder() / name


# --- files (SQLite, and what an earlier version left on PostgreSQL) -------------------------


def write_file(name: str, sealed: bytes) -> None:
    path = _path(name)
    make_folder(path.parent)  # 0700 (app.data_dir)
    temp = path.with_name(path.name + PART)
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(sealed)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(temp, path)


def _remove_files(names: list[str]) -> int:
    if not _folder().is_dir():  # PostgreSQL once everything is moved: no syscall per name
        return 0
    folder = str(_folder())
    removed = 0
    for name in names:
        if not STORAGE_NAME.match(name):
            continue
        try:
            os.unlink(os.path.join(folder, name))
            removed += 1
        except FileNotFoundError:
            pass
    return removed


def files_older_than(cutoff: float) -> list[str]:
    """Names of the files in the CV folder last written before `cutoff` (a timestamp),
    half-written `.part` files included."""
    folder = _folder()
    if not folder.is_dir():
        return []
    names = []
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.is_file(follow_symlinks=False) and entry.stat().st_mtime < cutoff:
                names.append(entry.name)
    return sorted(names)


# --- the storage every CV goes through ------------------------------------------------------

_INSERT = "INSERT INTO cv_blob (name, content, created_at) VALUES (?, ?, ?)"
_INSERT_NOW = "INSERT INTO cv_blob (name, content) VALUES (?, ?)"


async def write(name: str, sealed: bytes) -> None:
    """Store a sealed file under its new, random name (before the use case's transaction; the
    caller removes it if that transaction fails, the orphan sweep if the process dies)."""
    _path(name)  # the same names on both backends
    if in_database():
        await fetch(_INSERT_NOW, name, sealed)  # created_at: the database's clock, every host's
    else:
        await asyncio.to_thread(write_file, name, sealed)


async def insert_moved(name: str, sealed: bytes, created_at: datetime) -> bool:
    """`cv-move-to-db`: the file's bytes under its name, unless already there (a run that
    was stopped half-way). True when inserted now."""
    rows = await fetch(
        _INSERT + " ON CONFLICT (name) DO NOTHING RETURNING name", name, sealed, created_at
    )
    return bool(rows)


async def read(name: str) -> bytes:
    """The sealed bytes; FileNotFoundError when there are none."""
    path = _path(name)
    if in_database():
        rows = await fetch("SELECT content FROM cv_blob WHERE name = ?", name)
        if rows:
            return bytes(rows[0]["content"])
    return await asyncio.to_thread(path.read_bytes)  # SQLite, or not moved yet


async def remove(names: list[str]) -> int:
    """Remove these files (their keys are destroyed, or they never got one). Returns how
    many were there. One statement on PostgreSQL, whatever the number."""
    names = [n for n in names if STORAGE_NAME.match(n)]
    if not names:
        return 0
    removed = 0
    if in_database():
        rows = await fetch("DELETE FROM cv_blob WHERE name = ANY(?) RETURNING name", names)
        removed = len(rows)
    return removed + await asyncio.to_thread(_remove_files, names)


async def older_than(cutoff: datetime) -> list[str]:
    """Every stored name written before `cutoff`, sorted (the orphan sweep's candidates)."""
    names = await asyncio.to_thread(files_older_than, cutoff.timestamp())
    if in_database():
        rows = await fetch("SELECT name FROM cv_blob WHERE created_at < ? ORDER BY name", cutoff)
        names = sorted({*names, *(r["name"] for r in rows)})
    return names
