"""`litestar retention run --dry-run` prints counts and dates and erases nothing;
`litestar retention run` erases what is due, with a progress bar per kind, and is recorded as a
job run for the console. Typed as the docs (and Litestar's own) teach: the installed
`litestar` command, from the project folder, without `--app` or LITESTAR_APP (issue 16
item 12: Litestar's discovery finds `app.create_app`)."""

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from app.tables import JobRun, Visit
from tests.factories import visit_row

ROOT = Path(__file__).resolve().parents[2]
PAST = datetime(2026, 1, 5, 10, tzinfo=UTC)


LITESTAR = Path(sys.executable).parent / "litestar"


def _cli(*args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "LITESTAR_APP"}
    return subprocess.run(
        [str(LITESTAR), "retention", "run", *args],
        cwd=ROOT, env={**env, "COLUMNS": "120"}, capture_output=True, text=True,
        timeout=120, check=False,
    )


async def test_dry_run_prints_counts_and_dates_and_erases_nothing():
    for _ in range(3):
        await visit_row(signed_in_at=PAST, signed_out_at=PAST, erase_after=PAST + timedelta(days=30))
    await visit_row(signed_in_at=PAST, signed_out_at=PAST, erase_after=datetime(2099, 1, 1, tzinfo=UTC))

    result = _cli("--dry-run")
    assert result.returncode == 0, result.stderr
    line = next(x for x in result.stdout.splitlines() if "visits" in x and "expected" not in x)
    assert "3" in line and "2026-02-04" in line
    assert "3 records would be erased" in result.stdout
    assert await Visit.count() == 4

    later = _cli("--dry-run", "--at", "2099-01-02")
    assert "4 records would be erased" in later.stdout
    assert await Visit.count() == 4


async def test_run_erases_what_is_due_and_records_the_run():
    for _ in range(3):
        await visit_row(signed_in_at=PAST, signed_out_at=PAST, erase_after=PAST + timedelta(days=30))
    kept, _ = await visit_row(signed_in_at=PAST, erase_after=None)

    result = _cli()
    assert result.returncode == 0, result.stderr
    assert "visits 3" in result.stdout
    assert [v["id"] for v in await Visit.select(Visit.id)] == [kept]
    run = await JobRun.select().where(JobRun.job == "retention_sweep_cli").first()
    assert run["finished_at"] is not None and run["error"] == ""


async def test_a_future_moment_is_refused_for_a_real_run():
    result = _cli("--at", "2099-01-01")
    assert result.returncode != 0
    assert "only allowed with --dry-run" in result.stdout + result.stderr
