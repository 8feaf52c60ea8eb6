"""Exactly one scheduler among all workers (SECURITY.md "Reliability"; PITFALLS: every worker
would otherwise run every job): two real processes against one database, the real election
and the real retention job; and when the leader dies, the other takes over."""

import asyncio
import itertools
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from app.tables import AnonymousStat, JobRun, Visit
from tests.factories import visit_row

ROOT = Path(__file__).resolve().parents[2]
PAST = datetime(2026, 1, 5, 10, tzinfo=UTC)


def _spawn(seconds: float) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.retention.scheduler_process", str(seconds)],
        cwd=ROOT, env=dict(os.environ), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True,
    )


async def _runs() -> list[dict]:
    return await JobRun.select().where(JobRun.job == "retention_sweep").order_by(JobRun.id)


async def test_two_processes_elect_one_scheduler_and_the_sweep_runs_once():
    for _ in range(12):
        await visit_row(purpose="meeting", signed_in_at=PAST, signed_out_at=PAST,
                        erase_after=PAST + timedelta(days=1))
    first, second = _spawn(5), _spawn(5)
    outputs = [
        (await asyncio.to_thread(p.communicate, timeout=90))[0] for p in (first, second)
    ]
    reports = [
        line.split()
        for out in outputs
        for line in out.splitlines()
        if line.startswith(("leader ", "follower "))
    ]
    assert sorted(role for role, _ in reports) == ["follower", "leader"], outputs
    first_report = min(datetime.fromisoformat(at) for _, at in reports)

    # While both ran, only the leader swept (after the reports one may take over from the
    # other as it stops: that is the takeover, tested below).
    runs = [r for r in await _runs() if r["started_at"] < first_report]
    assert len(runs) >= 2, "the leader ran the sweep every half second"
    assert all(r["error"] == "" and r["finished_at"] for r in runs)
    # One runner, max_instances=1: no two runs ever overlapped.
    for earlier, later in itertools.pairwise(runs):
        assert later["started_at"] >= earlier["finished_at"]
    assert await Visit.count() == 0
    assert await AnonymousStat.count() == 0  # erasure counts nothing (issue 20)


async def test_when_the_leader_dies_the_other_worker_takes_over():
    leader = _spawn(60)
    deadline = time.monotonic() + 60
    while not await _runs():
        assert time.monotonic() < deadline, "no sweep ran"
        await asyncio.sleep(0.2)
    follower = _spawn(60)
    try:
        await asyncio.sleep(3)  # the follower is up and has tried (and failed) to lead
        leader.send_signal(signal.SIGKILL)
        await asyncio.to_thread(leader.wait, 30)
        died = datetime.now(UTC)
        deadline = time.monotonic() + 30
        while not [r for r in await _runs() if r["started_at"] > died]:
            assert time.monotonic() < deadline, "nobody took over"
            await asyncio.sleep(0.2)
        assert follower.poll() is None
    finally:
        for p in (leader, follower):
            if p.poll() is None:
                p.kill()
            p.communicate(timeout=30)
