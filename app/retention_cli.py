"""`litestar retention run [--dry-run]`: the retention sweep from a terminal or from cron (the
same service the scheduler calls), with a progress bar per kind of record; the dry run prints
what would be erased, with counts and dates, and erases nothing."""

import asyncio
from datetime import UTC, datetime
from typing import Any

import click


def _when(value: datetime | None) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC") if value else "-"


async def _dry_run(at: datetime) -> None:
    from rich.console import Console
    from rich.table import Table

    from app.privacy.retention_report import due_now

    table = Table(title=f"Due for erasure at {_when(at)} (dry run: nothing is erased)")
    for column in ("kind of record", "count", "oldest due date", "newest due date"):
        table.add_column(column)
    total = 0
    for due in await due_now(at):
        total += due.count
        table.add_row(due.kind, str(due.count), _when(due.earliest), _when(due.latest))
    Console().print(table)
    click.echo(f"{total} records would be erased.")


async def _run(now: datetime) -> dict[str, Any]:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from app.jobs import Job, run_job
    from app.privacy.retention_report import due_now
    from app.privacy.sweep import sweep
    from app.tables import JobRun

    due = {d.kind: d.count for d in await due_now(now)}
    with Progress(TextColumn("{task.description:<18}"), BarColumn(), MofNCompleteColumn()) as bars:
        tasks = {kind: bars.add_task(kind, total=count) for kind, count in due.items()}

        def advance(kind: str, n: int) -> None:
            bars.update(tasks[kind], advance=n)

        async def go(at: datetime) -> dict[str, Any]:
            return await sweep(at, advance)

        # Recorded like a scheduled run, so the console shows it.
        counts = await run_job(Job("retention_sweep_cli", go, "interval", {}), now)
    last = await (
        JobRun.select(JobRun.error)
        .where(JobRun.job == "retention_sweep_cli")
        .order_by(JobRun.id, ascending=False)
        .first()
    )
    if last and last["error"]:
        raise click.ClickException(f"the sweep failed: {last['error']} (see the log)")
    return counts


@click.group(name="retention", help="Retention: erase what is due (MISSION.md defaults).")
def retention_group() -> None:
    pass


@retention_group.command(name="run", help="Erase every record whose erase-after date passed.")
@click.option("--dry-run", is_flag=True, help="Print what would be erased; erase nothing.")
@click.option(
    "--at",
    type=click.DateTime(formats=["%Y-%m-%d", "%Y-%m-%dT%H:%M"]),
    default=None,
    help="With --dry-run: preview a later moment (UTC), e.g. 2026-06-01.",
)
def run(dry_run: bool, at: datetime | None) -> None:
    from app.clock import utcnow

    if at is not None and not dry_run:
        # Erasing "as of" a future date would erase records before their date.
        raise click.UsageError("--at is only allowed with --dry-run")
    now = at.replace(tzinfo=UTC) if at else utcnow()
    if dry_run:
        asyncio.run(_dry_run(now))
        return
    counts = asyncio.run(_run(now))
    erased = {k: v for k, v in counts.items() if v}
    click.echo("erased: " + (", ".join(f"{k} {v}" for k, v in erased.items()) or "nothing due"))


@retention_group.command(
    name="receipts", help="Print deletion receipts since a day as CSV (export before a restore)."
)
@click.option("--since", type=click.DateTime(formats=["%Y-%m-%d"]), required=True)
def receipts(since: datetime) -> None:
    import csv
    import sys

    from app.privacy.restore import receipts_since

    rows = asyncio.run(receipts_since(since.replace(tzinfo=UTC)))
    out = csv.writer(sys.stdout)
    out.writerow(["kind", "reference", "reason", "erased_at"])
    for r in rows:
        out.writerow([r["kind"], r["reference"], r["reason"], r["erased_at"].isoformat()])


@retention_group.command(
    name="replay", help="After a restore: erase again the people named in exported receipts."
)
@click.argument("csv_file", type=click.File("r"))
def replay(csv_file: Any) -> None:
    import csv

    from app.clock import utcnow
    from app.privacy.audit import SYSTEM
    from app.privacy.restore import replay as replay_receipts

    entries = [(r["kind"], r["reference"]) for r in csv.DictReader(csv_file)]
    done = asyncio.run(replay_receipts(entries, utcnow(), SYSTEM))
    click.echo(f"erased again: {done['candidates']} candidates, {done['visits']} visits")
    click.echo("now run `litestar retention run` to erase again what was due by date")
