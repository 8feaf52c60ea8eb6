"""Moving the CV files an earlier version wrote into INTAKE_DATA_DIR/cv into the database
(`litestar cv-move-to-db`, issue 18.1), so that every host serves them.

Each file is copied, read back and checked before it is deleted: the copy must have the
file's SHA-256, and where a key row names the file, it must decrypt with that key (AES-GCM
authenticates every byte). A run that stops half-way is simply run again: a file whose copy
is already in the database is checked the same way and then deleted. A file that fails a
check is kept where it is and reported. The key rows are not touched, so the files stay
encrypted with their own keys and destroying a key still destroys its file. A CV erased while
its file is being moved may leave a copy without a key: unreadable, and the orphan sweep's."""

import asyncio
import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from cryptography.exceptions import InvalidTag

from app.config import current
from app.db import fetch
from app.recruiting import cv_blobs
from app.recruiting.cv_store import unseal

_KEY_OF = (
    "SELECT wrapped_key FROM cv_file WHERE storage_name = ? "
    "UNION ALL SELECT wrapped_key FROM kept_cv WHERE storage_name = ? "
    "UNION ALL SELECT wrapped_key FROM unconfirmed_application WHERE storage_name = ?"
)


@dataclass
class MoveReport:
    total: int = 0
    moved: int = 0  # copied now, checked, file deleted
    already: int = 0  # copied by an earlier run, checked, file deleted
    failed: list[str] = field(default_factory=list)  # kept on disk: the copy did not check out


class CannotMove(Exception):
    pass


def files_to_move(folder: Path) -> list[str]:
    """The whole files in the CV folder (a `.part` was never finished: the orphan sweep's)."""
    if not folder.is_dir():
        return []
    return sorted(
        entry.name
        for entry in os.scandir(folder)
        if entry.is_file(follow_symlinks=False)
        and cv_blobs.STORAGE_NAME.match(entry.name)
        and not entry.name.endswith(cv_blobs.PART)
    )


async def _checks_out(name: str, original: bytes) -> bool:
    rows = await fetch("SELECT content FROM cv_blob WHERE name = ?", name)
    if not rows:
        return False
    copy = bytes(rows[0]["content"])
    if hashlib.sha256(copy).digest() != hashlib.sha256(original).digest():
        return False
    keys = await fetch(_KEY_OF, name, name, name)
    if keys:  # an orphan has no key; its hash is all there is to check
        try:
            await asyncio.to_thread(unseal, name, bytes(keys[0]["wrapped_key"]), copy)
        except (InvalidTag, ValueError):
            return False
    return True


async def move_one(folder: Path, name: str, report: MoveReport) -> None:
    path = folder / name
    try:
        original = await asyncio.to_thread(path.read_bytes)
        written = datetime.fromtimestamp(path.stat().st_mtime, UTC)
    except FileNotFoundError:  # removed meanwhile (an erasure): nothing to move
        return
    inserted = await cv_blobs.insert_moved(name, original, written)
    if not await _checks_out(name, original):
        if inserted:  # a copy that does not check out is no copy
            await fetch("DELETE FROM cv_blob WHERE name = ?", name)
        report.failed.append(name)
        return
    await asyncio.to_thread(path.unlink, missing_ok=True)
    if inserted:
        report.moved += 1
    else:
        report.already += 1


async def move_files_to_database(
    progress: Callable[[MoveReport], None] = lambda report: None,
) -> MoveReport:
    """Move every CV file of the data folder into cv_blob; `progress` is called after each."""
    if not cv_blobs.in_database():
        raise CannotMove("on SQLite the CV files stay in the data folder (one machine)")
    folder = current().cv_dir
    names = files_to_move(folder)
    report = MoveReport(total=len(names))
    for name in names:
        await move_one(folder, name, report)
        progress(report)
    return report
