"""Hourly and daily clean-ups: expired tokens, CV files no key row points at; each job run is
kept with its counts (or its error) for the console."""

import os
from datetime import UTC, datetime, timedelta

from app.config import current
from app.jobs import JOBS, run_job
from app.privacy.housekeeping import purge_expired_tokens, sweep_orphan_cv_files
from app.tables import CVFile, JobRun, Token
from tests.factories import application_row, candidate_row, cv_row, position_row

NOW = datetime(2026, 3, 1, 12, tzinfo=UTC)


async def test_expired_tokens_are_purged_and_live_ones_kept():
    await Token.insert(
        Token(purpose="reset", token_hash="a" * 64, expires_at=NOW - timedelta(seconds=1)),
        Token(purpose="reset", token_hash="b" * 64, expires_at=NOW + timedelta(minutes=5)),
    )
    assert await purge_expired_tokens(NOW) == 1
    assert [t["token_hash"] for t in await Token.select(Token.token_hash)] == ["b" * 64]


def _age(name: str, at: datetime) -> None:
    path = current().cv_dir / name
    os.utime(path, (at.timestamp(), at.timestamp()))


async def test_orphaned_cv_files_older_than_the_grace_period_are_removed():
    candidate_id, _ = await candidate_row()
    app_id, _ = await application_row(candidate_id, await position_row())
    kept = await cv_row(app_id, b"%PDF-1.4 kept")
    folder = current().cv_dir
    (folder / "deadbeef").write_bytes(b"orphan from a crash")
    (folder / "cafebabe.part").write_bytes(b"half-written")
    (folder / "f00d").write_bytes(b"just written, its row not yet committed")
    for name in (kept, "deadbeef", "cafebabe.part"):
        _age(name, NOW - timedelta(hours=2))
    _age("f00d", NOW - timedelta(minutes=5))

    assert await sweep_orphan_cv_files(NOW) == 2
    assert sorted(p.name for p in folder.iterdir()) == sorted([kept, "f00d"])
    assert await CVFile.count() == 1


async def test_every_job_run_is_kept_with_its_counts():
    job = next(j for j in JOBS if j.name == "retention_sweep")
    counts = await run_job(job, NOW)
    assert counts["visits"] == 0 and counts["applications"] == 0
    run = await JobRun.select().where(JobRun.job == "retention_sweep").first()
    assert run["finished_at"] is not None and run["error"] == ""
    assert run["counts"] and "visits" in str(run["counts"])


async def test_a_failing_job_is_recorded_with_its_error_and_does_not_raise():
    async def broken(now: datetime) -> dict:
        raise RuntimeError("disk full")

    job = JOBS[0]._replace(name="broken_probe", run=broken)
    assert await run_job(job, NOW) == {}
    run = await JobRun.select().where(JobRun.job == "broken_probe").first()
    assert run["error"] == "RuntimeError" and run["finished_at"] is not None


async def test_after_a_restart_the_hourly_jobs_run_within_a_minute(settings):
    from app.jobs import Runner

    runner = Runner(settings)
    runner._start_scheduler({job.name: datetime.now(UTC) for job in JOBS})  # none missed
    try:
        assert runner.scheduler is not None
        started = datetime.now(UTC)
        sweep_job = runner.scheduler.get_job("retention_sweep")
        assert sweep_job.next_run_time - started <= timedelta(seconds=61)
        mail = runner.scheduler.get_job("deliver_mail")
        assert mail.next_run_time - started <= timedelta(seconds=31)
        orphans = runner.scheduler.get_job("orphaned_cv_files")  # daily, at its hour
        assert (orphans.next_run_time.hour, orphans.next_run_time.minute) == (3, 30)
    finally:
        await runner.stop()


async def test_after_a_restart_a_missed_daily_job_runs_within_a_minute(settings):
    """Issue 18.7: the end of day passed while no scheduler ran; it runs once, soon."""
    from app.jobs import Runner

    runner = Runner(settings)
    runner._start_scheduler({})  # no job ever succeeded
    try:
        assert runner.scheduler is not None
        started = datetime.now(UTC)
        end_of_day = runner.scheduler.get_job("end_of_day_sign_out")
        assert end_of_day.next_run_time - started <= timedelta(seconds=61)
    finally:
        await runner.stop()


async def test_stale_failed_attempt_counters_are_purged():
    from app.privacy.housekeeping import purge_stale_throttles
    from app.tables import Throttle

    await Throttle.insert(
        Throttle(key="old", failures=3, last_failure_at=NOW - timedelta(days=2)),
        Throttle(key="recent", failures=3, last_failure_at=NOW - timedelta(hours=2)),
        Throttle(key="locked", failures=9, last_failure_at=NOW - timedelta(days=2),
                 locked_until=NOW + timedelta(minutes=5)),
    )
    assert await purge_stale_throttles(NOW) == 1
    assert sorted(t["key"] for t in await Throttle.select(Throttle.key)) == ["locked", "recent"]
