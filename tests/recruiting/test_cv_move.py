"""`litestar cv-move-to-db` (issue 18.1): the CV files an earlier version wrote into the data
folder move into cv_blob on PostgreSQL, each checked before its file is deleted (its SHA-256,
and decrypting with its own key), resumable after a stop, and served all along."""

import asyncio
import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.config import current
from app.recruiting import cv_blobs
from app.recruiting.cv_move import CannotMove, MoveReport, move_files_to_database
from app.recruiting.cv_store import _seal, read_cv
from app.tables import CVBlob, CVFile
from tests.conftest import DATABASE
from tests.cv_storage import files_in_folder
from tests.factories import consenting_application, open_position

ROOT = Path(__file__).resolve().parents[2]
LITESTAR = Path(sys.executable).parent / "litestar"


async def legacy_cv(position_id: int, content: bytes) -> dict:
    """A CV as an earlier version stored it: a file in INTAKE_DATA_DIR/cv, its key row."""
    a = await consenting_application(position_id, cv=None)
    stored, sealed = _seal(content)
    cv_blobs.write_file(stored.storage_name, sealed)
    await CVFile.insert(CVFile(application=a["application_id"], storage_name=stored.storage_name,
                               original_name="cv.pdf", media_type="application/pdf",
                               size=len(content), wrapped_key=stored.wrapped_key))  # fmt: skip
    return {"storage_name": stored.storage_name, "wrapped_key": stored.wrapped_key,
            "content": content, "sealed": sealed}  # fmt: skip


class Stop(Exception):
    pass


def stop_after(n: int):  # type: ignore[no-untyped-def]
    def progress(report: MoveReport) -> None:
        if report.moved + report.already >= n:
            raise Stop  # as a Ctrl-C or a lost connection would, between two files

    return progress


@pytest.mark.skipif(DATABASE != "postgres", reason="the move is for PostgreSQL")
async def test_the_move_is_checked_resumable_and_the_cvs_are_served_throughout():
    pid = await open_position()
    good = [await legacy_cv(pid, f"%PDF-1.4 cv number {i}".encode()) for i in range(4)]
    # A run stopped between its copy and deleting the file: the copy is there, so is the file.
    half = await legacy_cv(pid, b"%PDF-1.4 copied before a stop")
    await CVBlob.insert(CVBlob(name=half["storage_name"], content=half["sealed"]))
    # A file damaged on disk: its copy would not decrypt with its key. It stays, uncopied.
    damaged = await legacy_cv(pid, b"%PDF-1.4 damaged on disk")
    folder = current().cv_dir
    (folder / damaged["storage_name"]).write_bytes(b"\0" * 64)
    # A copy in the database that is not this file: neither is deleted; reported.
    clash = await legacy_cv(pid, b"%PDF-1.4 two different copies")
    await CVBlob.insert(CVBlob(name=clash["storage_name"], content=b"something else"))
    orphan = "f" * 48  # no key row (a crash): checked by its hash alone
    (folder / orphan).write_bytes(b"ciphertext with no key")
    (folder / ("e" * 48 + ".part")).write_bytes(b"half-written, never whole")

    # Before the move an upgraded host serves the files from its folder.
    assert await read_cv(good[0]) == good[0]["content"]

    with pytest.raises(Stop):
        await move_files_to_database(stop_after(2))
    on_disk = files_in_folder()
    assert len(on_disk) == 9 - 2  # two moved, the rest waiting for the next run

    # The rest through the real command, as an operator runs it after the stop.
    result = await asyncio.to_thread(
        subprocess.run, [str(LITESTAR), "--app", "app.asgi:app", "cv-move-to-db"],
        env={**os.environ, "PYTHONPATH": str(ROOT)}, cwd=ROOT, capture_output=True, text=True,
        timeout=120)  # fmt: skip
    assert result.returncode == 1, result.stdout + result.stderr  # two files kept: not done
    assert "kept on disk" in result.stdout and "of 6 files" in result.stdout
    assert damaged["storage_name"] in result.stderr and clash["storage_name"] in result.stderr

    assert sorted(files_in_folder()) == sorted(
        [damaged["storage_name"], clash["storage_name"], "e" * 48 + ".part"]
    )
    blobs = {r["name"]: bytes(r["content"]) for r in await CVBlob.select()}
    for cv in [*good, half]:
        assert (
            hashlib.sha256(blobs[cv["storage_name"]]).digest()
            == hashlib.sha256(cv["sealed"]).digest()
        )
        assert await read_cv(cv) == cv["content"]  # from the database now
    assert damaged["storage_name"] not in blobs  # a copy that did not check out is no copy
    assert blobs[clash["storage_name"]] == b"something else"  # neither copy was destroyed
    assert blobs[orphan] == b"ciphertext with no key"  # the orphan sweep's, in its new place

    # Run again: nothing moves twice, the two it cannot check are still reported.
    again = await move_files_to_database()
    assert (again.total, again.moved, again.already) == (2, 0, 0)
    assert sorted(again.failed) == sorted([damaged["storage_name"], clash["storage_name"]])


@pytest.mark.skipif(DATABASE != "sqlite", reason="SQLite keeps its files")
async def test_on_sqlite_the_files_stay_where_they_are():
    pid = await open_position()
    cv = await legacy_cv(pid, b"%PDF-1.4 stays on disk")
    with pytest.raises(CannotMove, match="SQLite"):
        await move_files_to_database()
    assert list(files_in_folder()) == [cv["storage_name"]] and await CVBlob.count() == 0
