"""After a restore from a backup taken before an erasure, the exported receipts erase the
people again (README "PostgreSQL backups")."""

import csv
import io
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from app.privacy.audit import SYSTEM
from app.privacy.erasure import erase_candidate, erase_visit
from app.privacy.restore import receipts_since, replay
from app.tables import Application, Candidate, Visit
from tests.factories import application_row, candidate_row, position_row, visit_row

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 3, 15, 12, tzinfo=UTC)


async def _backup() -> dict:
    """A "backup": the rows as they are now."""
    return {
        "candidates": await Candidate.select(),
        "applications": await Application.select(),
        "visits": await Visit.select(),
    }


async def _restore(backup: dict) -> None:
    for table, key in ((Candidate, "candidates"), (Application, "applications"), (Visit, "visits")):
        if backup[key]:
            await table.insert(*[table(**row) for row in backup[key]])


async def test_replaying_exported_receipts_erases_restored_people_again():
    candidate_id, uid = await candidate_row("Back From Backup")
    await application_row(candidate_id, await position_row())
    other_id, _ = await candidate_row("Never Erased")
    visit_id, _ = await visit_row("Restored Visitor")
    backup = await _backup()
    await erase_candidate(candidate_id, "erasure request", NOW, SYSTEM)
    await erase_visit(visit_id, "erasure request", NOW, SYSTEM)

    exported = await receipts_since(datetime(2026, 3, 1, tzinfo=UTC))
    assert {(r["kind"], r["reference"]) for r in exported} >= {("candidate", uid)}
    await Candidate.delete().where(Candidate.id == other_id)
    await _restore(backup)
    assert await Candidate.count().where(Candidate.uid == uid) == 1  # the restore undid it

    done = await replay([(r["kind"], r["reference"]) for r in exported], NOW, SYSTEM)

    assert done == {"candidates": 1, "visits": 1}
    assert await Candidate.count().where(Candidate.uid == uid) == 0
    assert await Visit.count().where(Visit.id == visit_id) == 0
    assert await Candidate.count().where(Candidate.id == other_id) == 1


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "litestar", "--app", "app.asgi:app", "retention", *args],
        cwd=ROOT, env=dict(os.environ), capture_output=True, text=True, timeout=120, check=False,
    )


async def test_the_receipts_export_and_replay_commands(tmp_path):
    candidate_id, uid = await candidate_row()
    backup = await _backup()
    await erase_candidate(candidate_id, "erasure request", NOW, SYSTEM)
    exported = _cli("receipts", "--since", "2026-03-01")
    assert exported.returncode == 0, exported.stderr
    rows = list(csv.DictReader(io.StringIO(exported.stdout)))
    assert [(r["kind"], r["reference"]) for r in rows] == [("candidate", uid)]
    await _restore(backup)
    path = tmp_path / "receipts.csv"
    path.write_text(exported.stdout)
    replayed = _cli("replay", str(path))
    assert replayed.returncode == 0, replayed.stderr
    assert "erased again: 1 candidates" in replayed.stdout
    assert await Candidate.count() == 0
