"""Bulk rows for the bench, written with raw INSERTs (SQLite) or COPY (PostgreSQL): seeding
100,000 applications or 1,000,000 visits through the app would take longer than the bench."""

import asyncio
import uuid
from collections.abc import Callable, Coroutine, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from itertools import islice
from pathlib import Path
from typing import Any, TypeVar

from app.visits.uids import visit_uid
from bench.harness import Database

T = TypeVar("T")
STAFF_PASSWORD = "bench-password-correct-horse-42"
STAGES = ("received", "screening", "interview", "offer", "rejected")


def _run(make: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """asyncpg work from sync code, also when called from inside the bench's event loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(make())
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(lambda: asyncio.run(make())).result()


def _lite_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return str(value.astimezone(UTC))
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def _chunks(rows: Iterable[tuple], size: int) -> Iterator[list[tuple]]:
    it = iter(rows)
    while chunk := list(islice(it, size)):
        yield chunk


def bulk(db: Database, table: str, columns: list[str], rows: Iterable[tuple]) -> int:
    """Insert `rows` in one transaction; returns the count."""
    count = 0
    if db.kind == "sqlite":
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
        con = db.lite()
        try:
            con.execute("BEGIN")
            for chunk in _chunks(rows, 20_000):
                con.executemany(sql, [tuple(_lite_value(v) for v in row) for row in chunk])
                count += len(chunk)
            con.execute("COMMIT")
        finally:
            con.close()
        return count

    async def go() -> int:
        n = 0
        conn = await db.pg()
        try:
            for chunk in _chunks(rows, 50_000):
                await conn.copy_records_to_table(table, records=chunk, columns=columns)
                n += len(chunk)
            # Planner statistics, as autovacuum keeps them in production.
            await conn.execute(f"ANALYZE {table}")
        finally:
            await conn.close()
        return n

    return _run(go)


def scalar(db: Database, sql_lite: str, sql_pg: str | None = None) -> Any:
    if db.kind == "sqlite":
        con = db.lite()
        try:
            row = con.execute(sql_lite).fetchone()
            con.commit()
            return row[0] if row else None
        finally:
            con.close()

    async def go() -> Any:
        conn = await db.pg()
        try:
            return await conn.fetchval(sql_pg or sql_lite)
        finally:
            await conn.close()

    return _run(go)


def staff(db: Database, count: int, role: str = "hr", prefix: str = "") -> list[str]:
    """`count` staff members with the production argon2 profile; returns their e-mails
    (`prefix` keeps one benchmark's reviewers apart from another's)."""
    from app.staff.passwords import make_hasher
    from bench.harness import argon2_profile

    hashed = make_hasher(argon2_profile()).hash(STAFF_PASSWORD)  # as the server verifies
    now = datetime.now(UTC)
    emails = [f"{prefix}{role}{i}@bench.example" for i in range(count)]
    bulk(
        db,
        "staff_member",
        ["email", "display_name", "role", "password_hash", "must_change_password", "disabled",
         "created_at"],
        [(e, f"Bench {role} {i}", role, hashed, False, False, now) for i, e in enumerate(emails)],
    )  # fmt: skip
    return emails


def position(db: Database, slug: str, status: str = "open") -> int:
    now = datetime.now(UTC)
    bulk(
        db,
        "position",
        ["title", "slug", "description", "location", "status", "created_at", "opened_at"],
        [(f"Bench position {slug}", slug, "A position for the bench.", "Remote", status, now, now)],
    )
    return int(scalar(db, f"SELECT id FROM position WHERE slug = '{slug}'"))


def applications(
    db: Database, count: int, position_id: int, prefix: str, erase_after: datetime | None = None
) -> int:
    """`count` candidates, each with one application with consents m and n given, spread over
    the stages and over the last year (so pages and filters have something to sort)."""
    now = datetime.now(UTC)
    bulk(
        db,
        "candidate",
        ["uid", "full_name", "email", "phone", "language", "consent_m", "consent_n",
         "talent_pool", "marketing", "created_at", "erase_after"],
        (
            (uuid.uuid4(), f"Candidate {prefix} {i}", f"{prefix}-{i}@cand.example", "", "en",
             True, True, False, False, now - timedelta(minutes=i), erase_after)
            for i in range(count)
        ),
    )  # fmt: skip
    ids = all_ids(db, f"SELECT id FROM candidate WHERE email LIKE '{prefix}-%' ORDER BY id")
    return bulk(
        db,
        "application",
        ["uid", "candidate", "position", "dedupe_key", "cover_letter", "stage", "restricted",
         "objected", "created_at", "updated_at", "lock_version", "erase_after"],
        (
            (uuid.uuid4(), cid, position_id, f"{cid}:{position_id}", "Hello.",
             STAGES[i % len(STAGES)], False, False, now - timedelta(minutes=i),
             now - timedelta(minutes=i), 0, erase_after)
            for i, cid in enumerate(ids)
        ),
    )  # fmt: skip


def scorecards(db: Database, position_id: int, emails: list[str], per_reviewer: int) -> int:
    """Issue 17: a third of the position's applications scored (application.score_average),
    and `per_reviewer` of those carry each reviewer's own scorecard, so the queue's score
    order and score column have something to show. Scores are not read by the queue."""
    ids = all_ids(db, f"SELECT id FROM application WHERE position = {int(position_id)} "
                      "ORDER BY id")  # fmt: skip
    scored = ids[::3]
    scalar(db, f"UPDATE application SET score_average = 100 + (id * 7) % 301 "
               f"WHERE position = {int(position_id)} AND id % 3 = {ids[0] % 3}")  # fmt: skip
    scalar(db, "SELECT 1", "ANALYZE application")  # PostgreSQL's planner statistics
    quoted = ", ".join(f"'{e}'" for e in emails)  # our own bench addresses
    staff_ids = all_ids(db, f"SELECT id FROM staff_member WHERE email IN ({quoted}) ORDER BY id")
    now = datetime.now(UTC)
    return bulk(
        db,
        "scorecard",
        ["application", "author", "submitted_at"],
        ((app_id, sid, now) for n, sid in enumerate(staff_ids)
         for app_id in scored[n * per_reviewer:(n + 1) * per_reviewer + per_reviewer // 2]),
    )  # fmt: skip


def visits(db: Database, count: int, erase_after: datetime) -> int:
    """`count` signed-out visits whose retention ran out by `erase_after`, signed in over the
    month before (so the anonymous statistics have days and purposes to count into) in the
    order of their ids, with the uid the kiosk gives them (ordered by sign-in time,
    app.visits.uids), as a lobby's visits are stored."""
    first = erase_after - timedelta(days=60)
    step = timedelta(days=30) / max(1, count)
    return bulk(
        db,
        "visit",
        ["uid", "visitor_name", "company", "purpose", "language", "signed_in_at",
         "signed_out_at", "signed_out_by", "erase_after"],
        (
            (visit_uid(first + i * step), f"Visitor {i}", "Acme",
             ("meeting", "interview", "delivery")[i % 3], "en", first + i * step,
             first + i * step + timedelta(minutes=90), "auto",
             erase_after - timedelta(seconds=1 + i % 86_400))
            for i in range(count)
        ),
    )  # fmt: skip


def cv_files(db: Database, cv_dir: Path, position_id: int, size: int = 4096) -> int:
    """A CV row (a random wrapped key) and a file on disk for every application of the
    position. Small files: removing a file costs the same whatever its size."""
    import os
    import secrets

    cv_dir.mkdir(parents=True, exist_ok=True)
    ids = all_ids(db, f"SELECT id FROM application WHERE position = {int(position_id)}")
    now = datetime.now(UTC)
    rows = []
    blob = os.urandom(size)
    for app_id in ids:
        name = secrets.token_hex(24)
        (cv_dir / name).write_bytes(blob)
        rows.append((app_id, name, "cv.pdf", "application/pdf", size, os.urandom(60), now))
    return bulk(
        db, "cv_file",
        ["application", "storage_name", "original_name", "media_type", "size", "wrapped_key",
         "created_at"],
        rows,
    )  # fmt: skip


def encrypted_cv(db: Database, application_id: int, content: bytes, media_type: str) -> int:
    """One CV stored as the portal stores it (app.recruiting.cv_store: encrypted with its own
    key, in the data folder or the database), with the server's own settings, in a process of
    its own."""
    import subprocess
    import sys

    from bench.harness import ROOT, clean_environ

    code = (
        "import asyncio, sys\n"
        "from app.recruiting.cv_store import store_cv\n"
        "stored = asyncio.run(store_cv(sys.stdin.buffer.read()))\n"
        "print(stored.storage_name, stored.wrapped_key.hex())\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], input=content, env={**clean_environ(), **db.env()},
        cwd=ROOT, capture_output=True, check=True,
    )  # fmt: skip
    name, key = done.stdout.decode().split()
    bulk(
        db, "cv_file",
        ["application", "storage_name", "original_name", "media_type", "size", "wrapped_key",
         "created_at"],
        [(application_id, name, "cv.pdf", media_type, len(content), bytes.fromhex(key),
          datetime.now(UTC))],
    )  # fmt: skip
    return int(scalar(db, f"SELECT id FROM cv_file WHERE storage_name = '{name}'"))


def all_ids(db: Database, sql: str) -> list[int]:
    if db.kind == "sqlite":
        con = db.lite()
        try:
            return [r[0] for r in con.execute(sql)]
        finally:
            con.close()

    async def go() -> list[int]:
        conn = await db.pg()
        try:
            return [r[0] for r in await conn.fetch(sql)]
        finally:
            await conn.close()

    return _run(go)


def row(db: Database, sql: str) -> tuple:
    if db.kind == "sqlite":
        con = db.lite()
        try:
            return tuple(con.execute(sql).fetchone())
        finally:
            con.close()

    async def go() -> tuple:
        conn = await db.pg()
        try:
            return tuple(await conn.fetchrow(sql))
        finally:
            await conn.close()

    return _run(go)


def first_site(db: Database) -> int:
    """The first site, which the migration's data step made (issue 19.5)."""
    return int(scalar(db, "SELECT MIN(id) FROM site"))


def host(db: Database) -> int:
    """A host at the first site: a kiosk offers only its own site's hosts."""
    bulk(db, "host", ["name", "email", "department", "active"],
         [("Hanne Host", "host@bench.example", "Sales", True)])  # fmt: skip
    host_id = int(scalar(db, "SELECT MAX(id) FROM host"))
    bulk(db, "host_site", ["host", "site"], [(host_id, first_site(db))])
    return host_id


def kiosks(db: Database, count: int) -> list[str]:
    """`count` enrolled kiosks; returns their device credentials (only hashes are stored)."""
    import hashlib
    import secrets

    now = datetime.now(UTC)
    site = first_site(db)
    credentials = [secrets.token_urlsafe(32) for _ in range(count)]
    bulk(
        db,
        "kiosk",
        ["name", "location", "credential_hash", "enrolled_at", "created_at", "last_seen_at",
         "site"],
        [(f"Tablet {i}", "Lobby", hashlib.sha256(c.encode()).hexdigest(), now, now, now, site)
         for i, c in enumerate(credentials)],
    )  # fmt: skip
    return credentials


def visitor_notice(db: Database, language: str = "en") -> int:
    return int(
        scalar(
            db,
            "SELECT MAX(id) FROM notice_version WHERE audience = 'visitor' "
            f"AND language = '{language}'",
        )
    )


def statistics(db: Database, positions: int, months: int, today: date) -> int:
    """`months` of anonymous counters up to this month, as the events would have left them:
    applications per month for `positions` positions, the funnel, durations, consent, rights
    requests, sources, and visits per day, purpose and three kiosk locations (B7)."""
    import random

    from app.privacy.statistics import BUCKET_LABELS, key

    rnd = random.Random(20)
    rows: list[tuple] = []

    def add(metric: str, period: date, dimension: str, detail: str, total: int) -> None:
        if total:
            rows.append((key(metric, period, dimension, detail), metric, period, dimension,
                         detail, total))  # fmt: skip

    first = date(today.year, today.month, 1)
    for back in range(months):
        total = first.year * 12 + first.month - 1 - back
        month = date(total // 12, total % 12 + 1, 1)
        for p in range(positions):
            add("applications", month, f"Bench position {p:03d}", "", rnd.choice((0, 1, 3, 6, 14)))
        for stage in ("screening", "interview", "offer", "hired", "rejected"):
            add("stage_reached", month, stage, "", rnd.randint(0, 300))
            for bucket in BUCKET_LABELS:
                add("time_in_stage", month, stage, bucket, rnd.randint(0, 40))
        for bucket in BUCKET_LABELS:
            add("time_to_hire", month, "", bucket, rnd.randint(0, 8))
        for purpose in ("m", "n", "talent_pool", "marketing"):
            for action in ("given", "withdrawn"):
                add("consent", month, purpose, action, rnd.randint(0, 400))
        for kind in ("access", "correction", "erasure", "restriction", "objection", "complaint"):
            add("rights_received", month, kind, "", rnd.randint(0, 9))
            for timing in ("on_time", "late"):
                add("rights_answered", month, kind, timing, rnd.randint(0, 6))
        for source in range(1, 7):
            add("source", month, str(source), "", rnd.randint(0, 90))
    day = today - timedelta(days=months * 30)
    while day <= today:
        for purpose in ("meeting", "interview", "delivery", "maintenance", "event", "other"):
            for place in ("Lobby", "Aarhus", "Odense"):
                add("visits", day, purpose, place, rnd.randint(0, 12))
        day += timedelta(days=1)
    # The counters the other benchmarks' sign-ins and applications left would share keys.
    scalar(db, "DELETE FROM anonymous_stat")
    return bulk(db, "anonymous_stat", ["key", "metric", "period", "dimension", "detail", "total"],
                rows)  # fmt: skip
