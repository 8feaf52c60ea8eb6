"""`make bench` cannot rot: a tiny run of every benchmark (seconds) on this suite's database,
checking the shape of bench/results JSON and of the table. Never timings: this machine is
shared, and the bench's own job is to measure them."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BENCHMARKS = {"B1", "B2", "B3", "B4", "B5", "B6", "B7", "B8"}
FIELDS = {"benchmark", "database", "name", "unit", "value", "floor", "ratio", "p50_ms",
          "p99_ms", "target", "met"}  # fmt: skip


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, str]:
    database = os.environ.get("INTAKE_TEST_DB", "sqlite")
    output = tmp_path_factory.mktemp("bench") / "latest.json"
    env = {
        **os.environ,
        "BENCH_DATABASES": database,
        "BENCH_SCALE": "0.0001",
        "BENCH_DURATION": "0.3",
        "BENCH_WARMUP": "0",
        "BENCH_CV_BYTES": "20000",
        "BENCH_LOGINS": "2",
        "BENCH_LOGIN_ROUNDS": "1",
        "BENCH_ARGON2_PROFILE": "test",
        "BENCH_OUTPUT": str(output),
    }
    done = subprocess.run(
        [sys.executable, "-m", "bench.run"], env=env, cwd=ROOT, capture_output=True,
        text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return json.loads(output.read_text()), done.stdout


def test_every_benchmark_reports_its_figure_floor_ratio_and_verdict(report):
    data, _ = report
    results = data["results"]
    assert {r["benchmark"] for r in results} == BENCHMARKS
    database = os.environ.get("INTAKE_TEST_DB", "sqlite")
    for r in results:
        assert FIELDS <= set(r), r
        assert r["database"] == database
        assert isinstance(r["met"], bool)
        assert not r["name"].startswith("FAILED"), r["name"]  # every benchmark ran through
        assert isinstance(r["value"], int | float), r
        if r["benchmark"] != "B6":
            assert isinstance(r["floor"], int | float) and r["floor"] > 0, r
            assert r["ratio"] == pytest.approx(r["value"] / r["floor"], rel=0.01, abs=0.001)


def test_the_load_was_served_not_refused(report):
    data, _ = report
    for r in data["results"]:
        for side in ("target", "floor", "kiosk"):
            statuses = r["extra"].get(side, {}).get("statuses")
            if statuses:
                assert set(statuses) <= {"200", "201"}, (r["name"], side, statuses)


def test_the_machine_and_the_table_are_reported(report):
    data, stdout = report
    machine = data["machine"]
    assert machine["cores"] >= 1 and machine["memory_mb"] > 0
    assert machine["python"].startswith("3.11")
    assert set(machine["databases"]) == {os.environ.get("INTAKE_TEST_DB", "sqlite")}
    assert "| bench | db" in stdout and "B6" in stdout
