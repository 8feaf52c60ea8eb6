"""Erasure leaves no trace (SECURITY.md "Privacy in the plumbing"): a marker planted in a
candidate's name, e-mail, cover letter and CV is in the raw database and the CV folder before
erasure, and in none of the database, WAL, journal or CV files after. On PostgreSQL the CV is
unreadable at once: its file and its key row are gone (the README covers backups)."""

import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path

import pytest

from app.config import current
from app.db import sqlite_path
from app.privacy.audit import SYSTEM
from app.privacy.erasure import erase_candidate
from app.privacy.sweep import sweep
from app.recruiting.cv_store import read_cv
from app.tables import (
    Application,
    Candidate,
    Comment,
    CriterionScore,
    CVFile,
    OutboxMail,
    Scorecard,
    ScorecardCriterion,
)
from tests.cv_storage import is_stored, stored_cv_names
from tests.factories import application_row, candidate_row, cv_row, position_row

MARKER = "Zq7MARKERx9"


def _database_files() -> list[Path]:
    db = Path(sqlite_path(current().database_url))
    return [p for p in (db, Path(f"{db}-wal"), Path(f"{db}-journal")) if p.exists()]


def _raw_bytes(path: Path) -> bytes:
    """The file's bytes, read by another process. Opening and closing the database file in
    this process would drop every POSIX lock SQLite holds on it here (fcntl locks belong to
    the process; any close() releases them): another connection then believes it is the last
    one, deletes the -wal and -shm under this process's connections ("disk I/O error"), and a
    server started later maps a new -shm this process never sees. That broke later tests."""
    return subprocess.run(["cat", str(path)], capture_output=True, check=True).stdout


def _raw_hits(needle: bytes) -> list[str]:
    hits = [p.name for p in _database_files() if needle in _raw_bytes(p)]
    hits += [f"cv/{p.name}" for p in current().cv_dir.glob("*") if needle in p.read_bytes()]
    return hits


async def _plant() -> tuple[int, int, bytes, str]:
    candidate_id, _ = await candidate_row(f"Ann {MARKER}", f"{MARKER.lower()}@example.org")
    position_id = await position_row()
    app_id, _ = await application_row(candidate_id, position_id,
                                      cover_letter=f"I am {MARKER} " * 20)
    name = await cv_row(app_id, f"%PDF-1.4 {MARKER} curriculum".encode() * 50)
    await Comment.insert(Comment(application=app_id, body=f"met {MARKER}"))
    # A scorecard's note is free text about the person (issue 17): it goes with them too.
    criterion = ScorecardCriterion(position=position_id, name="Craft")
    await criterion.save()
    card = Scorecard(application=app_id)
    await card.save()
    await CriterionScore.insert(CriterionScore(scorecard=card.id, criterion=criterion.id, score=3,
                                               note=f"scored {MARKER}"))
    key = bytes((await CVFile.select(CVFile.wrapped_key).first())["wrapped_key"])
    return candidate_id, app_id, key, name


async def _nothing_left_in_tables() -> None:
    assert await Candidate.count().where(Candidate.full_name.like(f"%{MARKER}%")) == 0
    assert await Application.count().where(Application.cover_letter.like(f"%{MARKER}%")) == 0
    assert await Comment.count().where(Comment.body.like(f"%{MARKER}%")) == 0
    assert await CriterionScore.count().where(CriterionScore.note.like(f"%{MARKER}%")) == 0
    assert await OutboxMail.count() == 0
    assert await CVFile.count() == 0


@pytest.mark.parametrize("how", ["erasure request", "retention sweep"])
async def test_a_planted_marker_is_gone_from_every_file_after_erasure(how):
    candidate_id, app_id, key, cv_name = await _plant()
    assert await is_stored(cv_name)
    cv = await CVFile.select().where(CVFile.application == app_id).first()
    assert MARKER.encode() in await read_cv(cv)  # readable while its key exists

    if current().is_sqlite:
        assert any(p.name.endswith("-wal") for p in _database_files())
        # Before: the marker (name, e-mail, letter) and the CV's key are in the raw files.
        from app.privacy.erasure import checkpoint

        await checkpoint()
        assert _raw_hits(MARKER.encode()), "the raw database should hold the marker"
        assert _raw_hits(MARKER.lower().encode())
        assert _raw_hits(key), "the raw database should hold the CV's key"

    # Another worker keeps a connection open (as in production), so SQLite's own checkpoint at
    # the last connection's close cannot hide a missing checkpoint in the erasure.
    other = _other_worker()
    try:
        if how == "erasure request":
            await erase_candidate(candidate_id, "erasure request", current_now(), SYSTEM)
        else:
            await Application.update({Application.erase_after: current_now()}).where(
                Application.id == app_id
            )
            await sweep(current_now())
        await _nothing_left_in_tables()
        assert await stored_cv_names() == []
        if current().is_sqlite:
            for needle in (MARKER.encode(), MARKER.lower().encode(), key):
                assert _raw_hits(needle) == [], needle
    finally:
        if other is not None:
            other.close()



def _other_worker() -> sqlite3.Connection | None:
    if not current().is_sqlite:
        return None
    con = sqlite3.connect(sqlite_path(current().database_url))
    con.execute("SELECT count(*) FROM candidate").fetchall()
    return con


@pytest.fixture(autouse=True)
def wal_mode() -> None:
    """The app runs SQLite in WAL mode (app.db.start does this at start-up); so does the test
    database from here on (WAL is a property of the file)."""
    if current().is_sqlite:
        with closing(sqlite3.connect(sqlite_path(current().database_url))) as con:
            assert con.execute("PRAGMA journal_mode = WAL").fetchone()[0] == "wal"


def current_now():  # type: ignore[no-untyped-def]
    from app.clock import utcnow

    return utcnow()
