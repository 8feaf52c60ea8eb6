"""A worker that stops (SIGTERM, a deploy) lets a running job finish before it lets go of the
scheduler (issue 18.2). APScheduler's asyncio executor cancels running jobs at shutdown
whatever `wait` says: a sweep cut off mid-run would show as never finished."""

import asyncio
import json
from datetime import UTC, datetime
from typing import Any

from app import jobs
from app.tables import JobRun


async def test_a_stopping_runner_lets_a_running_job_finish(settings, monkeypatch):
    started, release = asyncio.Event(), asyncio.Event()

    async def slow(now: datetime) -> dict[str, Any]:
        started.set()
        await release.wait()
        return {"done": 1}

    job = jobs.Job("slow_job", slow, "interval", {"hours": 1, "next_run_time": datetime.now(UTC)})
    monkeypatch.setattr(jobs, "JOBS", [job])
    runner = jobs.Runner(settings)
    runner._start_scheduler({})
    await asyncio.wait_for(started.wait(), 10)

    stopping = asyncio.create_task(runner.stop())
    await asyncio.sleep(0.2)
    assert not stopping.done(), "stop() returned while a job was still running"
    release.set()
    await asyncio.wait_for(stopping, 10)

    run = await JobRun.select().where(JobRun.job == "slow_job").first()
    assert run is not None and run["finished_at"] is not None, run
    counts = run["counts"]
    assert (json.loads(counts) if isinstance(counts, str) else counts) == {"done": 1}


async def test_a_job_that_outlives_the_grace_is_cut_off(settings, monkeypatch):
    started = asyncio.Event()

    async def stuck(now: datetime) -> dict[str, Any]:
        started.set()
        await asyncio.Event().wait()
        return {}

    job = jobs.Job("stuck_job", stuck, "interval", {"hours": 1, "next_run_time": datetime.now(UTC)})
    monkeypatch.setattr(jobs, "JOBS", [job])
    runner = jobs.Runner(settings)
    runner._start_scheduler({})
    await asyncio.wait_for(started.wait(), 10)
    await asyncio.wait_for(runner.stop(grace=0.2), 10)
    assert runner.scheduler is None
    run = await JobRun.select().where(JobRun.job == "stuck_job").first()
    assert run is not None and run["finished_at"] is None  # shows as interrupted in the console
