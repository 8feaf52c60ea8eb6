"""One "app worker" for the leader tests: the real Runner (leader election + APScheduler) with
the real retention job, its interval shortened to half a second so a test needs not wait an
hour. Prints "leader" or "follower" (and the time) after `seconds`, then stops 2 s later."""

import asyncio
import sys
from datetime import UTC, datetime


async def main(seconds: float) -> None:
    from app import db, jobs
    from app.config import load_settings, use

    settings = load_settings()
    use(settings)
    await db.start(0)
    jobs.JOBS[:] = [
        job._replace(trigger="interval", trigger_args={"seconds": 0.5})
        for job in jobs.JOBS
        if job.name == "retention_sweep"
    ]
    runner = jobs.Runner(settings, retry_seconds=0.2)
    await runner.start()
    print("started", flush=True)
    await asyncio.sleep(seconds)
    role = "leader" if runner.scheduler is not None else "follower"
    print(f"{role} {datetime.now(UTC).isoformat()}", flush=True)
    # Keep running a little after reporting, so both processes report while both are alive.
    await asyncio.sleep(2)
    await runner.stop()


if __name__ == "__main__":
    asyncio.run(main(float(sys.argv[1])))
