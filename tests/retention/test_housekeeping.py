"""Hourly and daily clean-ups: expired tokens, CV files no key row points at; each job run is
kept with its counts (or its error) for the console."""

from datetime import UTC, datetime, timedelta

from app.config import current
from app.jobs import JOBS, run_job
from app.privacy.housekeeping import purge_expired_tokens, sweep_orphan_cv_files
from app.tables import CVFile, JobRun, Token
from tests.cv_storage import age_cv, plant_cv, stored_cv_names
from tests.factories import application_row, candidate_row, cv_row, position_row

NOW = datetime(2026, 3, 1, 12, tzinfo=UTC)


async def test_expired_tokens_are_purged_and_live_ones_kept():
    await Token.insert(
        Token(purpose="reset", token_hash="a" * 64, expires_at=NOW - timedelta(seconds=1)),
        Token(purpose="reset", token_hash="b" * 64, expires_at=NOW + timedelta(minutes=5)),
    )
    assert await purge_expired_tokens(NOW) == 1
    assert [t["token_hash"] for t in await Token.select(Token.token_hash)] == ["b" * 64]


async def test_orphaned_cv_files_older_than_the_grace_period_are_removed():
    candidate_id, _ = await candidate_row()
    app_id, _ = await application_row(candidate_id, await position_row())
    kept = await cv_row(app_id, b"%PDF-1.4 kept")
    await plant_cv("deadbeef", b"orphan from a crash")
    await plant_cv("f00d", b"just written, its row not yet committed")
    # A half-written file lies in the folder on either database (on PostgreSQL: from an
    # earlier version that wrote files); so may an orphan an earlier version left there.
    folder = current().cv_dir
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "cafebabe.part").write_bytes(b"half-written")
    (folder / "0ld0rphan").write_bytes(b"left by an earlier version")
    for name in (kept, "deadbeef", "cafebabe.part", "0ld0rphan"):
        await age_cv(name, NOW - timedelta(hours=2))
    await age_cv("f00d", NOW - timedelta(minutes=5))

    assert await sweep_orphan_cv_files(NOW) == 3
    assert await stored_cv_names() == sorted([kept, "f00d"])
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
