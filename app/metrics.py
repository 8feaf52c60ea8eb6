"""Operational metrics in Prometheus's format (issue 18.6), through prometheus-client.

Labels hold only route templates, methods, status codes and job names: never a path (it can
hold a token), an address or anything a person typed (SECURITY.md: no personal data in logs or
metrics; tests/security/test_metrics.py plants the log test's markers and scans the output).
With several worker processes set PROMETHEUS_MULTIPROC_DIR (prometheus-client's own
mechanism): each worker then writes its counts there and any worker answers for all."""

import os
from collections.abc import Iterator
from datetime import datetime

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

REQUESTS = Counter("intake_requests_total", "Requests answered", ["method", "route", "status"])
LATENCY = Histogram(
    "intake_request_seconds",
    "Time to answer a request",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0),
)
JOB_RUNS = Counter("intake_job_runs_total", "Scheduled job runs", ["job", "outcome"])
CONTENT_TYPE = CONTENT_TYPE_LATEST


def observe_request(method: str, route: str, status: int, seconds: float) -> None:
    REQUESTS.labels(method, route, str(status)).inc()
    LATENCY.labels(method, route).observe(seconds)


def job_ran(job: str, failed: bool) -> None:
    JOB_RUNS.labels(job, "failed" if failed else "ok").inc()


class DatabaseGauges(Collector):
    """What only the database knows, read at scrape time by the door (app/web/metrics.py)."""

    def __init__(self, outbox_backlog: int, failed_mail: int, sweep_success: datetime | None):
        self.outbox_backlog = outbox_backlog
        self.failed_mail = failed_mail
        self.sweep_success = sweep_success

    def collect(self) -> Iterator[GaugeMetricFamily]:
        yield GaugeMetricFamily(
            "intake_outbox_backlog", "Mails waiting to be sent", value=self.outbox_backlog
        )
        yield GaugeMetricFamily(
            "intake_outbox_failed", "Mails given up on, shown to admins", value=self.failed_mail
        )
        yield GaugeMetricFamily(
            "intake_retention_sweep_last_success_seconds",
            "Unix time of the retention sweep's last successful run (0: never)",
            value=self.sweep_success.timestamp() if self.sweep_success else 0,
        )


def render(gauges: DatabaseGauges) -> bytes:
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    else:
        for collector in (REQUESTS, LATENCY, JOB_RUNS):
            registry.register(collector)
    registry.register(gauges)
    return generate_latest(registry)
