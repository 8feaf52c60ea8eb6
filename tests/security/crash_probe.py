"""Run in a child process against the database of a crash test (DATABASE_URL, INTAKE_DATA_DIR
from the environment): `setup` makes an open position; `inspect` reports the database's
integrity and every half-written application; `sweep` runs the orphan-file job. JSON on stdout."""

import asyncio
import json
import sqlite3
import sys
from datetime import timedelta


async def setup() -> dict:
    from app.tables import Position
    from tests.factories import open_position

    position_id = await open_position("Crash tester")
    row = await Position.select(Position.slug).where(Position.id == position_id).first()
    return {"slug": row["slug"]}


async def inspect() -> dict:
    from app.config import current
    from app.tables import Application, Candidate, ConsentEvent, CVFile
    from tests.cv_storage import stored_cv_names

    settings = current()
    report: dict = {}
    if settings.is_sqlite:
        path = settings.database_url.removeprefix("sqlite:///")
        with sqlite3.connect(path) as con:
            report["integrity"] = con.execute("PRAGMA integrity_check").fetchone()[0]
    else:
        report["integrity"] = "ok"  # PostgreSQL: crash safety is the server's WAL
    apps = await Application.select(Application.id, Application.candidate)
    cvs = await CVFile.select(CVFile.application, CVFile.storage_name)
    cands = await Candidate.select(Candidate.id, Candidate.uid)
    consents = {str(r["candidate_ref"]) for r in await ConsentEvent.select(ConsentEvent.candidate_ref)}
    with_cv = {r["application"] for r in cvs}
    with_app = {r["candidate"] for r in apps}
    files = set(await stored_cv_names())  # cv_blob rows on PostgreSQL, files on SQLite
    report.update({
        "applications": len(apps),
        "without_cv": [r["id"] for r in apps if r["id"] not in with_cv],
        "candidates_without_application": [r["id"] for r in cands if r["id"] not in with_app],
        "candidates_without_consent": [r["id"] for r in cands if str(r["uid"]) not in consents],
        "cv_rows_without_file": [r["storage_name"] for r in cvs if r["storage_name"] not in files],
        "files_without_row": sorted(files - {r["storage_name"] for r in cvs}),
    })
    return report


async def sweep() -> dict:
    from app.clock import utcnow
    from app.privacy.housekeeping import sweep_orphan_cv_files

    # as the nightly job would see them a day later (past the grace for files being written)
    return {"removed": await sweep_orphan_cv_files(utcnow() + timedelta(days=1))}


if __name__ == "__main__":
    action = {"setup": setup, "inspect": inspect, "sweep": sweep}[sys.argv[1]]
    print(json.dumps(asyncio.run(action())))
