"""`litestar cv-move-to-db` (issue 18.1): on PostgreSQL, the CV files an earlier version kept
in INTAKE_DATA_DIR/cv move into the database, checked one by one (app/recruiting/cv_move.py).
Run it on the host that has the files, once, before adding hosts; it can be stopped and run
again at any time, and the app serves every CV meanwhile."""

import asyncio

import click

from app.config import current
from app.recruiting.cv_move import CannotMove, MoveReport, files_to_move, move_files_to_database


async def _move() -> MoveReport:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    total = len(files_to_move(current().cv_dir))
    with Progress(TextColumn("CV files"), BarColumn(), MofNCompleteColumn()) as bar:
        task = bar.add_task("move", total=total)
        return await move_files_to_database(lambda report: bar.advance(task))


@click.command(name="cv-move-to-db", help="PostgreSQL: move the CV files into the database.")
def cv_move_to_db() -> None:
    try:
        report = asyncio.run(_move())
    except CannotMove as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(
        f"{report.moved} moved, {report.already} already in the database, "
        f"{len(report.failed)} kept on disk of {report.total} files"
    )
    for name in report.failed:
        click.echo(f"NOT MOVED (its copy did not check out; the file is kept): {name}", err=True)
    if report.failed:
        raise SystemExit(1)
