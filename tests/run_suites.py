"""`make test`: the whole suite on SQLite, then on PostgreSQL with its files in reverse order.

Where PostgreSQL cannot be reached, that half is skipped with a loud line, unless CI=true or
INTAKE_REQUIRE_POSTGRES=1: then it fails. pytest's "no tests collected" (exit 5) is a failure."""

import os
import socket
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

PG_HOST = os.environ.get("INTAKE_TEST_PG_HOST", "127.0.0.1")
PG_PORT = int(os.environ.get("INTAKE_TEST_PG_PORT", "5432"))


def postgres_reachable() -> bool:
    try:
        with socket.create_connection((PG_HOST, PG_PORT), timeout=3):
            return True
    except OSError:
        return False


def strict() -> bool:
    return os.environ.get("CI") == "true" or os.environ.get("INTAKE_REQUIRE_POSTGRES") == "1"


def loud(message: str) -> None:
    bar = "!" * 78
    print(f"\n{bar}\n!!! {message}\n{bar}\n", flush=True)


def run_suite(database: str, report: Path, extra: list[str]) -> int:
    # The PostgreSQL half runs its files in reverse order (tests/conftest.py): one run in
    # another order shows any test that depends on what an earlier file left, at no extra cost.
    reverse = "1" if database == "postgres" else "0"
    env = {**os.environ, "INTAKE_TEST_DB": database, "INTAKE_TEST_REVERSE": reverse}
    cmd = [sys.executable, "-m", "pytest", f"--junitxml={report}", *extra]
    order = "files in reverse order" if reverse == "1" else "files in order"
    print(f"\n=== test suite on {database} ({order}) ===", flush=True)
    return subprocess.call(cmd, env=env)


def counts(report: Path) -> tuple[int, int, int]:
    if not report.exists():
        return 0, 0, 0
    root = ET.parse(report).getroot()
    suites = [root] if root.tag == "testsuite" else list(root)
    total = sum(int(s.get("tests", 0)) for s in suites)
    failed = sum(int(s.get("failures", 0)) + int(s.get("errors", 0)) for s in suites)
    skipped = sum(int(s.get("skipped", 0)) for s in suites)
    return total - failed - skipped, failed, skipped


def main() -> int:
    extra = sys.argv[1:]
    databases = ["sqlite"]
    if postgres_reachable():
        databases.append("postgres")
    elif strict():
        loud(f"PostgreSQL is not reachable on {PG_HOST}:{PG_PORT} and CI requires it: FAILING")
        return 1
    else:
        loud(f"PostgreSQL is not reachable on {PG_HOST}:{PG_PORT}: SKIPPING the PostgreSQL half")
    passed = failed = skipped = 0
    status = 0
    with tempfile.TemporaryDirectory() as tmp:
        for database in databases:
            report = Path(tmp) / f"{database}.xml"
            rc = run_suite(database, report, extra)
            p, f, s = counts(report)
            passed, failed, skipped = passed + p, failed + f, skipped + s
            if rc == 5:
                loud(f"pytest collected no tests on {database}")
            if rc != 0:
                status = 1
    print(f"\ntotal: {passed} passed, {failed} failed, {skipped} skipped")
    return status


if __name__ == "__main__":
    sys.exit(main())
