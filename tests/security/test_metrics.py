"""/metrics (issue 18.6): Prometheus's format, for the scraper's addresses only; requests by
route template, latency, job runs and failures, the outbox backlog and the sweep's last
success. The log-marker journey (test_log_markers.py) scans the same output for personal data."""

from datetime import UTC, datetime

import httpx

from app.jobs import JOBS, run_job
from app.metrics import DatabaseGauges, render
from app.tables import JobRun, OutboxMail
from app.web.metrics import allowed


def test_the_allow_list_works_on_truncated_addresses():
    loopback = ("127.0.0.0/8", "::1")
    assert allowed("127.0.0.0", loopback)
    assert allowed("::", loopback)  # ::1 arrives truncated to its /48
    assert not allowed("10.0.0.0", loopback)
    assert not allowed("", loopback) and not allowed("nonsense", loopback)
    assert allowed("10.1.2.0", ("10.1.2.9",))  # a single scraper, compared at /24
    assert not allowed("10.1.3.0", ("10.1.2.9",))


async def test_metrics_count_requests_the_outbox_and_the_sweep(live_server):
    now = datetime.now(UTC)
    await OutboxMail.insert(
        OutboxMail(to_address="a@example.org", subject="s", body="b", created_at=now,
                   erase_after=now),
        OutboxMail(to_address="b@example.org", subject="s", body="b", created_at=now,
                   erase_after=now, failed_at=now),
    )
    await JobRun.insert(JobRun(job="retention_sweep", started_at=now, finished_at=now))
    async with httpx.AsyncClient(base_url=live_server.url, timeout=30) as http:
        await http.get("/healthz")
        response = await http.get("/metrics")  # from 127.0.0.1: the default allow list

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    text = response.text
    assert 'intake_requests_total{method="GET",route="/healthz",status="200"}' in text
    assert 'intake_request_seconds_bucket{le="0.005",method="GET",route="/healthz"}' in text
    assert "intake_outbox_backlog 1.0" in text and "intake_outbox_failed 1.0" in text
    swept = [line for line in text.splitlines()
             if line.startswith("intake_retention_sweep_last_success_seconds ")]
    assert swept and abs(float(swept[0].split()[1]) - now.timestamp()) < 2


async def test_job_runs_and_failures_are_counted():
    async def broken(now: datetime) -> dict:
        raise RuntimeError("disk full")

    now = datetime.now(UTC)
    await run_job(JOBS[0]._replace(name="metrics_probe", run=broken), now)
    await run_job(JOBS[0]._replace(name="metrics_probe", run=lambda now: _nothing()), now)
    text = render(DatabaseGauges(0, 0, None)).decode()
    assert 'intake_job_runs_total{job="metrics_probe",outcome="failed"} 1.0' in text
    assert 'intake_job_runs_total{job="metrics_probe",outcome="ok"} 1.0' in text
    assert "intake_retention_sweep_last_success_seconds 0.0" in text


async def _nothing() -> dict:
    return {}


async def test_anyone_else_gets_a_404(client):
    """The test client's address is no IP at all: refused like any stranger's."""
    assert (await client.get("/metrics")).status_code == 404
