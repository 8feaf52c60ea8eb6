"""The stored CV files, wherever the suite's database keeps them (app/recruiting/cv_blobs.py):
rows of cv_blob on PostgreSQL, files in INTAKE_DATA_DIR/cv on SQLite. Read here directly,
not through the module under test, so a test sees what really lies there; on PostgreSQL a
file left in the folder (an earlier version's, or a half-written one) counts too."""

import os
from datetime import datetime

from app.config import current
from app.tables import CVBlob


def files_in_folder() -> dict[str, bytes]:
    folder = current().cv_dir
    if not folder.is_dir():
        return {}
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}


async def stored_cvs() -> dict[str, bytes]:
    """Every stored CV file: name -> its (sealed) bytes."""
    stored = files_in_folder()
    if not current().is_sqlite:
        rows = await CVBlob.select(CVBlob.name, CVBlob.content)
        stored.update({r["name"]: bytes(r["content"]) for r in rows})
    return stored


async def stored_cv_names() -> list[str]:
    return sorted(await stored_cvs())


async def is_stored(name: str) -> bool:
    return name in await stored_cvs()


async def plant_cv(name: str, content: bytes) -> None:
    """A file as this backend stores one (a crash's orphan, say), not through the service."""
    if current().is_sqlite:
        folder = current().cv_dir
        folder.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(content)
    else:
        await CVBlob.insert(CVBlob(name=name, content=content))


async def age_cv(name: str, at: datetime) -> None:
    """Make a stored file look written at `at` (the orphan sweep's grace)."""
    path = current().cv_dir / name
    if path.exists():
        os.utime(path, (at.timestamp(), at.timestamp()))
    if not current().is_sqlite:
        await CVBlob.update({CVBlob.created_at: at}).where(CVBlob.name == name)
