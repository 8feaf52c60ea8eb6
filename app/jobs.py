"""The scheduler: APScheduler 3.11 inside the app, one runner among all workers (app/leader.py).

Each job is one call into a service, which takes `now`. Jobs are declared by their domains in
`JOBS`; every run's outcome is kept in JobRun and shown in the console."""

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any, NamedTuple

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger

from app.clock import utcnow
from app.config import Settings
from app.leader import Leadership
from app.mail import deliver_pending
from app.metrics import job_ran
from app.privacy.housekeeping import (
    purge_expired_tokens,
    purge_stale_throttles,
    sweep_orphan_cv_files,
)
from app.privacy.sweep import sweep
from app.rate_limit import purge_ended_windows
from app.staff.sessions import purge_expired
from app.tables import JobRun

log = logging.getLogger("intake.jobs")
# Let a starting worker finish starting before the first runs.
FIRST_RUN_DELAY = timedelta(seconds=60)
# How far back a restarted scheduler looks for a daily run it missed.
CATCH_UP_WINDOW = timedelta(days=7)
# How long a stopping worker lets running jobs finish (issue 18.2: graceful shutdown). Under
# systemd's TimeoutStopSec (deploy/systemd/intake.service) with uvicorn's own grace for
# requests; a job cut off after it rolls back its open batch and runs again on the next leader.
JOB_GRACE_SECONDS = 25.0


class Job(NamedTuple):
    name: str
    run: Callable[[datetime], Awaitable[dict[str, Any]]]
    trigger: str  # "interval" | "cron"
    # Either fixed arguments, or a function read when the scheduler starts (after create_app
    # chose the settings), for times that come from settings such as the end of the day.
    trigger_args: dict[str, Any] | Callable[[], dict[str, Any]]
    # A quiet job keeps a JobRun only when it did something or failed: mail delivery runs
    # every 30 s, and 2,880 empty runs a day hid every other job on the retention page.
    quiet: bool = False


async def _purge_sessions(now: datetime) -> dict[str, Any]:
    return {
        "sessions": await purge_expired(now),
        "tokens": await purge_expired_tokens(now),
        "throttles": await purge_stale_throttles(now),
        "rate_windows": await purge_ended_windows(now),
    }


async def _retention_sweep(now: datetime) -> dict[str, Any]:
    return await sweep(now)


async def _orphaned_cv_files(now: datetime) -> dict[str, Any]:
    return {"files": await sweep_orphan_cv_files(now)}


async def _deliver_mail(now: datetime) -> dict[str, Any]:
    return (await deliver_pending(now))._asdict()


JOBS: list[Job] = [
    Job("expired_sessions", _purge_sessions, "interval", {"hours": 1}),
    Job("deliver_mail", _deliver_mail, "interval", {"seconds": 30}, quiet=True),
    Job("retention_sweep", _retention_sweep, "interval", {"hours": 1}),
    Job("orphaned_cv_files", _orphaned_cv_files, "cron", {"hour": 3, "minute": 30}),
]


async def run_job(job: Job, now: datetime | None = None) -> dict[str, Any]:
    """Run one job and keep its outcome (start, end, counts, error) for the console. A job's
    run is recorded before it starts (an interrupted run shows as such), a quiet job's only
    afterwards, and only when it did something or failed."""
    now = now or utcnow()
    run = JobRun(job=job.name, started_at=now)
    if not job.quiet:
        await run.save()
    error = ""
    try:
        counts = await job.run(now)
    except Exception as exc:  # noqa: BLE001 - a failed run is recorded, the scheduler goes on
        log.error("job %s failed: %s", job.name, type(exc).__name__)
        counts, error = {}, type(exc).__name__
    job_ran(job.name, bool(error))
    if job.quiet:
        if error or any(counts.values()):
            await JobRun(
                job=job.name, started_at=now, finished_at=utcnow(), counts=counts, error=error
            ).save()
        return counts
    await JobRun.update(
        {JobRun.finished_at: utcnow(), JobRun.counts: counts, JobRun.error: error}
    ).where(JobRun.id == run.id)
    return counts


def missed_cron_run(args: dict[str, Any], now: datetime, last_success: datetime | None) -> bool:
    """Whether a cron job's latest scheduled time in the past week passed without a successful
    run since: the job store lives in memory, so a run due while no scheduler ran (a restart,
    a deploy over the end of day) would otherwise never happen (issue 18.7)."""
    trigger = CronTrigger(**args)
    due = None
    fire = trigger.get_next_fire_time(None, now - CATCH_UP_WINDOW)
    while fire is not None and fire <= now:
        due = fire
        fire = trigger.get_next_fire_time(fire, fire + timedelta(seconds=1))
    return due is not None and (last_success is None or last_success < due)


def first_run(
    job: Job,
    now: datetime,
    args: dict[str, Any] | None = None,
    last_success: datetime | None = None,
) -> dict[str, Any]:
    """Interval jobs first run soon after the scheduler starts, not one interval later: the
    job store lives in memory, so otherwise every restart would postpone the hourly sweep by
    another hour (a missed run must still run). A cron job whose latest time passed with no
    successful run since runs once soon, then keeps its times."""
    if args is None:
        args = job.trigger_args() if callable(job.trigger_args) else job.trigger_args
    if "next_run_time" in args:
        return {}
    if job.trigger == "cron":
        if missed_cron_run(args, now, last_success):
            return {"next_run_time": now + FIRST_RUN_DELAY}
        return {}
    units = ("weeks", "days", "hours", "minutes", "seconds")
    interval = timedelta(**{k: v for k, v in args.items() if k in units})
    return {"next_run_time": now + min(interval, FIRST_RUN_DELAY)}


async def last_successes() -> dict[str, datetime]:
    """When each job last finished without an error (JobRun, kept across restarts)."""
    rows = await JobRun.raw(
        "SELECT job, MAX(finished_at) AS finished_at FROM job_run "
        "WHERE finished_at IS NOT NULL AND error = '' GROUP BY job"
    )
    return {row["job"]: _aware(row["finished_at"]) for row in rows}


def _aware(value: datetime | str) -> datetime:
    """SQLite hands MAX() of a timestamp back as text."""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class Runner:
    """Starts APScheduler only in the worker that holds the leadership lock; the others try
    again every `retry_seconds`, so when the holder dies another worker takes over."""

    def __init__(self, settings: Settings, retry_seconds: float = 15.0) -> None:
        self.settings = settings
        self.leadership = Leadership(settings.database_url, settings.data_dir)
        self.scheduler: AsyncIOScheduler | None = None
        self.retry_seconds = retry_seconds
        self._task: asyncio.Task[None] | None = None
        self.running: set[asyncio.Task[Any]] = set()

    async def start(self) -> None:
        self._task = asyncio.create_task(self._elect())

    async def _elect(self) -> None:
        while True:
            if self.scheduler is None and await self.leadership.try_acquire():
                self._start_scheduler(await last_successes())
            elif self.scheduler is not None and not await self.leadership.still_held():
                log.warning("scheduler leadership lost; stepping down")
                self.scheduler.shutdown(wait=False)
                self.scheduler = None
            await asyncio.sleep(self.retry_seconds)

    def _start_scheduler(self, last_success: dict[str, datetime]) -> None:
        scheduler = AsyncIOScheduler(
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None}
        )
        for job in JOBS:
            trigger_args = self.trigger_args(job)
            scheduler.add_job(
                self._run,
                job.trigger,
                args=[job],
                id=job.name,
                name=job.name,
                **first_run(job, utcnow(), trigger_args, last_success.get(job.name)),
                **trigger_args,
            )
        scheduler.start()
        self.scheduler = scheduler
        log.info("scheduler started in this worker with %d jobs", len(JOBS))

    async def _run(self, job: Job) -> dict[str, Any]:
        """run_job, known to stop(): APScheduler's asyncio executor cancels running jobs at
        shutdown, whatever `wait` says, so the runner waits for them itself."""
        task = asyncio.current_task()
        if task is not None:
            self.running.add(task)
        try:
            return await run_job(job)
        finally:
            self.running.discard(task)  # type: ignore[arg-type]

    def trigger_args(self, job: Job) -> dict[str, Any]:
        """Cron times are local times of the company (INTAKE_TIMEZONE), not the server's."""
        args = job.trigger_args() if callable(job.trigger_args) else dict(job.trigger_args)
        if job.trigger == "cron":
            args.setdefault("timezone", self.settings.timezone)
        return args

    async def stop(self, grace: float = JOB_GRACE_SECONDS) -> None:
        """No new runs; running jobs finish (for `grace` seconds at most); then the lock goes,
        so no other worker starts a job while this one still runs it."""
        if self._task is not None:
            self._task.cancel()
        if self.scheduler is not None:
            self.scheduler.pause()
            if self.running:
                log.info("waiting for %d running job(s) before stopping", len(self.running))
                await asyncio.wait(set(self.running), timeout=grace)
            self.scheduler.shutdown(wait=False)
            self.scheduler = None
        await self.leadership.release()


# Staff console (issue 5): each assignee hears daily of rights requests due within 7 days.
async def _remind_rights_requests(now: datetime) -> dict[str, Any]:
    from app.privacy.requests_queue import remind_assignees

    return await remind_assignees(now)


JOBS.append(Job("rights_request_reminders", _remind_rights_requests, "cron", {"hour": 7}))


# Visits (issue 4): whoever is still signed in is signed out at their site's end of day, local
# time (issue 19.5: each site has its own); quiet, as it looks every few minutes.
async def _end_of_day_sign_out(now: datetime) -> dict[str, Any]:
    from app.visits.end_of_day import run_end_of_day

    return await run_end_of_day(now)


def _end_of_day_trigger() -> dict[str, Any]:
    from app.visits.end_of_day import end_of_day_trigger

    return end_of_day_trigger()


JOBS.append(
    Job("end_of_day_sign_out", _end_of_day_sign_out, "cron", _end_of_day_trigger, quiet=True)
)


# Portal (issue 21.1): a CV kept across an apply form's error is erased within the hour if the
# form is never sent again (app/recruiting/kept_cv.py: usable 50 minutes, swept every 10).
async def _erase_kept_cvs(now: datetime) -> dict[str, Any]:
    from app.recruiting.kept_cv import erase_expired

    return {"kept_cvs": await erase_expired(now)}


def _kept_cvs_trigger() -> dict[str, Any]:
    from app.recruiting.kept_cv import CLEANUP_EVERY

    return {"seconds": int(CLEANUP_EVERY.total_seconds())}


JOBS.append(Job("kept_cvs", _erase_kept_cvs, "interval", _kept_cvs_trigger, quiet=True))


# Positions (issue 21 point 5): past its last day to apply, a position closes by itself, so
# no feed or job board goes on listing it (Google drops postings past validThrough too).
async def _close_past_deadline(now: datetime) -> dict[str, Any]:
    from app.recruiting.positions_admin import close_past_deadline

    return await close_past_deadline(now)


JOBS.append(Job("close_past_deadline", _close_past_deadline, "interval", {"hours": 1}))


# Portal (issue 21.4): consent renewal mails, each one mail only (app/privacy/consent_renewal.py):
# a talent-pool keeping that ends within 30 days, and a changed text of purpose m or n. Daily,
# in the morning, local time.
async def _consent_renewals(now: datetime) -> dict[str, Any]:
    from app.privacy.consent_renewal import mail_renewals

    return dict(await mail_renewals(now))


JOBS.append(Job("consent_renewal_mails", _consent_renewals, "cron", {"hour": 9}))


# Hand-off to the HR system (issue 17 point 10): the signed webhook, retried with the
# outbox's backoff (app.recruiting.handover).
async def _deliver_handovers(now: datetime) -> dict[str, Any]:
    from app.recruiting.handover import deliver_handovers

    return await deliver_handovers(now)


JOBS.append(Job("hris_handover", _deliver_handovers, "interval", {"seconds": 60}, quiet=True))


# Host notification through chat webhooks (issue 19.7): queued by the sign-in, sent here, so a
# slow or failing webhook never delays a visitor; quiet, as mail delivery.
async def _chat_notices(now: datetime) -> dict[str, Any]:
    from app.visits.chat import deliver

    return await deliver(now)


JOBS.append(Job("chat_notices", _chat_notices, "interval", {"seconds": 30}, quiet=True))
